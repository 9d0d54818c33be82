// An image URL fetched for a browser that cannot fetch it itself (no CORS headers on the host): the same URL guard,
// byte and time limits as images given to /v1/segment, and only raster formats the server decodes come back.
import { SamError } from '../domain/errors.js';
import { ACCEPTED_IMAGE_FORMATS, sniffImageFormat } from './image-decode.js';
import { fetchImageUrl, type UrlFetchPolicy } from './image-source.js';

export type ProxiedImage = { bytes: Uint8Array; format: NonNullable<ReturnType<typeof sniffImageFormat>> };

export async function fetchImageForViewing(
  url: string,
  policy: UrlFetchPolicy,
  signal?: AbortSignal,
): Promise<ProxiedImage> {
  const bytes = await fetchImageUrl(url, policy, signal);
  const format = sniffImageFormat(bytes);
  if (!format)
    throw new SamError('IMAGE_DECODE_FAILED', `Expected an image (${ACCEPTED_IMAGE_FORMATS}) at ${url}`, {
      field: 'url',
      expected: ACCEPTED_IMAGE_FORMATS,
    });
  return { bytes, format };
}
