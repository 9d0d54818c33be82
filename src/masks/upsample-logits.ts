// Bilinear upsampling of low-resolution mask logits to any size (align_corners = false), thresholded to a mask.
import type { BinaryMask } from '../domain/segmentation.js';
import { takeFrame } from './frame-pool.js';

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

/**
 * The interpolated logits themselves (PyTorch `interpolate(mode='bilinear', align_corners=False)`), written into
 * `out` (`outWidth`×`outHeight`), with the tight box of the positive ones (x1, y1 exclusive; null when none is). Same
 * values as `upsampleLogitsToMask` compares with its threshold.
 */
export function upsampleLogitsInto(
  logits: Float32Array,
  inWidth: number,
  inHeight: number,
  outWidth: number,
  outHeight: number,
  out: Float32Array,
): { x0: number; y0: number; x1: number; y1: number } | null {
  const tx = axisTaps(inWidth, outWidth);
  const ty = axisTaps(inHeight, outHeight);
  let top = new Float32Array(outWidth);
  let bottom = new Float32Array(outWidth);
  let topRow = -1;
  let bottomRow = -1;
  const horizontal = (r: number, row: Float32Array): void => {
    const base = r * inWidth;
    for (let x = 0; x < outWidth; x++) {
      const a = logits[base + tx.i0[x]!]!;
      const b = logits[base + tx.i1[x]!]!;
      row[x] = a + (b - a) * tx.w1[x]!;
    }
  };
  let bx0 = outWidth;
  let bx1 = -1;
  let by0 = -1;
  let by1 = -1;
  for (let y = 0; y < outHeight; y++) {
    const r0 = ty.i0[y]!;
    const r1 = ty.i1[y]!;
    if (r0 !== topRow) {
      if (r0 === bottomRow) [top, bottom, topRow, bottomRow] = [bottom, top, bottomRow, -1];
      else horizontal(r0, top);
      topRow = r0;
    }
    if (r1 !== bottomRow) {
      horizontal(r1, bottom);
      bottomRow = r1;
    }
    const wy = ty.w1[y]!;
    const o = y * outWidth;
    let first = -1;
    let last = -1;
    for (let x = 0; x < outWidth; x++) {
      const a = top[x]!;
      const v = a + (bottom[x]! - a) * wy;
      out[o + x] = v;
      if (v > 0) {
        if (first < 0) first = x;
        last = x;
      }
    }
    if (first >= 0) {
      if (first < bx0) bx0 = first;
      if (last > bx1) bx1 = last;
      if (by0 < 0) by0 = y;
      by1 = y;
    }
  }
  return by0 < 0 ? null : { x0: bx0, y0: by0, x1: bx1 + 1, y1: by1 + 1 };
}

/**
 * `upsampleLogitsToMask` with threshold 0 (bit-identical), computed over the output rectangle the positive cells can
 * reach and returned as a full frame carrying that rectangle as its `bounds`: a small object costs its own size, and
 * area, box, RLE and contours of the mask read only the rectangle. The frame comes from the frame pool (frames given
 * back with `recycleFrames`, zeroed) when it has one of this size.
 */
export function upsampleLogitsToFrame(
  logits: Float32Array,
  offset: number,
  inWidth: number,
  inHeight: number,
  outWidth: number,
  outHeight: number,
): BinaryMask {
  const plane = logits.subarray(offset, offset + inWidth * inHeight);
  const data = takeFrame(outWidth * outHeight);
  const region = upsampleLogitsToRegion(plane, inWidth, inHeight, outWidth, outHeight, undefined, data);
  if (!region) return { width: outWidth, height: outHeight, data, bounds: { x0: 0, y0: 0, x1: 0, y1: 0 } };
  const { x0, y0, width, height } = region;
  return { width: outWidth, height: outHeight, data, bounds: { x0, y0, x1: x0 + width, y1: y0 + height } };
}

/**
 * Four positive taps whose smallest is at least `SURELY_POSITIVE_MIN` and whose largest is below the smallest times
 * `SURELY_POSITIVE_SPREAD` blend to a positive value: the double-precision errors (a few 2⁻⁵³ of the largest) stay
 * below the smallest tap, and the float32 rounding of the horizontal blends cannot reach 0 from ≥ 2⁻¹⁰¹.
 */
const SURELY_POSITIVE_MIN = 2 ** -100;
const SURELY_POSITIVE_SPREAD = 2 ** 40;

/** For four taps already known to be > 0 (so none is NaN). */
function surelyPositive(a: number, b: number, c: number, d: number): boolean {
  const lo0 = a < b ? a : b;
  const lo1 = c < d ? c : d;
  const hi0 = a < b ? b : a;
  const hi1 = c < d ? d : c;
  const lo = lo0 < lo1 ? lo0 : lo1;
  return lo >= SURELY_POSITIVE_MIN && (hi0 < hi1 ? hi1 : hi0) < lo * SURELY_POSITIVE_SPREAD;
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
  for (let y = 0, row = 0; y < inHeight; y++, row += inWidth) {
    // The first positive cell from the left; a row without one costs a single compare per cell.
    let first = row;
    const end = row + inWidth;
    while (first < end && !(logits[first]! > 0)) first++;
    if (first === end) continue;
    // Only columns outside the box so far can widen it: the last positive cell from the right, down to x1 + 1.
    let last = end - 1;
    const stop = Math.max(first, row + x1 + 1);
    while (last > stop && !(logits[last]! > 0)) last--;
    if (first - row < x0) x0 = first - row;
    if (last - row > x1 && logits[last]! > 0) x1 = last - row;
    if (y0 === inHeight) y0 = y;
    y1 = y;
  }
  return x1 < 0 ? null : { x0, y0, x1: x1 + 1, y1: y1 + 1 };
}

