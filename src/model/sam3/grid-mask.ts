// The model's S×S mask grid for the video tracker: logits → binary masks, centroids, and hole/speck cleaning
// (area, IoU, boxes and NMS come from masks/mask-ops).
import type { BinaryMask } from '../../domain/segmentation.js';
import { fillHoles, maskBox, removeSmallComponents } from '../../masks/mask-ops.js';

/** Pixels with logit > 0 of a size×size logit grid, as a binary mask. */
export function binarize(logits: Float32Array, size: number): BinaryMask {
  const data = new Uint8Array(logits.length);
  for (let i = 0; i < logits.length; i++) if (logits[i]! > 0) data[i] = 1;
  return { width: size, height: size, data };
}

export function gridCentroid(mask: BinaryMask): [number, number] | null {
  let sx = 0;
  let sy = 0;
  let n = 0;
  const { width, data } = mask;
  for (let i = 0; i < data.length; i++) {
    if (!data[i]) continue;
    sx += i % width;
    sy += Math.floor(i / width);
    n++;
  }
  return n === 0 ? null : [sx / n, sy / n];
}

/**
 * Official `fill_holes_in_mask_scores`: holes of at most `areaPx` cells become slightly positive (0.1) and
 * foreground specks of fewer than `areaPx` cells slightly negative (−0.1). Returns a new logit grid. Works on the
 * positive cells' bounding box plus a one-cell background margin, which gives the same holes and specks as the
 * whole grid (a background region reaching the margin reaches the outside).
 */
export function cleanGridLogits(logits: Float32Array, size: number, areaPx: number): Float32Array {
  if (areaPx <= 0) return logits;
  const box = maskBox(binarize(logits, size));
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
