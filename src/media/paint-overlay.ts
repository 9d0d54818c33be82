// Paints object masks over RGB pixels in place: each object's color blended at alpha, its outline opaque.
import type { BinaryMask } from '../domain/segmentation.js';

/** Stable, well-separated color for an object id (golden-angle hues, full saturation). */
export function colorForId(id: number): [number, number, number] {
  const hue = (id * 137.508) % 360;
  const c = 0.85;
  const x = c * (1 - Math.abs(((hue / 60) % 2) - 1));
  const m = 0.1;
  const [r, g, b] =
    hue < 60
      ? [c, x, 0]
      : hue < 120
        ? [x, c, 0]
        : hue < 180
          ? [0, c, x]
          : hue < 240
            ? [0, x, c]
            : hue < 300
              ? [x, 0, c]
              : [c, 0, x];
  return [Math.round((r + m) * 255), Math.round((g + m) * 255), Math.round((b + m) * 255)];
}

/**
 * in: `rgb` width×height×3 (modified), masks of the same size. Blends each mask at `alpha` (out = α·color +
 * (1−α)·pixel) and draws its outline (mask pixels with a 4-neighbour outside) in full color.
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
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
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