/**
 * Like `upsampleLogitsToMask` with threshold 0, but only over the output rectangle that the input's positive cells
 * can reach, so a small object in a large frame costs its own size. Null when no cell is positive. `cells`: the
 * positive cells' box when the caller already knows it (else the grid is scanned for it). `frame`: a zeroed
 * outWidth × outHeight array to write the rows into in place (the returned region's `data` is then that frame).
 *
 * Output pixels sharing the same four source taps form a block. A block whose taps are all ≤ 0 is all off: with
 * rounding, a + (b − a)·w stays ≤ 0 (each rounding is monotonic and |w| ≤ 1). A block whose taps are all positive
 * is all on only when they are not too small nor too far apart (`SURELY_POSITIVE_*`): otherwise rounding can cancel
 * to exactly 0 (a = 2.6, b = 1e-45, w = 1 gives a + (b − a) = 0). Every other block is interpolated, with the same
 * float steps as `upsampleLogitsToMask`, so the result is bit-identical. Output rows
 * with the same two source rows share their blocks' decisions: such a row starts as a copy of the one above.
 */
export function upsampleLogitsToRegion(
  logits: Float32Array,
  inWidth: number,
  inHeight: number,
  outWidth: number,
  outHeight: number,
  cells?: CellBox | null,
  frame?: Uint8Array,
): MaskRegion | null {
  const known = cells === undefined ? positiveCells(logits, inWidth, inHeight) : cells;
  if (!known) return null;
  const tx = axisTaps(inWidth, outWidth);
  const ty = axisTaps(inHeight, outHeight);
  const [x0, x1] = reach(tx, known.x0, known.x1);
  const [y0, y1] = reach(ty, known.y0, known.y1);
  const width = x1 - x0;
  const height = y1 - y0;
  // Rows of the region: its own array, or (`frame`, zeroed, outWidth × outHeight) written in place.
  const data = frame ?? new Uint8Array(width * height);
  const stride = frame ? outWidth : width;
  const base = frame ? y0 * outWidth + x0 : 0;
  const w1 = tx.w1.subarray(x0, x1);
  // Column blocks: runs of output columns with the same (left, right) source columns.
  const blockEnds: number[] = [];
  for (let x = 1; x <= width; x++) {
    if (x === width || tx.i0[x0 + x] !== tx.i0[x0 + x - 1] || tx.i1[x0 + x] !== tx.i1[x0 + x - 1]) blockEnds.push(x);
  }
  const fround = Math.fround;
  /** Starts and ends of the current row band's edge blocks (rows sharing their two source rows share them). */
  const edges: number[] = [];
  const edgeBlock = (
    out: number,
    start: number,
    end: number,
    tl: number,
    tr: number,
    bl: number,
    br: number,
    wy: number,
  ): void => {
    for (let x = start; x < end; x++) {
      const w = w1[x]!;
      const a = fround(tl + (tr - tl) * w);
      const b = fround(bl + (br - bl) * w);
      data[out + x] = a + (b - a) * wy > 0 ? 1 : 0;
    }
  };
  for (let y = 0; y < height; y++) {
    const oy = y0 + y;
    const top = ty.i0[oy]! * inWidth;
    const bottom = ty.i1[oy]! * inWidth;
    const wy = ty.w1[oy]!;
    const out = base + y * stride;
    if (y > 0 && ty.i0[oy] === ty.i0[oy - 1] && ty.i1[oy] === ty.i1[oy - 1]) {
      // Same two source rows as the row above: its uniform blocks hold here too; only edge blocks are redone.
      data.copyWithin(out, out - stride, out - stride + width);
      for (let k = 0; k < edges.length; k += 2) {
        const start = edges[k]!;
        const left = tx.i0[x0 + start]!;
        const right = tx.i1[x0 + start]!;
        edgeBlock(
          out,
          start,
          edges[k + 1]!,
          logits[top + left]!,
          logits[top + right]!,
          logits[bottom + left]!,
          logits[bottom + right]!,
          wy,
        );
      }
      continue;
    }
    edges.length = 0;
    let start = 0;
    for (const end of blockEnds) {
      const left = tx.i0[x0 + start]!;
      const right = tx.i1[x0 + start]!;
      const tl = logits[top + left]!;
      const tr = logits[top + right]!;
      const bl = logits[bottom + left]!;
      const br = logits[bottom + right]!;
      if (tl > 0 && tr > 0 && bl > 0 && br > 0 && surelyPositive(tl, tr, bl, br)) {
        for (let x = start; x < end; x++) data[out + x] = 1;
      } else if (!(tl <= 0 && tr <= 0 && bl <= 0 && br <= 0)) {
        edges.push(start, end);
        edgeBlock(out, start, end, tl, tr, bl, br, wy);
      }
      start = end;
    }
  }
  return { x0, y0, width, height, data };
}
