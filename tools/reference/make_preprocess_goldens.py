"""Reference goldens for image decoding and the model-input resize (sam3-server issue #22, divergence 1).

Writes test/fixtures/reference/preprocess/: the input files (PNG at several sizes and aspect ratios, below and
above 1008 on either side; an EXIF-rotated JPEG; a PNG with alpha; a 16-bit PNG) and, for each, the 1008x1008
RGB image the reference pipelines feed the vision encoder after resizing:

- `<name>.torch.png`: what Hugging Face's Sam3ImageProcessor and Meta's Sam3Processor compute (torchvision's
  antialiased bilinear resize of the uint8 image, which is torch.nn.functional.interpolate(..., antialias=True)
  on uint8; torchvision itself is not importable beside the CPU torch wheels here, and calls exactly that);
- `manifest.json`: per case the input file, its decoded size, and the SHA-256 of PIL's
  `Image.resize((1008, 1008), BILINEAR)` output bytes (the algorithm torchvision's uint8 path was ported from).

Run from the repository root:  python tools/reference/make_preprocess_goldens.py
(in a virtual environment with tools/reference/requirements.txt installed). Deterministic.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image, ImageOps

R = 1008
OUT = os.path.join("test", "fixtures", "reference", "preprocess")


def scene(width: int, height: int, seed: int) -> np.ndarray:
    """A picture with what resizing must get right: smooth gradients, a centred disk, hard edges, fine stripes."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    img = np.zeros((height, width, 3), dtype=np.float64)
    img[..., 0] = 255 * x / max(1, width - 1)
    img[..., 1] = 255 * y / max(1, height - 1)
    img[..., 2] = 128 + 60 * np.sin(x / 7.0) * np.cos(y / 5.0)
    cx, cy, r = (width - 1) / 2, (height - 1) / 2, min(width, height) / 4
    disk = (x - cx) ** 2 + (y - cy) ** 2 <= r * r
    img[disk] = (250, 250, 250)
    # A dark square with hard edges at an odd offset, and one-pixel stripes at the bottom.
    x0, y0 = int(width * 0.1) + 1, int(height * 0.1) + 1
    img[y0 : y0 + height // 6, x0 : x0 + width // 6] = (10, 20, 30)
    img[height - height // 10 :, :: 2] = (0, 0, 0)
    img[:, : width // 8] += rng.integers(-2, 3, (height, width // 8, 3))  # a band of noise at the left
    return np.clip(np.rint(img), 0, 255).astype(np.uint8)


def torch_resize(rgb: np.ndarray) -> np.ndarray:
    """torchvision v2 Resize((R, R), BILINEAR, antialias=True) on a uint8 CHW tensor."""
    t = torch.from_numpy(np.ascontiguousarray(rgb)).permute(2, 0, 1).unsqueeze(0).contiguous()
    out = F.interpolate(t, size=(R, R), mode="bilinear", align_corners=False, antialias=True)
    return out[0].permute(1, 2, 0).contiguous().numpy()


def reference_rgb(path: str) -> np.ndarray:
    """How HF `load_image` + the processor's convert_rgb read a file: EXIF orientation applied, converted to RGB."""
    with Image.open(path) as im:
        im = ImageOps.exif_transpose(im)
        return np.asarray(im.convert("RGB"))


def main() -> int:
    os.makedirs(OUT, exist_ok=True)
    cases = []

    def add(name: str, filename: str) -> None:
        rgb = reference_rgb(os.path.join(OUT, filename))
        pil = np.asarray(Image.fromarray(rgb).resize((R, R), Image.BILINEAR))
        ref = torch_resize(rgb)
        Image.fromarray(ref).save(os.path.join(OUT, f"{name}.torch.png"), optimize=True)
        diff = np.abs(pil.astype(int) - ref.astype(int))
        cases.append(
            {
                "name": name,
                "file": filename,
                "width": int(rgb.shape[1]),
                "height": int(rgb.shape[0]),
                "decoded_sha256": hashlib.sha256(rgb.tobytes()).hexdigest(),
                "pil_sha256": hashlib.sha256(pil.tobytes()).hexdigest(),
                "pil_vs_torch": {"mean": float(diff.mean()), "max": int(diff.max())},
            }
        )

    for i, (w, h) in enumerate([(640, 480), (400, 300), (1008, 504), (1280, 720), (333, 1100), (2000, 1500)]):
        name = f"png-{w}x{h}"
        Image.fromarray(scene(w, h, i)).save(os.path.join(OUT, f"{name}.png"), optimize=True)
        add(name, f"{name}.png")

    # EXIF orientation 6 (rotate 90° clockwise to display): stored 480 wide × 360 high, shown 360 × 480.
    stored = scene(480, 360, 10)
    exif = Image.Exif()
    exif[0x0112] = 6
    Image.fromarray(stored).save(os.path.join(OUT, "jpeg-exif6.jpg"), quality=92, exif=exif.tobytes())
    add("jpeg-exif6", "jpeg-exif6.jpg")

    # RGBA: alpha is dropped (not blended), as PIL's convert("RGB") and sharp's removeAlpha do.
    rgba = np.dstack([scene(500, 375, 11), (np.arange(500 * 375) % 256).reshape(375, 500).astype(np.uint8)])
    Image.fromarray(rgba, "RGBA").save(os.path.join(OUT, "png-rgba.png"), optimize=True)
    add("png-rgba", "png-rgba.png")

    # 16-bit RGB PNG, written with the raw encoder (PIL has no 48-bit RGB mode to write from).
    wide = scene(300, 200, 12).astype(np.uint16) * 257 + np.random.default_rng(13).integers(0, 200, (200, 300, 3)).astype(np.uint16)
    write_png16(os.path.join(OUT, "png-16bit.png"), wide)
    add("png-16bit", "png-16bit.png")

    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump({"resolution": R, "torch": torch.__version__, "pillow": Image.__version__, "cases": cases}, f, indent=2)
        f.write("\n")
    for c in cases:
        print(f"{c['name']:>14}: {c['width']}x{c['height']}  PIL vs torchvision mean {c['pil_vs_torch']['mean']:.4f} max {c['pil_vs_torch']['max']}")
    return 0


def write_png16(path: str, rgb16: np.ndarray) -> None:
    """A minimal 16-bit truecolour PNG (IHDR bit depth 16, colour type 2), big-endian samples, zlib-compressed."""
    import struct
    import zlib

    h, w, _ = rgb16.shape
    raw = b"".join(b"\x00" + rgb16[y].astype(">u2").tobytes() for y in range(h))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 16, 2, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(png)


if __name__ == "__main__":
    sys.exit(main())
