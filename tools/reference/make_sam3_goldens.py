"""The tiny real-architecture SAM 3 bundle and its reference goldens (sam3-server issue #22).

1. Exports the five graphs (export_tiny.py) into test/fixtures/reference/tiny-sam3/ with the CLIP-structured
   tokenizer.json given as argv[1] (the repository's demo tokenizer) and a manifest.
2. Runs the reference pipeline of Hugging Face transformers on the same (float16-rounded) weights for a set of images
   and prompts, writing goldens.json: the decoder feeds the processors make, the small graph outputs, and the final
   instances (COCO RLE from pycocotools, boxes, scores) from `post_process_instance_segmentation` and
   `post_process_masks`.

Concept prompts: HF's Sam3ImageProcessor (resize, normalise), the tokenizer padded to 32 with end-of-text, Sam3Model,
then post_process_instance_segmentation at a per-case threshold halfway between two adjacent scores (random weights
score every query alike, so a fixed 0.5 would keep nothing). Each instance has two masks: `rle` as Meta's
Sam3Processor makes it (bilinear upsampling of the logits, then sigmoid > 0.5) and `rle_hf` as HF's post-processing
makes it (upsampling of the probabilities); they differ along mask edges. Click/box prompts: Sam3TrackerProcessor, Sam3TrackerModel
with multimask_output=True, post_process_masks; all three candidates are kept.

Usage (repository root, the virtual environment of tools/reference/requirements.txt):
  python tools/reference/make_sam3_goldens.py .cache/test-models/demo-r504/tokenizer.json
"""

from __future__ import annotations

import json
import os
import shutil
import sys

import numpy as np
import torch
from PIL import Image, ImageOps
from pycocotools import mask as mask_utils
from tokenizers import Tokenizer

sys.path.insert(0, os.path.dirname(__file__))
import export_tiny as E  # noqa: E402
import sam3_tiny as T  # noqa: E402
from transformers.models.sam3.image_processing_sam3 import Sam3ImageProcessor  # noqa: E402
from transformers.models.sam3_tracker.processing_sam3_tracker import Sam3TrackerProcessor  # noqa: E402

OUT = os.path.join("test", "fixtures", "reference", "tiny-sam3")
IMAGES = os.path.join("test", "fixtures", "reference", "preprocess")
CONTEXT = 32
EOT = 49407

CONCEPT_CASES = [
    {"name": "text-640x480", "image": "png-640x480.png", "text": "red"},
    {"name": "text-1280x720", "image": "png-1280x720.png", "text": "a cat"},
    {"name": "text-400x300", "image": "png-400x300.png", "text": "blue"},
    {"name": "text-1008x504", "image": "png-1008x504.png", "text": "person"},
    {"name": "text-exif-jpeg", "image": "jpeg-exif6.jpg", "text": "dog"},
    {"name": "text-rgba", "image": "png-rgba.png", "text": "green"},
    {"name": "text-16bit", "image": "png-16bit.png", "text": "car"},
    {"name": "exemplar-positive", "image": "png-640x480.png", "boxes": [[100, 80, 260, 220]], "labels": [1]},
    {"name": "exemplars-positive-negative", "image": "png-400x300.png", "boxes": [[40, 30, 160, 120], [250, 150, 380, 280]], "labels": [1, 0]},
    {"name": "text-and-negative-exemplar", "image": "png-1280x720.png", "text": "red", "boxes": [[500, 200, 800, 500]], "labels": [0]},
]

OBJECT_CASES = [
    {"name": "point-640x480", "image": "png-640x480.png", "points": [[320, 240]], "point_labels": [1]},
    {"name": "points-pos-neg", "image": "png-640x480.png", "points": [[320, 240], [100, 100], [500, 400]], "point_labels": [1, 1, 0]},
    {"name": "box-only", "image": "png-1280x720.png", "box": [400, 150, 900, 600]},
    {"name": "box-and-points", "image": "png-400x300.png", "box": [100, 60, 300, 240], "points": [[200, 150], [120, 80]], "point_labels": [1, 0]},
    {"name": "point-1008x504", "image": "png-1008x504.png", "points": [[504, 252]], "point_labels": [1]},
    {"name": "point-exif-jpeg", "image": "jpeg-exif6.jpg", "points": [[180, 240]], "point_labels": [1]},
]


def load_rgb(name: str) -> Image.Image:
    with Image.open(os.path.join(IMAGES, name)) as im:
        return ImageOps.exif_transpose(im).convert("RGB")


def tokens(tokenizer: Tokenizer, text: str) -> tuple[list[int], list[int]]:
    ids = tokenizer.encode(text).ids
    if len(ids) > CONTEXT:
        ids = ids[: CONTEXT - 1] + [EOT]
    mask = [1] * len(ids) + [0] * (CONTEXT - len(ids))
    return ids + [EOT] * (CONTEXT - len(ids)), mask


def rle(mask: np.ndarray) -> dict:
    encoded = mask_utils.encode(np.asfortranarray(mask.astype(np.uint8)))
    return {"size": [int(v) for v in encoded["size"]], "counts": encoded["counts"].decode("ascii")}


def threshold_between(scores: np.ndarray, keep: int) -> float:
    ordered = np.sort(scores)[::-1]
    return float((ordered[keep - 1] + ordered[keep]) / 2)


