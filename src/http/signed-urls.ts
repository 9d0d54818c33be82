// Signed links to stored files (job outputs, uploads): `?expires=<unix s>&token=<HMAC>` over the purpose and the path,
// so links work without headers (like a CDN link) until they expire, and a download link cannot be used to upload.
import { createHmac, timingSafeEqual } from 'node:crypto';

export type LinkPurpose = 'get' | 'put';

export class UrlSigner {
  constructor(
    private readonly secret: string,
    private readonly now: () => number = Date.now,
  ) {}

  private mac(purpose: LinkPurpose, path: string, expiresS: number): string {
    return createHmac('sha256', this.secret).update(`${purpose}\n${path}\n${expiresS}`).digest('base64url');
  }

  /** `path?expires=…&token=…` valid until `expiresAtMs`. The path must already be URL-encoded. */
  sign(purpose: LinkPurpose, path: string, expiresAtMs: number): string {
    const expiresS = Math.ceil(expiresAtMs / 1000);
    return `${path}?expires=${expiresS}&token=${this.mac(purpose, path, expiresS)}`;
  }

  /** True when the token matches the path and purpose and has not expired. */
  verify(purpose: LinkPurpose, path: string, expires: unknown, token: unknown): boolean {
    const expiresS = Number(expires);
    if (typeof token !== 'string' || !Number.isInteger(expiresS) || expiresS * 1000 <= this.now()) return false;
    const expected = Buffer.from(this.mac(purpose, path, expiresS));
    const given = Buffer.from(token);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  /** An absolute link to a stored file (`/files/<key>`) under `base`. */
  fileLink(base: string, key: string, expiresAtMs: number): string {
    return `${base}${this.sign('get', `/files/${key}`, expiresAtMs)}`;
  }

  /** Parses one of our own signed links (any host); returns its path when the token is valid, else undefined. */
  ownPath(purpose: LinkPurpose, url: string): string | undefined {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return undefined;
    }
    return this.verify(purpose, parsed.pathname, parsed.searchParams.get('expires'), parsed.searchParams.get('token'))
      ? parsed.pathname
      : undefined;
  }
}

/** The base URL clients reach us at: the configured public URL, else the request's own scheme and host. */
export function requestBase(request: { protocol: string; host: string }, publicUrl: string): string {
  return publicUrl || `${request.protocol}://${request.host}`;
}
