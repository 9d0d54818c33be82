// Benchmark masks: one blob (ellipse, ~20 % of the frame), many small blobs, and noise, at any size.
import type { BinaryMask } from '../src/domain/segmentation.js';

export type MaskKind = 'blob' | 'many-blobs' | 'noise';

export function benchMask(kind: MaskKind, width: number, height: number): BinaryMask {
  const data = new Uint8Array(width * height);
  if (kind === 'blob') {
    const cx = width * 0.45;
    const cy = height * 0.5;
    const rx = width * 0.28;
    const ry = height * 0.3;
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) if (((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1) data[y * width + x] = 1;
  } else if (kind === 'many-blobs') {
    const step = Math.round(width / 40);
    const r = step / 3;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const dx = (x % step) - step / 2;
        const dy = (y % step) - step / 2;
        if (dx * dx + dy * dy <= r * r) data[y * width + x] = 1;
      }
    }
  } else {
    let s = 12345;
    for (let i = 0; i < data.length; i++) {
      s = (s * 1103515245 + 12345) >>> 0;
      data[i] = s >>> 31;
    }
  }
  return { width, height, data };
}