def concept_goldens(model, tokenizer: Tokenizer) -> list[dict]:
    processor = Sam3ImageProcessor()
    out = []
    for case in CONCEPT_CASES:
        image = load_rgb(case["image"])
        w, h = image.size
        pixel_values = processor(images=image, return_tensors="pt").pixel_values
        text = case.get("text", "visual")
        ids, mask = tokens(tokenizer, text)
        kwargs = {}
        if "boxes" in case:
            b = np.array(case["boxes"], dtype=np.float64)
            cxcywh = np.stack([(b[:, 0] + b[:, 2]) / 2 / w, (b[:, 1] + b[:, 3]) / 2 / h, (b[:, 2] - b[:, 0]) / w, (b[:, 3] - b[:, 1]) / h], axis=1)
            kwargs = {"input_boxes": torch.tensor(cxcywh[None], dtype=torch.float32), "input_boxes_labels": torch.tensor([case["labels"]])}
        with torch.no_grad():
            result = model(pixel_values=pixel_values, input_ids=torch.tensor([ids]), attention_mask=torch.tensor([mask]), **kwargs)
        scores = (result.pred_logits.sigmoid() * result.presence_logits.sigmoid())[0].numpy()
        threshold = threshold_between(scores, 5)
        instances = processor.post_process_instance_segmentation(result, threshold=threshold, mask_threshold=0.5, target_sizes=[(h, w)])[0]
        # Meta's Sam3Processor (sam3/model/sam3_image_processor.py) upsamples the mask *logits* and then takes
        # sigmoid > 0.5; HF upsamples the probabilities. Both are kept: sam3-server follows Meta.
        keep = torch.nonzero(torch.from_numpy(scores) > threshold).flatten()
        logits = torch.nn.functional.interpolate(result.pred_masks[:, keep], size=(h, w), mode="bilinear", align_corners=False)[0]
        meta_masks = (logits.sigmoid() > 0.5).numpy()
        out.append(
            {
                **case,
                "width": w,
                "height": h,
                "threshold": threshold,
                "feeds": {"input_ids": ids, "attention_mask": mask, **({"input_boxes": kwargs["input_boxes"][0].tolist(), "input_boxes_labels": case["labels"]} if kwargs else {})},
                "outputs": {"pred_logits": result.pred_logits[0].tolist(), "presence_logits": result.presence_logits[0].tolist(), "pred_boxes": result.pred_boxes[0].tolist()},
                "instances": [
                    {"score": float(sc), "box": [float(v) for v in bx], "rle": rle(meta), "rle_hf": rle(m.numpy())}
                    for sc, bx, m, meta in zip(instances["scores"], instances["boxes"], instances["masks"], meta_masks)
                ],
            }
        )
        print(f"{case['name']:>28}: {w}x{h} threshold {threshold:.4f}, {len(instances['scores'])} instances")
    return out


def object_goldens(model) -> list[dict]:
    processor = Sam3TrackerProcessor(image_processor=Sam3ImageProcessor())
    out = []
    for case in OBJECT_CASES:
        image = load_rgb(case["image"])
        w, h = image.size
        kwargs = {}
        if "points" in case:
            kwargs["input_points"] = [[[list(map(float, p)) for p in case["points"]]]]
            kwargs["input_labels"] = [[case["point_labels"]]]
        if "box" in case:
            kwargs["input_boxes"] = [[list(map(float, case["box"]))]]
        inputs = processor(images=image, return_tensors="pt", **kwargs)
        with torch.no_grad():
            result = model(
                pixel_values=inputs.pixel_values,
                input_points=inputs.get("input_points"),
                input_labels=inputs.get("input_labels"),
                input_boxes=inputs.get("input_boxes"),
                multimask_output=True,
            )
        masks = processor.post_process_masks(result.pred_masks, inputs["original_sizes"])[0][0]  # [3, H, W] bool
        iou = result.iou_scores[0, 0].tolist()
        feeds = {k: inputs[k][0].tolist() for k in ("input_points", "input_labels", "input_boxes") if inputs.get(k) is not None}
        out.append(
            {
                **case,
                "width": w,
                "height": h,
                "feeds": feeds,
                "outputs": {"iou_scores": iou, "object_score_logits": result.object_score_logits[0, 0].tolist()},
                "candidates": [{"iou": float(iou[k]), "rle": rle(masks[k].numpy())} for k in range(masks.shape[0])],
            }
        )
        print(f"{case['name']:>28}: {w}x{h} iou {[round(v, 4) for v in iou]}")
    return out


def main(tokenizer_path: str) -> int:
    shutil.rmtree(OUT, ignore_errors=True)
    E.main(OUT)
    shutil.copyfile(tokenizer_path, os.path.join(OUT, "tokenizer.json"))
    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump({"name": "tiny-sam3-random", "label": "SAM 3 architecture, tiny widths, random weights (test fixture, not a model)"}, f, indent=2)
        f.write("\n")
    concept = E.round_to_half_(T.build_concept_model())
    tracker = E.round_to_half_(T.build_tracker_model())
    tokenizer = Tokenizer.from_file(tokenizer_path)
    goldens = {
        "about": "Hugging Face transformers reference pipeline on the tiny random-weight SAM 3 of tools/reference (make_sam3_goldens.py)",
        "concepts": concept_goldens(concept, tokenizer),
        "objects": object_goldens(tracker),
    }
    with open(os.path.join(OUT, "goldens.json"), "w") as f:
        json.dump(goldens, f)
        f.write("\n")
    total = sum(os.path.getsize(os.path.join(dp, fn)) for dp, _, fns in os.walk(OUT) for fn in fns)
    print(f"wrote {OUT} ({total / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
