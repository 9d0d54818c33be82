// sharp adapter for output images: 1-channel PNG masks, label maps, and translucent overlays (png/jpeg/webp).
import sharp from 'sharp';
import { paintOverlay } from './paint-overlay.js';
export { colorForId } from './paint-overlay.js';
import type { RawImage } from '../domain/image.js';
import type { BinaryMask } from '../domain/segmentation.js';

export type OverlayFormat = 'png' | 'jpeg' | 'webp';

/** A binary mask as an 8-bit grayscale PNG (0 / 255): lossless, as masks must be. */
export async function encodeMaskPng(mask: BinaryMask): Promise<Buffer> {
  const gray = new Uint8Array(mask.data.length);
  for (let i = 0; i < gray.length; i++) gray[i] = mask.data[i] ? 255 : 0;
  return sharp(gray, { raw: { width: mask.width, height: mask.height, channels: 1 } })
    .toColourspace('b-w')
    .png({ compressionLevel: 3 })
    .toBuffer();
}

/** Label Studio's bitmask: black, opaque inside the mask and transparent outside (grey + alpha PNG). */
export async function encodeAlphaMaskPng(mask: BinaryMask): Promise<Buffer> {
  const pixels = new Uint8Array(mask.data.length * 2);
  for (let i = 0; i < mask.data.length; i++) pixels[2 * i + 1] = mask.data[i] ? 255 : 0;
  return sharp(pixels, { raw: { width: mask.width, height: mask.height, channels: 2 } })
    .png({ compressionLevel: 3 })
    .toBuffer();
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
  return sharp(labels, { raw: { width, height, channels: 1 } })
    .toColourspace('b-w')
    .png({ compressionLevel: 3 })
    .toBuffer();
}

/** Paints every object over a copy of the image (see `paintOverlay`) and encodes as png, jpeg or webp. */
export async function encodeOverlay(
  image: RawImage,
  objects: ReadonlyArray<{ id: number; mask: BinaryMask }>,
  format: OverlayFormat,
  alpha = 0.5,
): Promise<Buffer> {
  const { width: w, height: h } = image;
  const out = Uint8Array.from(image.data);
  paintOverlay(out, w, h, objects, alpha);
  const img = sharp(out, { raw: { width: w, height: h, channels: 3 } });
  if (format === 'jpeg') return img.jpeg({ quality: 90 }).toBuffer();
  if (format === 'webp') return img.webp({ quality: 90 }).toBuffer();
  return img.png({ compressionLevel: 3 }).toBuffer();
}
