// Bilinear upsampling of low-resolution mask logits to any size (align_corners = false), thresholded to a mask.
import type { BinaryMask } from '../domain/segmentation.js';

interface AxisTaps {
  i0: Int32Array;
  i1: Int32Array;
  w1: Float32Array;
}

/** Taps already computed, by "in→out" (a video asks for the same few sizes every frame). */
const tapsMade = new Map<string, AxisTaps>();
const TAPS_KEPT = 64;

/** PyTorch `interpolate(mode='bilinear', align_corners=False)` source taps for one axis (shared, read-only). */
function axisTaps(inSize: number, outSize: number): AxisTaps {
  const key = `${inSize}→${outSize}`;
  const known = tapsMade.get(key);
  if (known) return known;
  const taps = computeTaps(inSize, outSize);
  if (tapsMade.size >= TAPS_KEPT) tapsMade.clear();
  tapsMade.set(key, taps);
  return taps;
}

function computeTaps(inSize: number, outSize: number): AxisTaps {
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

/** Tight box of the input cells with logit > 0 (x1, y1 exclusive), or null. */
export interface CellBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

function positiveCells(logits: Float32Array, inWidth: number, inHeight: number): CellBox | null {
  let x0 = inWidth;
  let y0 = inHeight;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < inHeight; y++) {
    for (let x = 0; x < inWidth; x++) {
      if (!(logits[y * inWidth + x]! > 0)) continue;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      y1 = y;
    }
  }
  return x1 < 0 ? null : { x0, y0, x1: x1 + 1, y1: y1 + 1 };
}

/**
 * Like `upsampleLogitsToMask` with threshold 0, but only over the output rectangle that the input's positive cells
 * can reach, so a small object in a large frame costs its own size. Null when no cell is positive. `cells`: the
 * positive cells' box when the caller already knows it (else the grid is scanned for it).
 */
export function upsampleLogitsToRegion(logits: Float32Array, inWidth: number, inHeight: number, outWidth: number, outHeight: number, cells?: CellBox | null): MaskRegion | null {
  const known = cells === undefined ? positiveCells(logits, inWidth, inHeight) : cells;
  if (!known) return null;
  const cx0 = known.x0;
  const cy0 = known.y0;
  const cx1 = known.x1 - 1;
  const cy1 = known.y1 - 1;
  const tx = axisTaps(inWidth, outWidth);
  const ty = axisTaps(inHeight, outHeight);
  const [x0, x1] = reach(tx, cx0, cx1 + 1);
  const [y0, y1] = reach(ty, cy0, cy1 + 1);
  const width = x1 - x0;
  const height = y1 - y0;
  const data = new Uint8Array(width * height);
  const i0 = tx.i0.subarray(x0, x1);
  const i1 = tx.i1.subarray(x0, x1);
  const w1 = tx.w1.subarray(x0, x1);
  const horizontal = (r: number, into: Float32Array): void => {
    const base = r * inWidth;
    for (let x = 0; x < width; x++) {
      const a = logits[base + i0[x]!]!;
      into[x] = a + (logits[base + i1[x]!]! - a) * w1[x]!;
    }
  };
  // Output rows walk the source rows in order: each source row is interpolated horizontally once and kept while
  // it is the upper or lower tap.
  let upper = new Float32Array(width);
  let lower = new Float32Array(width);
  let upperRow = -1;
  let lowerRow = -1;
  for (let y = 0; y < height; y++) {
    const oy = y0 + y;
    const top = ty.i0[oy]!;
    const bottom = ty.i1[oy]!;
    if (upperRow !== top) {
      if (lowerRow === top) {
        [upper, lower] = [lower, upper];
        lowerRow = -1;
      } else horizontal(top, upper);
      upperRow = top;
    }
    let below = upper;
    if (bottom !== top) {
      if (lowerRow !== bottom) {
        horizontal(bottom, lower);
        lowerRow = bottom;
      }
      below = lower;
    }
    const wy = ty.w1[oy]!;
    const out = y * width;
    for (let x = 0; x < width; x++) {
      const a = upper[x]!;
      if (a + (below[x]! - a) * wy > 0) data[out + x] = 1;
    }
  }
  return { x0, y0, width, height, data };
}
