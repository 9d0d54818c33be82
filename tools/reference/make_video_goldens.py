"""Goldens for video tracking with memory: transformers' Sam3TrackerVideoModel (the reference's SAM 2-style tracker)
on the tiny real architecture, a 20-frame synthetic clip and clicked objects, and the bundle sam3-server runs.

The bundle is the tiny tracker (sam3_tiny.py's widths) at R = 336 instead of 1008, so that memory attention (5184
queries against 7 x 5184 keys at 1008) costs milliseconds on a CI machine: q = 24, S = 96. Every graph is traced
from the same weights the reference runs (rounded to float16 so the files are small), and checked against PyTorch.

Usage: python tools/reference/make_video_goldens.py OUT_DIR   (writes the bundle, clip/*.png and goldens.json)
"""

from __future__ import annotations

import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

sys.path.insert(0, os.path.dirname(__file__))
import export_tiny as E  # noqa: E402
import export_video as V  # noqa: E402
import sam3_tiny as T  # noqa: E402
from pycocotools import mask as coco_mask  # noqa: E402
from transformers.models.sam3_tracker_video.modeling_sam3_tracker_video import (  # noqa: E402
    Sam3TrackerVideoInferenceSession,
)

R = 336
FRAMES = 20
SEED = T.SEED + 7


def clip() -> list[np.ndarray]:
    """A textured background with a disc moving right and a square moving down-left, both patterned."""
    yy, xx = np.mgrid[0:R, 0:R].astype(np.float32)
    base = np.stack([60 + 40 * np.sin(xx / 23.0), 90 + 30 * np.cos(yy / 17.0), 120 + 25 * np.sin((xx + yy) / 31.0)], -1)
    frames = []
    for t in range(FRAMES):
        img = base.copy()
        cx, cy = 90 + 6 * t, 120 + 2 * t
        disc = (xx - cx) ** 2 + (yy - cy) ** 2 < 45**2
        img[disc] = np.stack([220 + 20 * np.sin(xx[disc] / 5.0), 60 + 0 * xx[disc], 50 + 30 * np.cos(yy[disc] / 6.0)], -1)
        sx, sy = 230 - 4 * t, 60 + 5 * t
        square = (np.abs(xx - sx) < 35) & (np.abs(yy - sy) < 35)
        img[square] = np.stack([40 + 0 * xx[square], 200 + 30 * np.sin((xx[square] - yy[square]) / 7.0), 230 + 0 * xx[square]], -1)
        frames.append(np.clip(img, 0, 255).astype(np.uint8))
    return frames


# Each case: one object prompted on frame 0, tracked forward through the clip.
CASES = [
    {"name": "click", "points": [[90.0, 120.0]], "labels": [1]},
    {"name": "clicks", "points": [[230.0, 60.0], [120.0, 250.0]], "labels": [1, 0]},
    {"name": "box", "box": [190.0, 20.0, 270.0, 100.0]},
    # A clip shorter than 16 frames: the reference divides pointer positions by (frames - 1), not 15.
    {"name": "short", "points": [[90.0, 120.0]], "labels": [1], "frames": 10},
    # An object given as a mask, as a detection seeds one: a disc on the S x S grid (logits = cells inside the
    # radius minus the distance); the reference gets the mask the host's bilinear upsampling of them makes at R.
    {"name": "mask", "seed": {"cx": 27.0, "cy": 36.0, "radius": 12.5}},
]


def seed_logits(seed: dict, size: int) -> torch.Tensor:
    yy, xx = torch.meshgrid(torch.arange(size, dtype=torch.float32), torch.arange(size, dtype=torch.float32), indexing="ij")
    return seed["radius"] - torch.sqrt((xx - seed["cx"]) ** 2 + (yy - seed["cy"]) ** 2)


def rle(mask: np.ndarray) -> dict:
    encoded = coco_mask.encode(np.asfortranarray(mask.astype(np.uint8)))
    return {"size": [int(v) for v in encoded["size"]], "counts": encoded["counts"].decode("ascii")}


def track(model, pixels: torch.Tensor, case: dict) -> list[dict]:
    pixels = pixels[: case.get("frames", len(pixels))]
    session = Sam3TrackerVideoInferenceSession(video=pixels, video_height=R, video_width=R, dtype=torch.float32)
    obj_idx = session.obj_id_to_idx(1)
    if "seed" in case:
        grid = seed_logits(case["seed"], model.prompt_encoder.mask_input_size[0])
        mask = F.interpolate(grid[None, None], size=(R, R), mode="bilinear", align_corners=False) > 0
        session.add_mask_inputs(obj_idx, 0, mask.float())
        session.obj_with_new_inputs = [1]
        return propagate(model, session, case)
    coords, labels = [], []
    if "box" in case:  # the processor puts a box first, as two points labelled 2 and 3
        b = case["box"]
        coords += [[b[0], b[1]], [b[2], b[3]]]
        labels += [2, 3]
    coords += case.get("points", [])
    labels += case.get("labels", [])
    session.add_point_inputs(obj_idx, 0, {
        "point_coords": torch.tensor([[coords]], dtype=torch.float32),
        "point_labels": torch.tensor([[labels]], dtype=torch.int32),
    })
    session.obj_with_new_inputs = [1]
    return propagate(model, session, case)


