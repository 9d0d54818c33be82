// The model's S×S mask grid for the video tracker: logits → binary masks with area, box and centroid (memoised),
// their IoU over the boxes' overlap, and hole/speck cleaning (NMS and component ops come from masks/mask-ops).
import type { PixelBox } from '../../domain/geometry.js';
import type { BinaryMask } from '../../domain/segmentation.js';
import { fillHoles, removeSmallComponents } from '../../masks/mask-ops.js';
import { simdKernels } from './simd-kernels.js';

/** A binarised grid with what the tracker asks of it, all found in the one pass over the grid. */
export interface GridMask extends BinaryMask {
  readonly area: number;
  /** Tight box of the on cells (x1, y1 exclusive); null when empty. */
  readonly box: PixelBox | null;
  /** Mean (x, y) of the on cells; null when empty. */
  readonly centroid: [number, number] | null;
}

/**
 * Masks already made, by logit grid. A grid is binarised several times per frame (association, cleaning,
 * occlusion checks); logit grids are never written once made (every transformation returns a new array), which is
 * what makes remembering by identity sound.
 */
const made = new WeakMap<Float32Array, GridMask>();

/**
 * Cells with logit > 0 of a size×size logit grid, with area, box and centroid (memoised per grid). The 0/1 cells
 * come from the WebAssembly SIMD kernel (or a JavaScript loop with `useSimd: false` or where SIMD is missing); the
 * statistics are then read eight cells at a time, skipping empty words.
 */
export function binarize(logits: Float32Array, size: number, useSimd = true): GridMask {
  const known = made.get(logits);
  if (known && known.width === size) return known;
  const data = new Uint8Array(logits.length);
  const simd = useSimd ? simdKernels() : null;
  if (simd) simd.threshold(logits, data);
  else for (let i = 0; i < logits.length; i++) if (logits[i]! > 0) data[i] = 1;
  let area = 0;
  let sx = 0;
  let sy = 0;
  let x0 = size;
  let y0 = size;
  let x1 = -1;
  let y1 = -1;
  // Eight cells at a time: 0/1 bytes read as a float64 are +0 only when all eight are 0 (no such word is NaN or −0).
  const words =
    size % 8 === 0 && data.byteOffset % 8 === 0
      ? new Float64Array(data.buffer, data.byteOffset, data.length / 8)
      : null;
  const step = words ? 8 : 1;
  for (let y = 0; y < size; y++) {
    const row = y * size;
    let inRow = 0;
    for (let x = 0; x < size; x += step) {
      if (words ? words[(row + x) >> 3] === 0 : data[row + x] === 0) continue;
      for (let k = 0; k < step; k++) {
        if (data[row + x + k] === 0) continue;
        inRow++;
        sx += x + k;
        if (x + k < x0) x0 = x + k;
        if (x + k > x1) x1 = x + k;
      }
    }
    if (inRow === 0) continue;
    area += inRow;
    sy += y * inRow;
    if (y0 === size) y0 = y;
    y1 = y;
  }
  const mask: GridMask = {
    width: size,
    height: size,
    data,
    area,
    box: area === 0 ? null : { x0, y0, x1: x1 + 1, y1: y1 + 1 },
    centroid: area === 0 ? null : [sx / area, sy / area],
  };
  made.set(logits, mask);
  return mask;
}

/** IoU of two grid masks of one size, counting only where their boxes overlap (0 when both are empty). */
export function gridIou(a: GridMask, b: GridMask): number {
  if (a.width !== b.width || a.height !== b.height) throw new RangeError('gridIou needs masks of one size');
  if (!a.box || !b.box) return 0;
  const x0 = Math.max(a.box.x0, b.box.x0);
  const x1 = Math.min(a.box.x1, b.box.x1);
  const y0 = Math.max(a.box.y0, b.box.y0);
  const y1 = Math.min(a.box.y1, b.box.y1);
  let inter = 0;
  for (let y = y0; y < y1; y++) {
    const row = y * a.width;
    for (let x = x0; x < x1; x++) inter += a.data[row + x]! & b.data[row + x]!;
  }
  return inter / (a.area + b.area - inter);
}

/**
 * Official `fill_holes_in_mask_scores`: holes of at most `areaPx` cells become slightly positive (0.1) and
 * foreground specks of fewer than `areaPx` cells slightly negative (−0.1). Returns a new logit grid, or `logits`
 * itself when nothing changes. Works on the positive cells' bounding box plus a one-cell background margin, which
 * gives the same holes and specks as the whole grid (a background region reaching the margin reaches the outside).
 */
export function cleanGridLogits(logits: Float32Array, size: number, areaPx: number): Float32Array {
  if (areaPx <= 0) return logits;
  const box = binarize(logits, size).box;
  if (!box) return logits;
  const x0 = Math.max(0, box.x0 - 1);
  const y0 = Math.max(0, box.y0 - 1);
  const w = Math.min(size, box.x1 + 1) - x0;
  const h = Math.min(size, box.y1 + 1) - y0;
  const crop = new Uint8Array(w * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) if (logits[(y0 + y) * size + x0 + x]! > 0) crop[y * w + x] = 1;
  const filled = fillHoles({ width: w, height: h, data: crop }, areaPx);
  const kept = removeSmallComponents(filled, areaPx).data;
  let out: Float32Array | undefined;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y0 + y) * size + x0 + x;
      const k = kept[y * w + x];
      const v = logits[i]!;
      if (k ? v > 0 : v <= 0) continue;
      out ??= Float32Array.from(logits);
      out[i] = k ? 0.1 : -0.1;
    }
  }
  return out ?? logits;
}
