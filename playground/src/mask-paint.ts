// Paints decoded masks onto a canvas in each object's color (the server's palette order), with hover emphasis, and
// renders the label map PNG for download. Masks arrive as COCO RLE and are decoded with the project's own decoder.
import { decodeCocoRle } from '../../src/masks/coco-rle.js';
import type { CocoRle } from '../../src/domain/encoded-mask.js';
import type { BinaryMask } from '../../src/domain/segmentation.js';

export const PALETTE: ReadonlyArray<readonly [number, number, number]> = [
  [230, 25, 75],
  [60, 180, 75],
  [0, 130, 200],
  [245, 130, 48],
  [145, 30, 180],
  [70, 240, 240],
  [240, 50, 230],
  [210, 245, 60],
  [250, 190, 212],
  [0, 128, 128],
];
export const colorOf = (index: number): readonly [number, number, number] => PALETTE[index % PALETTE.length]!;

export const decodeMask = (rle: CocoRle): BinaryMask => decodeCocoRle(rle);

/** Draws `masks` over the image already on `ctx` (alpha 0.5; 0.8 for the hovered one). */
export function paintMasks(
  ctx: CanvasRenderingContext2D,
  masks: ReadonlyArray<{ mask: BinaryMask; colorIndex: number; hovered: boolean }>,
): void {
  const { width, height } = ctx.canvas;
  const image = ctx.getImageData(0, 0, width, height);
  for (const { mask, colorIndex, hovered } of masks) {
    if (mask.width !== width || mask.height !== height) continue;
    const [r, g, b] = colorOf(colorIndex);
    const a = hovered ? 0.8 : 0.5;
    for (let p = 0; p < mask.data.length; p++) {
      if (!mask.data[p]) continue;
      const o = p * 4;
      image.data[o] = image.data[o]! * (1 - a) + r * a;
      image.data[o + 1] = image.data[o + 1]! * (1 - a) + g * a;
      image.data[o + 2] = image.data[o + 2]! * (1 - a) + b * a;
    }
  }
  ctx.putImageData(image, 0, 0);
}

/** A grayscale PNG where pixel value = 1-based object number (0 = background). */
export async function labelMapPng(width: number, height: number, masks: readonly BinaryMask[]): Promise<Blob> {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d')!;
  const image = ctx.createImageData(width, height);
  for (let i = 0; i < image.data.length; i += 4) image.data[i + 3] = 255;
  masks.forEach((mask, i) => {
    for (let p = 0; p < mask.data.length; p++) if (mask.data[p]) image.data.fill(i + 1, p * 4, p * 4 + 3);
  });
  ctx.putImageData(image, 0, 0);
  return new Promise((resolve, reject) =>
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('PNG encoding failed'))), 'image/png'),
  );
}
