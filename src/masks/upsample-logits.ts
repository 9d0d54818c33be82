// Bilinear upsampling of low-resolution mask logits to any size (align_corners = false), thresholded to a mask.
import type { BinaryMask } from '../domain/segmentation.js';

interface AxisTaps {
  i0: Int32Array;
  i1: Int32Array;
  w1: Float32Array;
}

/** PyTorch `interpolate(mode='bilinear', align_corners=False)` source taps for one axis. */
function axisTaps(inSize: number, outSize: number): AxisTaps {
  const i0 = new Int32Array(outSize);
  const i1 = new Int32Array(outSize);
  const w1 = new Float32Array(outSize);
  const scale = inSize / outSize;
  for (let o = 0; o < outSize; o++) {
    let src = (o + 0.5) * scale - 0.5;
    if (src < 0) src = 0;
    const lo = Math.min(Math.floor(src), inSize - 1);
    i0[o] = lo;
    i1[o] = Math.min(lo + 1, inSize - 1);
    w1[o] = src - lo;
  }
  return { i0, i1, w1 };
}

/**
 * Upsamples one `inHeight`×`inWidth` logit plane (a view into a larger tensor at `offset`) to
 * `outWidth`×`outHeight` and keeps pixels whose interpolated logit is > `threshold` (0 = probability 0.5).
 * Separable: each needed source row is interpolated horizontally once, then rows are blended vertically.
 */
export function upsampleLogitsToMask(
  logits: Float32Array,
  offset: number,
  inWidth: number,
  inHeight: number,
  outWidth: number,
  outHeight: number,
  threshold = 0,
): BinaryMask {
  const tx = axisTaps(inWidth, outWidth);
  const ty = axisTaps(inHeight, outHeight);
  const rows = new Map<number, Float32Array>();
  const horizontal = (r: number): Float32Array => {
    let row = rows.get(r);
    if (row) return row;
    row = new Float32Array(outWidth);
    const base = offset + r * inWidth;
    for (let x = 0; x < outWidth; x++) {
      const a = logits[base + tx.i0[x]!]!;
      const b = logits[base + tx.i1[x]!]!;
      row[x] = a + (b - a) * tx.w1[x]!;
    }
    rows.set(r, row);
    return row;
  };
  const data = new Uint8Array(outWidth * outHeight);
  for (let y = 0; y < outHeight; y++) {
    const top = horizontal(ty.i0[y]!);
    const bottom = horizontal(ty.i1[y]!);
    const wy = ty.w1[y]!;
    const out = y * outWidth;
    for (let x = 0; x < outWidth; x++) {
      const a = top[x]!;
      if (a + (bottom[x]! - a) * wy > threshold) data[out + x] = 1;
    }
    if (y > 0 && ty.i0[y - 1]! < ty.i0[y]!) rows.delete(ty.i0[y - 1]!);
  }
  return { width: outWidth, height: outHeight, data };
}
