"""Exports a complete sam3-server model bundle from a SAM 3 checkpoint (Hugging Face transformers format).

What it writes under OUT (every graph traced from the checkpoint and checked against the PyTorch module it came from
on sample inputs before the next one is written; any mismatch stops the export with an error):
- concept graphs (text and exemplar prompts): vision-encoder.onnx, text-encoder.onnx, geo-encoder-mask-decoder.onnx
- click/box graphs: onnx/vision_encoder.onnx, onnx/prompt_encoder_mask_decoder.onnx
- the video memory tracker: onnx/image_decoder.onnx, onnx/image_decoder_singlemask.onnx, onnx/memory_attention.onnx,
  onnx/memory_encoder.onnx, onnx/video_constants.npz
- tokenizer.json and manifest.json

Sources: `--from facebook/sam3` (the default; gated: accept the licence on its Hugging Face page and set HF_TOKEN),
any local directory holding a checkpoint of the same layout, or `--from tiny-random`: the real architecture at tiny
widths with seeded random weights (tools/reference/sam3_tiny.py), nothing downloaded, for tests.

`--weights fp16` stores weights as float16 (half the files; the graphs still take and compute float32, so the checks
compare against the checkpoint with its weights rounded to float16). `--weights fp32` keeps them exact.

manifest.json is the model store's: every file with its size and SHA-256, so `sam3 models verify` re-checks them.

Usage: python tools/export/export_bundle.py --out DIR [--from SOURCE] [--weights fp32|fp16] [--tokenizer FILE]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "reference"))

import torch  # noqa: E402

import export_tiny as E  # noqa: E402
import export_video as V  # noqa: E402
import sam3_tiny as T  # noqa: E402

TINY = "tiny-random"
TINY_RESOLUTION = 336


def tiny_models():
    """The tiny real architecture: a concept model and a video tracker sharing nothing, both at 336 px."""
    concept_config = T.concept_config()
    concept_config.vision_config.backbone_config.image_size = TINY_RESOLUTION
    torch.manual_seed(T.SEED)
    from transformers import Sam3Model

    concept = T.tame_(Sam3Model(concept_config), T.SEED)
    tracker = T.build_tracker_model()
    video = V.video_model_from_tracker(tracker, TINY_RESOLUTION, T.SEED + 7)
    with torch.no_grad():  # as make_video_goldens.py: random weights would hide every object
        video.mask_decoder.pred_obj_score_head.proj_out.bias.fill_(2.0)
    return concept, video


def load_models(source: str):
    from transformers import Sam3Model, Sam3TrackerVideoModel

    token = os.environ.get("HF_TOKEN") or None
    concept = Sam3Model.from_pretrained(source, token=token).eval()
    video = Sam3TrackerVideoModel.from_pretrained(source, token=token).eval()
    return concept, video


def find_tokenizer(source: str, given: str | None) -> str | None:
    if given:
        return given
    if os.path.isdir(source):
        path = os.path.join(source, "tokenizer.json")
        return path if os.path.exists(path) else None
    if source == TINY:
        return None
    from huggingface_hub import hf_hub_download

    return hf_hub_download(source, "tokenizer.json", token=os.environ.get("HF_TOKEN") or None)


def write_manifest(out: str, name: str, label: str, source: str, weights: str) -> None:
    """The model store's manifest: each file's size and SHA-256 (recorded here, so `verified` is false), and the
    variant every graph belongs to (float32 inputs and outputs, whatever the weights' storage)."""
    files = {}
    for folder, _, names in os.walk(out):
        for n in sorted(names):
            if n == "manifest.json":
                continue
            path = os.path.join(folder, n)
            digest = hashlib.sha256()
            with open(path, "rb") as f:
                for chunk in iter(lambda: f.read(1 << 20), b""):
                    digest.update(chunk)
            rel = os.path.relpath(path, out).replace(os.sep, "/")
            files[rel] = {"bytes": os.path.getsize(path), "sha256": digest.hexdigest(), "verified": False, "dtype": "fp32"}
    manifest = {"name": name, "label": label, "source": source, "weights": weights, "files": files, "complete": ["fp32"]}
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", required=True, help="the bundle directory to write")
    parser.add_argument("--from", dest="source", default="facebook/sam3", help="Hugging Face id, local directory or tiny-random")
    parser.add_argument("--weights", choices=["fp32", "fp16"], default="fp32", help="how weights are stored")
    parser.add_argument("--tokenizer", help="tokenizer.json to copy (default: the checkpoint's)")
    args = parser.parse_args()

    started = time.time()
    print(f"loading {args.source} ...", flush=True)
    concept, video = tiny_models() if args.source == TINY else load_models(args.source)
    E.HALF_STORAGE = args.weights == "fp16"
    if E.HALF_STORAGE:
        E.round_to_half_(concept)
        E.round_to_half_(video)
    os.makedirs(os.path.join(args.out, "onnx"), exist_ok=True)
    torch.manual_seed(0)
    concept_size = concept.config.vision_config.backbone_config.image_size
    tracker_size = video.image_size
    print(f"concept graphs at {concept_size} px", flush=True)
    E.export_concept_graphs(concept, args.out, torch.rand(1, 3, concept_size, concept_size) * 2 - 1)
    print(f"video tracker graphs at {tracker_size} px", flush=True)
    images = torch.rand(1, 3, tracker_size, tracker_size) * 2 - 1
    V.export_video_graphs(video, args.out, images)
    V.export_click_graphs(video, args.out, images)

    tokenizer = find_tokenizer(args.source, args.tokenizer)
    if tokenizer:
        shutil.copyfile(tokenizer, os.path.join(args.out, "tokenizer.json"))
    else:
        print("no tokenizer.json found: text prompts need one (--tokenizer FILE)", flush=True)
    name = os.path.basename(os.path.normpath(args.out))
    label = (
        f"SAM 3 exported from {args.source} ({args.weights} weights)"
        if args.source != TINY
        else "SAM 3 architecture, tiny widths, random weights (test export, not a model)"
    )
    write_manifest(args.out, name, label, args.source, args.weights)
    print(f"bundle written to {args.out} in {time.time() - started:.0f} s; every graph matched PyTorch", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
