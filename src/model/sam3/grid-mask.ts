// Binary masks on the model's S×S mask grid, for the video tracker: thresholding, area, IoU, box, centroid, NMS.
import { fillHoles, removeSmallComponents } from '../../masks/mask-ops.js';

/** Pixels with logit > 0 as a 0/1 byte grid. */
export function binarize(logits: Float32Array): Uint8Array {
  const out = new Uint8Array(logits.length);
  for (let i = 0; i < logits.length; i++) if (logits[i]! > 0) out[i] = 1;
  return out;
}

export function gridArea(mask: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < mask.length; i++) n += mask[i]!;
  return n;
}

export function gridIou(a: Uint8Array, b: Uint8Array): number {
  let inter = 0;
  let union = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    inter += x & y;
    union += x | y;
  }
  return union === 0 ? 0 : inter / union;
}

/** Tight box in grid cells (x1/y1 exclusive), or null when empty. */
export function gridBox(mask: Uint8Array, size: number): { x0: number; y0: number; x1: number; y1: number } | null {
  let x0 = size;
  let y0 = size;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < size; y++) {
    const row = y * size;
    for (let x = 0; x < size; x++) {
      if (!mask[row + x]) continue;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      y1 = y;
    }
  }
  return x1 < 0 ? null : { x0, y0, x1: x1 + 1, y1: y1 + 1 };
}

export function gridCentroid(mask: Uint8Array, size: number): [number, number] | null {
  let sx = 0;
  let sy = 0;
  let n = 0;
  for (let i = 0; i < mask.length; i++) {
    if (!mask[i]) continue;
    sx += i % size;
    sy += Math.floor(i / size);
    n++;
  }
  return n === 0 ? null : [sx / n, sy / n];
}

/** Greedy mask NMS over items sorted by score (highest first): indices kept. */
export function gridNms(masks: readonly Uint8Array[], iouThreshold: number): number[] {
  const kept: number[] = [];
  for (let i = 0; i < masks.length; i++) {
    if (gridArea(masks[i]!) === 0) continue;
    if (kept.every((k) => gridIou(masks[k]!, masks[i]!) <= iouThreshold)) kept.push(i);
  }
  return kept;
}

/**
 * Official `fill_holes_in_mask_scores`: holes of at most `areaPx` cells become slightly positive (0.1) and
 * foreground specks of fewer than `areaPx` cells slightly negative (−0.1). Returns a new logit grid. Works on the
 * positive cells' bounding box plus a one-cell background margin, which gives the same holes and specks as the
 * whole grid (a background region reaching the margin reaches the outside).
 */
export function cleanGridLogits(logits: Float32Array, size: number, areaPx: number): Float32Array {
  if (areaPx <= 0) return logits;
  const box = gridBox(binarize(logits), size);
  if (!box) return logits;
  const x0 = Math.max(0, box.x0 - 1);
  const y0 = Math.max(0, box.y0 - 1);
  const w = Math.min(size, box.x1 + 1) - x0;
  const h = Math.min(size, box.y1 + 1) - y0;
  const crop = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if (logits[(y0 + y) * size + x0 + x]! > 0) crop[y * w + x] = 1;
  const filled = fillHoles({ width: w, height: h, data: crop }, areaPx);
  const kept = removeSmallComponents(filled, areaPx).data;
  const out = Float32Array.from(logits);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y0 + y) * size + x0 + x;
      const k = kept[y * w + x];
      if (k && out[i]! <= 0) out[i] = 0.1;
      else if (!k && out[i]! > 0) out[i] = -0.1;
    }
  }
  return out;
}
