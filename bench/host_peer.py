# The Python peer of the host pipeline benchmark (bench/host-pipeline.ts): the work a Python SAM 3 server does around
# the graphs for one image, with the libraries such a server uses. Long-lived: reads one JSON command per line on
# stdin, answers one JSON line on stdout, so the runner can alternate it with ours without process start-up costs.
#   {"cmd": "ping"}            -> {"ok": true} once the libraries are imported
#   {"cmd": "load", "jpeg": PATH, "logits": PATH, "count": N, "side": S, "resolution": R}
#   {"cmd": "outputs"}          -> the results of one run (RLE strings, areas, boxes, polygons) and the model input
#   {"cmd": "time", "runs": K}  -> per-stage milliseconds of K runs
import io, json, sys, time

import cv2
import numpy as np
from PIL import Image
from pycocotools import mask as mask_utils

cv2.setNumThreads(1)
state = {}


def run(stages):
    """One image: decode, model input, then per kept instance upsample + threshold, RLE, area, box, polygons; JSON."""
    t = time.perf_counter

    t0 = t()
    image = Image.open(io.BytesIO(state["jpeg"]))
    image = image.convert("RGB")
    width, height = image.size
    t1 = t()
    resized = np.asarray(image.resize((state["resolution"], state["resolution"]), Image.BILINEAR), dtype=np.float32)
    pixels = np.ascontiguousarray((resized / 127.5 - 1.0).transpose(2, 0, 1)[None])
    t2 = t()
    upsample = rle = polygons = 0.0
    instances = []
    for logit in state["logits"]:
        a = t()
        mask = (cv2.resize(logit, (width, height), interpolation=cv2.INTER_LINEAR) > 0).astype(np.uint8)
        b = t()
        encoded = mask_utils.encode(np.asfortranarray(mask))
        area = int(mask_utils.area(encoded))
        box = [float(v) for v in mask_utils.toBbox(encoded)]
        counts = encoded["counts"].decode("ascii")
        c = t()
        contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        rings = [contour.reshape(-1, 2).tolist() for contour in contours]
        d = t()
        upsample += b - a
        rle += c - b
        polygons += d - c
        instances.append({"rle": counts, "area": area, "box": box, "polygons": rings})
    t3 = t()
    body = json.dumps({"width": width, "height": height, "instances": instances})
    t4 = t()
    if stages is not None:
        for name, seconds in (
            ("decode", t1 - t0),
            ("preprocess", t2 - t1),
            ("upsample", upsample),
            ("rle_area_box", rle),
            ("polygons", polygons),
            ("json", t4 - t3),
            ("total", t4 - t0),
        ):
            stages.setdefault(name, []).append(seconds * 1000)
    return pixels, instances, len(body)


for line in sys.stdin:
    command = json.loads(line)
    if command["cmd"] == "ping":
        answer = {"ok": True}
    elif command["cmd"] == "load":
        state["jpeg"] = open(command["jpeg"], "rb").read()
        side = command["side"]
        state["logits"] = list(np.fromfile(command["logits"], dtype=np.float32).reshape(command["count"], side, side))
        state["resolution"] = command["resolution"]
        answer = {"ok": True}
    elif command["cmd"] == "outputs":
        pixels, instances, _ = run(None)
        pixels.tofile(command["pixels"])
        answer = {"instances": instances}
    elif command["cmd"] == "time":
        stages = {}
        for _ in range(command["runs"]):
            run(stages)
        answer = {"stages": stages}
    else:
        answer = {"error": "unknown command"}
    sys.stdout.write(json.dumps(answer) + "\n")
    sys.stdout.flush()
