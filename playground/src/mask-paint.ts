// Paints decoded masks onto a canvas in each object's colour (the shared palette, as the server's overlays), with
// outlines, halos, hover emphasis and label chips, and renders the label map PNG for download. Masks arrive as COCO
// RLE and are decoded with the project's own decoder.
import { decodeCocoRle } from '../../src/masks/coco-rle.js';
import type { CocoRle } from '../../src/domain/encoded-mask.js';
import type { BinaryMask } from '../../src/domain/segmentation.js';
import { haloFor, paletteColor } from '../../src/domain/palette.js';

/** The shared object palette (src/domain/palette.ts): the list swatch, canvas and downloads use one colour each. */
export const colorOf = (index: number): readonly [number, number, number] => paletteColor(index);

export const decodeMask = (rle: CocoRle): BinaryMask => decodeCocoRle(rle);

/** overlay: image with tinted masks; masks: masks alone on black; cutout: the image inside the masks only. */
export type PaintMode = 'overlay' | 'masks' | 'cutout';

export interface PaintedMask {
  mask: BinaryMask;
  colorIndex: number;
  hovered: boolean;
  /** Drawn as a chip at the box's top-left corner, e.g. "red 0.93". */
  label?: string;
  box?: readonly [number, number, number, number];
}

/**
 * Draws `masks` over the image already on `ctx`: fill at alpha 0.5 (0.75 when hovered; others fade to 0.25 while
 * one is hovered), the border in the object's colour and a 1-pixel black-or-white halo outside it, then label chips.
 */
export function paintMasks(
  ctx: CanvasRenderingContext2D,
  masks: readonly PaintedMask[],
  mode: PaintMode = 'overlay',
  options: { boxes?: boolean } = {},
): void {
  const { width, height } = ctx.canvas;
  const image = ctx.getImageData(0, 0, width, height);
  const px = image.data;
  const anyHovered = masks.some((m) => m.hovered);
  if (mode === 'cutout') {
    // The image only inside the masks: everything else darkened.
    const inside = new Uint8Array(width * height);
    for (const { mask } of masks)
      if (mask.width === width && mask.height === height)
        for (let p = 0; p < inside.length; p++) inside[p] ||= mask.data[p]!;
    for (let p = 0; p < inside.length; p++)
      if (!inside[p]) for (let c = 0; c < 3; c++) px[p * 4 + c] = Math.round(px[p * 4 + c]! * 0.15);
  }
  for (const { mask, colorIndex, hovered } of masks) {
    if (mask.width !== width || mask.height !== height) continue;
    const [r, g, b] = colorOf(colorIndex);
    const a = mode === 'masks' ? 1 : mode === 'cutout' ? 0 : hovered ? 0.75 : anyHovered ? 0.25 : 0.5;
    const d = mask.data;
    for (let p = 0; p < d.length; p++) {
      const x = p % width;
      const inside = d[p] !== 0;
      const left = x > 0 && d[p - 1] !== 0;
      const right = x < width - 1 && d[p + 1] !== 0;
      const up = p >= width && d[p - width] !== 0;
      const down = p + width < d.length && d[p + width] !== 0;
      const o = p * 4;
      if (!inside) {
        if (left || right || up || down) {
          const [hr, hg, hb] = haloFor(px[o]!, px[o + 1]!, px[o + 2]!);
          px[o] = hr;
          px[o + 1] = hg;
          px[o + 2] = hb;
        }
        continue;
      }
      if (!(left && right && up && down)) {
        px[o] = r;
        px[o + 1] = g;
        px[o + 2] = b;
        continue;
      }
      px[o] = px[o]! * (1 - a) + r * a;
      px[o + 1] = px[o + 1]! * (1 - a) + g * a;
      px[o + 2] = px[o + 2]! * (1 - a) + b * a;
    }
  }
  ctx.putImageData(image, 0, 0);
  // Label chips: the object's colour behind its label and score, at its box corner.
  // About 12 screen pixels whatever the canvas's display scale (a small video frame is shown several times larger).
  const shown = ctx.canvas.getBoundingClientRect?.().width ?? 0;
  const size = shown > 0 ? Math.max(4, Math.round((12 * width) / shown)) : Math.max(11, Math.round(width / 70));
  if (options.boxes) {
    // Each object's box in its colour, about 2 screen pixels wide, inside the box on whole pixels (crisp, exact).
    const line = Math.max(1, Math.round(size / 6));
    for (const { colorIndex, box, hovered } of masks) {
      if (!box || (anyHovered && !hovered)) continue;
      const [r, g, b] = colorOf(colorIndex);
      ctx.fillStyle = `rgb(${r},${g},${b})`;
      const [x0, y0] = [Math.floor(box[0]), Math.floor(box[1])];
      const [w, h] = [Math.max(line, Math.ceil(box[2]) - x0), Math.max(line, Math.ceil(box[3]) - y0)];
      ctx.fillRect(x0, y0, w, line);
      ctx.fillRect(x0, y0 + h - line, w, line);
      ctx.fillRect(x0, y0, line, h);
      ctx.fillRect(x0 + w - line, y0, line, h);
    }
  }
  ctx.font = `600 ${size}px system-ui, sans-serif`;
  ctx.textBaseline = 'top';
  for (const { colorIndex, label, box, hovered } of masks) {
    if (!label || !box || (anyHovered && !hovered)) continue;
    const [r, g, b] = colorOf(colorIndex);
    const w = ctx.measureText(label).width + size * 0.8;
    const x = Math.min(Math.max(0, box[0]), Math.max(0, width - w));
    const y = Math.max(0, box[1] - size * 1.5);
    ctx.fillStyle = `rgb(${r},${g},${b})`;
    ctx.fillRect(x, y, w, size * 1.4);
    const [tr, tg, tb] = haloFor(r, g, b);
    ctx.fillStyle = `rgb(${tr},${tg},${tb})`;
    ctx.fillText(label, x + size * 0.4, y + size * 0.2);
  }
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
