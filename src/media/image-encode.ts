// sharp adapter for output images: 1-channel PNG masks, label maps, and translucent overlays (png/jpeg/webp).
import sharp from 'sharp';
import type { RawImage } from '../domain/image.js';
import type { BinaryMask } from '../domain/segmentation.js';

export type OverlayFormat = 'png' | 'jpeg' | 'webp';

/** A binary mask as an 8-bit grayscale PNG (0 / 255): lossless, as masks must be. */
export async function encodeMaskPng(mask: BinaryMask): Promise<Buffer> {
  const gray = new Uint8Array(mask.data.length);
  for (let i = 0; i < gray.length; i++) gray[i] = mask.data[i] ? 255 : 0;
  return sharp(gray, { raw: { width: mask.width, height: mask.height, channels: 1 } }).toColourspace('b-w').png({ compressionLevel: 3 }).toBuffer();
}

/** A binary mask as a black-and-white image (255 inside) in png, jpeg or webp; png stays lossless. */
export async function encodeMaskImage(mask: BinaryMask, format: OverlayFormat): Promise<Buffer> {
  if (format === 'png') return encodeMaskPng(mask);
  const gray = new Uint8Array(mask.data.length);
  for (let i = 0; i < gray.length; i++) gray[i] = mask.data[i] ? 255 : 0;
  const img = sharp(gray, { raw: { width: mask.width, height: mask.height, channels: 1 } }).toColourspace('b-w');
  return format === 'jpeg' ? img.jpeg({ quality: 95 }).toBuffer() : img.webp({ lossless: true }).toBuffer();
}

/** Several masks as one grayscale PNG whose pixel value is the 1-based index of the last mask covering it (≤ 255). */
export async function encodeLabelMapPng(masks: readonly BinaryMask[], width: number, height: number): Promise<Buffer> {
  const labels = new Uint8Array(width * height);
  masks.slice(0, 255).forEach((m, k) => {
    for (let i = 0; i < labels.length; i++) if (m.data[i]) labels[i] = k + 1;
  });
  return sharp(labels, { raw: { width, height, channels: 1 } }).toColourspace('b-w').png({ compressionLevel: 3 }).toBuffer();
}

/** Stable, well-separated color for an object id (golden-angle hues, full saturation). */
export function colorForId(id: number): [number, number, number] {
  const hue = (id * 137.508) % 360;
  const c = 0.85;
  const x = c * (1 - Math.abs(((hue / 60) % 2) - 1));
  const m = 0.1;
  const [r, g, b] = hue < 60 ? [c, x, 0] : hue < 120 ? [x, c, 0] : hue < 180 ? [0, c, x] : hue < 240 ? [0, x, c] : hue < 300 ? [x, 0, c] : [c, 0, x];
  return [Math.round((r + m) * 255), Math.round((g + m) * 255), Math.round((b + m) * 255)];
}

/**
 * Blends each mask over the image with its object's color at alpha 0.5 (out = 0.5·color + 0.5·pixel) and draws
 * its outline (mask pixels with a 4-neighbour outside) in full color; encodes as png, jpeg or webp.
 */
export async function encodeOverlay(image: RawImage, objects: ReadonlyArray<{ id: number; mask: BinaryMask }>, format: OverlayFormat, alpha = 0.5): Promise<Buffer> {
  const { width: w, height: h } = image;
  const out = Uint8Array.from(image.data);
  for (const { id, mask } of objects) {
    const [r, g, b] = colorForId(id);
    const d = mask.data;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const p = y * w + x;
        if (!d[p]) continue;
        const edge = x === 0 || y === 0 || x === w - 1 || y === h - 1 || !d[p - 1] || !d[p + 1] || !d[p - w] || !d[p + w];
        const o = p * 3;
        if (edge) out.set([r, g, b], o);
        else {
          out[o] = alpha * r + (1 - alpha) * out[o]!;
          out[o + 1] = alpha * g + (1 - alpha) * out[o + 1]!;
          out[o + 2] = alpha * b + (1 - alpha) * out[o + 2]!;
        }
      }
    }
  }
  const img = sharp(out, { raw: { width: w, height: h, channels: 3 } });
  if (format === 'jpeg') return img.jpeg({ quality: 90 }).toBuffer();
  if (format === 'webp') return img.webp({ quality: 90 }).toBuffer();
  return img.png({ compressionLevel: 3 }).toBuffer();
}
