// sharp adapter: image bytes → EXIF-oriented RGB pixels, with byte and pixel limits checked from the header first.
import sharp, { type Metadata } from 'sharp';
import { SamError } from '../domain/errors.js';
import type { RawImage } from '../domain/image.js';

export interface ImageLimits {
  maxImageBytes: number;
  maxImagePixels: number;
}

export const DEFAULT_IMAGE_LIMITS: ImageLimits = { maxImageBytes: 50 * 1024 * 1024, maxImagePixels: 8192 * 8192 };

/**
 * Decodes once: checks size and pixel count from the header (a decompression bomb is refused before any pixel
 * is decoded), applies EXIF orientation, drops alpha, converts to sRGB RGB.
 */
export async function decodeImage(bytes: Uint8Array, limits: ImageLimits = DEFAULT_IMAGE_LIMITS, field = 'image'): Promise<RawImage> {
  if (bytes.length === 0) throw new SamError('IMAGE_DECODE_FAILED', `Expected image bytes for ${field} but received an empty body`, { field });
  if (bytes.length > limits.maxImageBytes) {
    throw new SamError('IMAGE_TOO_LARGE', `Expected at most ${limits.maxImageBytes} bytes for ${field} but received ${bytes.length}`, { field, limit: limits.maxImageBytes, received: bytes.length });
  }
  const stack = new Error().stack; // sharp's native errors carry no JS stack
  let meta: Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (cause) {
    throw new SamError('IMAGE_DECODE_FAILED', `Expected an image (PNG, JPEG, WebP, GIF, TIFF, AVIF…) for ${field} but its bytes are not one: ${(cause as Error).message}`, { field, stack }, { cause });
  }
  const pixels = (meta.width ?? 0) * (meta.height ?? 0);
  if (!meta.width || !meta.height) throw new SamError('IMAGE_DECODE_FAILED', `Could not read the dimensions of ${field}`, { field });
  if (pixels > limits.maxImagePixels) {
    throw new SamError('IMAGE_TOO_LARGE', `Expected at most ${limits.maxImagePixels} pixels for ${field} but the image is ${meta.width}×${meta.height} (${pixels})`, {
      field,
      limit: limits.maxImagePixels,
      received: pixels,
    });
  }
  try {
    const { data, info } = await sharp(bytes, { limitInputPixels: limits.maxImagePixels, failOn: 'error' })
      .rotate()
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`unexpected channel count ${info.channels}`);
    return { width: info.width, height: info.height, channels: 3, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
  } catch (cause) {
    throw new SamError('IMAGE_DECODE_FAILED', `Could not decode ${field}: ${(cause as Error).message}`, { field, stack }, { cause });
  }
}

/** Stretch-resizes decoded pixels to size×size with an antialiased bilinear kernel (no letterbox), as SAM 3. */
export async function resizeForModel(image: RawImage, size: number): Promise<RawImage> {
  if (image.width === size && image.height === size) return image;
  const { data, info } = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .resize(size, size, { fit: 'fill', kernel: 'linear' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, channels: 3, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}