def propagate(model, session, case: dict) -> list[dict]:
    ious: list[torch.Tensor] = []
    hook = model.mask_decoder.register_forward_hook(lambda _m, _i, out: ious.append(out[1].detach()))
    frames = []
    try:
        for out in model.propagate_in_video_iterator(session, start_frame_idx=0):
            logits = out.pred_masks[0:1].float()
            up = F.interpolate(logits, size=(R, R), mode="bilinear", align_corners=False)[0, 0]
            score = float(out.object_score_logits.reshape(-1)[0])
            iou = float(ious[-1].reshape(-1).max())
            frames.append({"frame": int(out.frame_idx), "objectScoreLogit": score, "iou": iou, "rle": rle((up > 0).numpy())})
    finally:
        hook.remove()
    # The host keeps a tracked frame as memory only while its effective IoU exceeds 0.01 (Meta's memory selection);
    # transformers keeps every frame. The goldens are valid for the host only where the two agree.
    for f in frames[1:]:
        eff = max(0.0, 2 / (1 + np.exp(-f["objectScoreLogit"])) - 1) * f["iou"]
        if eff <= 0.01:
            raise SystemExit(f"case {case['name']} frame {f['frame']}: effective IoU {eff:.4f} <= 0.01, memory selection would skip it")
    return frames


def refinement(model, pixels: torch.Tensor) -> dict:
    """SAM's interactive refinement on frame 0 as an image: a click, then that click and a second one with the first
    decode's best low-res logits as the mask prompt (transformers' prompt encoder and mask decoder)."""
    first = [[150.0, 150.0]]
    second = [[150.0, 150.0], [60.0, 280.0]]
    labels = [1, 0]
    with torch.no_grad():
        emb = V.raw_image_embeddings(model, pixels[:1])
        positions = model.get_image_wide_positional_embeddings()

        def decode(points, point_labels, masks):
            sparse, dense = model.prompt_encoder(
                input_points=torch.tensor([[points]]), input_labels=torch.tensor([[point_labels]]), input_boxes=None, input_masks=masks
            )
            low, iou, _, _ = model.mask_decoder(
                image_embeddings=emb[2], image_positional_embeddings=positions, sparse_prompt_embeddings=sparse,
                dense_prompt_embeddings=dense, multimask_output=True, high_resolution_features=[emb[0], emb[1]],
            )
            best = int(iou[0, 0].argmax())
            return low[:, :, best : best + 1][0], float(iou[0, 0, best])

        logits1, iou1 = decode(first, labels[:1], None)
        logits2, iou2 = decode(second, labels, logits1)
        up = F.interpolate(logits2, size=(R, R), mode="bilinear", align_corners=False)[0, 0]
        plain, _ = decode(second, labels, None)
        plain_up = F.interpolate(plain, size=(R, R), mode="bilinear", align_corners=False)[0, 0]
    return {
        "first": {"points": first, "labels": labels[:1], "iou": iou1},
        "second": {"points": second, "labels": labels, "iou": iou2, "rle": rle((up > 0).numpy())},
        "secondWithoutPrevious": {"rle": rle((plain_up > 0).numpy())},
    }


def main(out_dir: str) -> int:
    os.makedirs(os.path.join(out_dir, "clip"), exist_ok=True)
    tracker = E.round_to_half_(T.build_tracker_model())
    model = V.video_model_from_tracker(tracker, R, SEED)
    # Random weights score every object just below 0, which hides every mask: the object-score head's bias is raised
    # so the prompted objects are present and their masks (and the memories made of them) mean something.
    with torch.no_grad():
        model.mask_decoder.pred_obj_score_head.proj_out.bias.fill_(2.0)
    model = E.round_to_half_(model)
    frames = clip()
    for t, f in enumerate(frames):
        Image.fromarray(f).save(os.path.join(out_dir, "clip", f"frame-{t:02d}.png"), optimize=True)
    pixels = torch.from_numpy(np.stack(frames)).permute(0, 3, 1, 2).float() / 255.0
    pixels = (pixels - 0.5) / 0.5
    with torch.no_grad():
        goldens = {case["name"]: {"prompt": case, "frames": track(model, pixels, case)} for case in CASES}

    # The bundle: the tracker's vision encoder and click decoder (transformers' Sam3TrackerModel contract) and the
    # memory graphs, all from the model the goldens came from.
    images = pixels[:1]
    V.export_video_graphs(model, out_dir, images)
    V.export_click_graphs(model, out_dir, images)
    with open(os.path.join(out_dir, "manifest.json"), "w") as f:
        json.dump({"name": "tiny-sam3-video-random", "label": "SAM 3 tracker with memory, tiny widths at 336 px, random weights (test fixture, not a model)"}, f, indent=2)
    refine = refinement(model, pixels)
    with open(os.path.join(out_dir, "goldens.json"), "w") as f:
        json.dump({"resolution": R, "frames": FRAMES, "cases": goldens, "refinement": refine}, f)
    for name, g in goldens.items():
        areas = [int(coco_mask.area({"size": fr["rle"]["size"], "counts": fr["rle"]["counts"].encode()})) for fr in g["frames"]]
        print(f"{name}: areas {areas}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(".cache", "tiny-sam3-video")))
