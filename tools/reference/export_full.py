"""The SAM 3 architecture at its real size (transformers' default configs: ViT 32 layers x 1024, CLIP text encoder,
6-layer DETR encoder and decoder, the tracker's mask decoder) with seeded random weights, exported like the tiny
fixtures (export_tiny.py) in float32. For timing only: the graphs cost what SAM 3's cost on this machine, their
outputs mean nothing. Never committed (about 3.4 GB).

Usage: python tools/reference/export_full.py OUT_DIR [TOKENIZER_JSON]
"""

from __future__ import annotations

import json
import os
import shutil
import sys

import torch

sys.path.insert(0, os.path.dirname(__file__))
import export_tiny as E  # noqa: E402
import sam3_tiny as T  # noqa: E402
from transformers import Sam3Config, Sam3Model, Sam3TrackerConfig, Sam3TrackerModel  # noqa: E402


def main(out_dir: str, tokenizer: str | None) -> int:
    torch.manual_seed(T.SEED)
    concept = T.tame_(Sam3Model(Sam3Config()), T.SEED)
    tracker = T.tame_(Sam3TrackerModel(Sam3TrackerConfig()), T.SEED + 1)
    print(f"concept {sum(p.numel() for p in concept.parameters()) / 1e6:.0f} M parameters, tracker {sum(p.numel() for p in tracker.parameters()) / 1e6:.0f} M")
    E.HALF_STORAGE = False
    E.main(out_dir, concept, tracker)
    if tokenizer:
        shutil.copyfile(tokenizer, os.path.join(out_dir, "tokenizer.json"))
    with open(os.path.join(out_dir, "manifest.json"), "w") as f:
        json.dump({"name": "sam3-full-random", "label": "SAM 3 architecture, full size, random weights (timing only)"}, f)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None))
