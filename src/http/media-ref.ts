// Media given by reference on the job surfaces: a URL fetched when the job runs, a data URI's bytes, or one of this
// server's own signed upload URLs (read from storage, never fetched: the URL guard would rightly refuse loopback).
import { SamError, describeValue } from '../domain/errors.js';
import type { UrlSigner } from './signed-urls.js';

/** Where an input's bytes come from: a URL fetched when the job runs, inline bytes, or one of our uploads. */
export type WireMedia = { url: string } | { bytes: Uint8Array } | { upload: string };

const UPLOAD_PATH = /^\/files\/uploads\/([0-9a-f]{32})\/[^/]+$/;

export function parseMedia(value: string, field: string, signer: UrlSigner, maxBytes: number): WireMedia {
  if (value.startsWith('data:')) {
    const comma = value.indexOf(',');
    const body = comma < 0 ? '' : value.slice(comma + 1).replace(/\s+/g, '');
    if (
      comma < 0 ||
      !value.slice(0, comma).endsWith(';base64') ||
      body === '' ||
      !/^[A-Za-z0-9+/]*={0,2}$/.test(body)
    ) {
      throw new SamError(
        'INVALID_ARGUMENT',
        `Expected a base64 data URI (data:<type>;base64,<data>) for ${field} but received ${describeValue(value.slice(0, 40))}`,
        { field },
      );
    }
    if (Math.floor((body.length * 3) / 4) > maxBytes)
      throw new SamError('IMAGE_TOO_LARGE', `The data URI in ${field} exceeds the ${maxBytes}-byte limit`, {
        field,
        limit: maxBytes,
      });
    return { bytes: Buffer.from(body, 'base64') };
  }
  const own = signer.ownPath('get', value)?.match(UPLOAD_PATH);
  if (own) return { upload: own[1]! };
  if (!/^https?:\/\/[^\s]+$/i.test(value)) {
    throw new SamError(
      'INVALID_ARGUMENT',
      `Expected an http(s) URL, an upload URL from /api/v3/media/uploads, or a data: URI for ${field} but received ${describeValue(value)}`,
      { field, received: value },
    );
  }
  return { url: value };
}
