# Peer timings for the mask benchmark, run in the same session: OpenCV findContours and pycocotools (if installed).
# Reads the raw masks written by run-benchmarks.ts; prints one JSON object. Median of n runs, single-threaded.
import json, sys, time
import numpy as np

def median_ms(fn, n):
    fn()
    times = []
    for _ in range(n):
        t = time.perf_counter(); fn(); times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return times[len(times) // 2]

spec = json.loads(sys.argv[1])
out = {"peers": {}}
try:
    import cv2
    cv2.setNumThreads(1)
    out["peers"]["opencv"] = cv2.__version__
except ImportError:
    cv2 = None
try:
    from pycocotools import mask as mask_utils
    out["peers"]["pycocotools"] = "installed"
except ImportError:
    mask_utils = None
results = {}
for case in spec["cases"]:
    m = np.fromfile(case["path"], dtype=np.uint8).reshape(case["height"], case["width"])
    r = {}
    n = case["runs"]
    if cv2 is not None and case["contours"]:
        r["findContours_external_simple"] = median_ms(lambda: cv2.findContours(m, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE), n)
        r["findContours_ccomp_simple"] = median_ms(lambda: cv2.findContours(m, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_SIMPLE), n)
    if mask_utils is not None:
        r["coco_encode_from_c_order"] = median_ms(lambda: mask_utils.encode(np.asfortranarray(m)), n)
        rle = mask_utils.encode(np.asfortranarray(m))
        r["coco_decode_to_c_order"] = median_ms(lambda: np.ascontiguousarray(mask_utils.decode(rle)), n)
        r["rle"] = rle["counts"].decode("ascii")
    results[case["name"]] = r
out["results"] = results
print(json.dumps(out))
