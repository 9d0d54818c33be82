// sharp adapter: image bytes → EXIF-oriented RGB pixels, with byte and pixel limits checked from the header first.
import sharp from 'sharp';
import { abortError } from '../domain/abort.js';
import { SamError } from '../domain/errors.js';
import type { RawImage } from '../domain/image.js';

export interface ImageLimits {
  maxImageBytes: number;
  maxImagePixels: number;
}

export const DEFAULT_IMAGE_LIMITS: ImageLimits = { maxImageBytes: 50 * 1024 * 1024, maxImagePixels: 8192 * 8192 };

/** The formats accepted as images: what cameras, phones and the web produce. Vector and document formats (SVG, PDF)
 * are not: their renderers can be made to spin on a few hundred bytes, and no SAM 3 API accepts them. */
export const ACCEPTED_IMAGE_FORMATS = 'JPEG, PNG, WebP, GIF, TIFF, AVIF or HEIF';

/** Longest time one image decode may take (libvips stops past it); requests' own deadlines may cut it shorter. */
export const DECODE_TIME_LIMIT_S = 20;

const ascii = (bytes: Uint8Array, from: number, to: number): string => String.fromCharCode(...bytes.subarray(from, to));

/** The raster format named by an image's leading bytes, or undefined when it is none of the accepted ones. */
export function sniffImageFormat(bytes: Uint8Array): 'jpeg' | 'png' | 'webp' | 'gif' | 'tiff' | 'heif' | undefined {
  if (bytes.length < 12) return undefined;
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (ascii(bytes, 0, 8) === '\x89PNG\r\n\x1a\n') return 'png';
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP') return 'webp';
  if (ascii(bytes, 0, 6) === 'GIF87a' || ascii(bytes, 0, 6) === 'GIF89a') return 'gif';
  if (ascii(bytes, 0, 4) === 'II*\0' || ascii(bytes, 0, 4) === 'MM\0*') return 'tiff';
  if (
    ascii(bytes, 4, 8) === 'ftyp' &&
    /^(avif|avis|heic|heix|heim|heis|hevc|hevx|mif1|msf1)$/.test(ascii(bytes, 8, 12))
  )
    return 'heif';
  return undefined;
}

/** What a refused upload looks like, for the message: "an SVG document", "a PDF document", "unknown bytes". */
function describeUnknown(bytes: Uint8Array): string {
  const head = ascii(bytes, 0, Math.min(bytes.length, 512))
    .replace(/^\ufeff/, '')
    .trimStart()
    .toLowerCase();
  if (head.startsWith('%pdf')) return 'a PDF document';
  if (head.startsWith('<') && head.includes('<svg')) return 'an SVG document';
  if (head.startsWith('<')) return 'an XML or HTML document';
  return 'bytes of no accepted image format';
}

/** Resolves with `work`, or rejects at once when `signal` aborts (the native work then stops at its time limit). */
function abortable<T>(work: Promise<T>, signal: AbortSignal | undefined, field: string): Promise<T> {
  if (!signal) return work;
  const reason = () => abortError(signal, `decoding ${field}`, { field });
  if (signal.aborted) return Promise.reject(reason());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(reason());
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * Decodes once: checks the format from the leading bytes and the size, then one libvips pass checks the pixel count
 * from the header (a decompression bomb is refused before any pixel is decoded; only then is the header read again
 * for the message), applies EXIF orientation, drops alpha, converts to 8-bit sRGB RGB. libvips gives up after
 * DECODE_TIME_LIMIT_S; an aborted `signal` answers at once.
 */
export async function decodeImage(
  bytes: Uint8Array,
  limits: ImageLimits = DEFAULT_IMAGE_LIMITS,
  field = 'image',
  signal?: AbortSignal,
): Promise<RawImage> {
  if (bytes.length === 0)
    throw new SamError('IMAGE_DECODE_FAILED', `Expected image bytes for ${field} but received an empty body`, {
      field,
    });
  if (bytes.length > limits.maxImageBytes) {
    throw new SamError(
      'IMAGE_TOO_LARGE',
      `Expected at most ${limits.maxImageBytes} bytes for ${field} (SAM3_MAX_IMAGE_BYTES) but received ${bytes.length}`,
      { field, limit: limits.maxImageBytes, received: bytes.length },
    );
  }
  const format = sniffImageFormat(bytes);
  if (!format) {
    const what = describeUnknown(bytes);
    throw new SamError(
      'IMAGE_DECODE_FAILED',
      `Expected an image (${ACCEPTED_IMAGE_FORMATS}) for ${field} but received ${what}`,
      { field, expected: ACCEPTED_IMAGE_FORMATS, received: what },
    );
  }
  try {
    return await abortable(decodePixels(bytes, limits), signal, field);
  } catch (cause) {
    if (cause instanceof SamError) throw cause;
    const message = (cause as Error).message;
    // libvips checks the pixel count from the header, before any pixel is decoded; the header gives the message.
    if (/pixel limit/i.test(message)) throw await tooManyPixels(bytes, limits, field, signal);
    if (/timeout/i.test(message))
      throw new SamError(
        'IMAGE_DECODE_FAILED',
        `Decoding ${field} took longer than ${DECODE_TIME_LIMIT_S} s and was stopped`,
        { field, limit: DECODE_TIME_LIMIT_S },
        { cause },
      );
    throw new SamError(
      'IMAGE_DECODE_FAILED',
      `Expected an image (${ACCEPTED_IMAGE_FORMATS}) for ${field} but it could not be decoded: ${message}`,
      { field },
      { cause },
    );
  }
}

/** One libvips pass: EXIF orientation applied, alpha dropped, 8-bit sRGB, refused past the pixel limit. */
async function decodePixels(bytes: Uint8Array, limits: ImageLimits): Promise<RawImage> {
  const { data, info } = await sharp(bytes, { limitInputPixels: limits.maxImagePixels, failOn: 'error' })
    .timeout({ seconds: DECODE_TIME_LIMIT_S })
    .rotate()
    .removeAlpha()
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new Error(`unexpected channel count ${info.channels}`);
  return {
    width: info.width,
    height: info.height,
    channels: 3,
    data: new Uint8Array(data.buffer, data.byteOffset, data.length),
  };
}

/** IMAGE_TOO_LARGE naming the image's size, read from its header (no pixel is decoded). */
async function tooManyPixels(
  bytes: Uint8Array,
  limits: ImageLimits,
  field: string,
  signal: AbortSignal | undefined,
): Promise<SamError> {
  const limit = `Expected at most ${limits.maxImagePixels} pixels for ${field} (SAM3_MAX_IMAGE_PIXELS)`;
  const meta = await abortable(sharp(bytes, { limitInputPixels: false }).metadata(), signal, field).catch(
    (error: unknown) => {
      if (error instanceof SamError) throw error; // aborted
      return null;
    },
  );
  if (!meta?.width || !meta.height)
    return new SamError('IMAGE_TOO_LARGE', `${limit} but the image has more`, { field, limit: limits.maxImagePixels });
  const pixels = meta.width * meta.height;
  return new SamError('IMAGE_TOO_LARGE', `${limit} but the image is ${meta.width}×${meta.height} (${pixels})`, {
    field,
    limit: limits.maxImagePixels,
    received: pixels,
  });
}
