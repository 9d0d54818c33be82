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

/** A mask known to be empty outside the rectangle [x0, x0+width) × [y0, y0+height) of a larger frame. */
export interface MaskRegion {
  readonly x0: number;
  readonly y0: number;
  readonly width: number;
  readonly height: number;
  /** Row-major, width × height, 0/1. */
  readonly data: Uint8Array;
}

/** Output pixels whose taps can reach input cells [lo, hi) (an interpolated value > 0 needs a tap > 0). */
function reach(taps: AxisTaps, lo: number, hi: number): [number, number] {
  let first = -1;
  let last = -1;
  for (let o = 0; o < taps.i0.length; o++) {
    const a = taps.i0[o]!;
    const b = taps.i1[o]!;
    if ((a >= lo && a < hi) || (b >= lo && b < hi)) {
      if (first < 0) first = o;
      last = o;
    }
  }
  return first < 0 ? [0, 0] : [first, last + 1];
}

/**
 * Like `upsampleLogitsToMask` with threshold 0, but only over the output rectangle that the input's positive cells
 * can reach, so a small object in a large frame costs its own size. Null when no cell is positive.
 */
export function upsampleLogitsToRegion(logits: Float32Array, inWidth: number, inHeight: number, outWidth: number, outHeight: number): MaskRegion | null {
  let cx0 = inWidth;
  let cy0 = inHeight;
  let cx1 = -1;
  let cy1 = -1;
  for (let y = 0; y < inHeight; y++) {
    for (let x = 0; x < inWidth; x++) {
      if (!(logits[y * inWidth + x]! > 0)) continue;
      if (x < cx0) cx0 = x;
      if (x > cx1) cx1 = x;
      if (y < cy0) cy0 = y;
      cy1 = y;
    }
  }
  if (cx1 < 0) return null;
  const tx = axisTaps(inWidth, outWidth);
  const ty = axisTaps(inHeight, outHeight);
  const [x0, x1] = reach(tx, cx0, cx1 + 1);
  const [y0, y1] = reach(ty, cy0, cy1 + 1);
  const width = x1 - x0;
  const height = y1 - y0;
  const data = new Uint8Array(width * height);
  const row = new Float32Array(width);
  const row2 = new Float32Array(width);
  const horizontal = (r: number, into: Float32Array): void => {
    const base = r * inWidth;
    for (let x = 0; x < width; x++) {
      const a = logits[base + tx.i0[x0 + x]!]!;
      into[x] = a + (logits[base + tx.i1[x0 + x]!]! - a) * tx.w1[x0 + x]!;
    }
  };
  for (let y = 0; y < height; y++) {
    const oy = y0 + y;
    horizontal(ty.i0[oy]!, row);
    horizontal(ty.i1[oy]!, row2);
    const wy = ty.w1[oy]!;
    for (let x = 0; x < width; x++) {
      const a = row[x]!;
      if (a + (row2[x]! - a) * wy > 0) data[y * width + x] = 1;
    }
  }
  return { x0, y0, width, height, data };
}
