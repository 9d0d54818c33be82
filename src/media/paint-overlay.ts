// Paints object masks over RGB pixels in place: each object's palette colour blended at alpha, a 1-pixel outline
// in that colour on its border, and a 1-pixel black-or-white halo just outside it, so every object stands out on
// any image — even one of its own colour.
import { haloFor, paletteColor } from '../domain/palette.js';
import type { BinaryMask } from '../domain/segmentation.js';

/** The colour of object `id` (1-based, as composites and videos number objects): the shared palette. */
export function colorForId(id: number): [number, number, number] {
  const [r, g, b] = paletteColor(id - 1);
  return [r, g, b];
}

/**
 * in: `rgb` width×height×3 (modified), masks of the same size. Blends each mask at `alpha` (out = α·colour +
 * (1−α)·pixel), draws its border pixels (a 4-neighbour outside) in full colour and the background pixels touching
 * it (4-neighbours) in black or white, whichever contrasts with the original pixel there.
 */
export function paintOverlay(
  rgb: Uint8Array,
  w: number,
  h: number,
  objects: ReadonlyArray<{ id: number; mask: BinaryMask }>,
  alpha = 0.5,
): void {
  for (const { id, mask } of objects) {
    const [r, g, b] = colorForId(id);
    const d = mask.data;
    const x0 = mask.bounds ? Math.max(0, mask.bounds.x0 - 1) : 0;
    const x1 = mask.bounds ? Math.min(w, mask.bounds.x1 + 1) : w;
    const y0 = mask.bounds ? Math.max(0, mask.bounds.y0 - 1) : 0;
    const y1 = mask.bounds ? Math.min(h, mask.bounds.y1 + 1) : h;
    // Halo first (from the untouched pixels), then fill and border.
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) {
        const p = y * w + x;
        if (d[p]) continue;
        const touches =
          (x > 0 && d[p - 1]) || (x < w - 1 && d[p + 1]) || (y > 0 && d[p - w]) || (y < h - 1 && d[p + w]);
        if (!touches) continue;
        const o = p * 3;
        const [hr, hg, hb] = haloFor(rgb[o]!, rgb[o + 1]!, rgb[o + 2]!);
        rgb[o] = hr;
        rgb[o + 1] = hg;
        rgb[o + 2] = hb;
      }
    }
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) {
        const p = y * w + x;
        if (!d[p]) continue;
        const edge =
          x === 0 || y === 0 || x === w - 1 || y === h - 1 || !d[p - 1] || !d[p + 1] || !d[p - w] || !d[p + w];
        const o = p * 3;
        if (edge) {
          rgb[o] = r;
          rgb[o + 1] = g;
          rgb[o + 2] = b;
        } else {
          rgb[o] = alpha * r + (1 - alpha) * rgb[o]!;
          rgb[o + 1] = alpha * g + (1 - alpha) * rgb[o + 1]!;
          rgb[o + 2] = alpha * b + (1 - alpha) * rgb[o + 2]!;
        }
      }
    }
  }
}
