// Without API keys, a page the operator visits must not drive the server: Host names are loopback names, IP addresses
// or configured ones (DNS rebinding), and browsers' cross-site requests that change anything are refused.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isIP } from 'node:net';
import { SamError } from '../../domain/errors.js';

export interface OriginGuardOptions {
  /** With any key set, the guard is off: a cross-site page cannot send the key. */
  keys: readonly string[];
  /** Host names (no port) accepted besides loopback names and IP addresses (SAM3_ALLOWED_HOSTS); `*` = any. */
  allowedHosts: readonly string[];
  /** Origins (`scheme://host[:port]`) whose pages may send writes (SAM3_ALLOWED_ORIGINS); `*` = any. */
  allowedOrigins: readonly string[];
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The host name of a Host header (`[::1]:8080` → `::1`, `Example.com.` → `example.com`), or undefined if malformed. */
export function hostName(header: string): string | undefined {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s]+))(?::(\d{1,5}))?$/.exec(header.trim());
  if (!m) return undefined;
  return (m[1] ?? m[2]!).toLowerCase().replace(/\.$/, '');
}

/** Loopback names and IP literals cannot be rebound to another address by a DNS answer. */
export function hostAllowed(name: string, allowed: readonly string[]): boolean {
  if (allowed.includes('*') || allowed.some((h) => h.toLowerCase() === name)) return true;
  return name === 'localhost' || name.endsWith('.localhost') || isIP(name) !== 0;
}

/** Whether a request carries a browser's mark of coming from a page of another origin than the one it is sent to. */
export function crossSite(
  request: Pick<FastifyRequest, 'headers'>,
  allowedOrigins: readonly string[],
): string | undefined {
  const origin = request.headers.origin;
  const fetchSite = request.headers['sec-fetch-site'];
  if (allowedOrigins.includes('*')) return undefined;
  if (typeof origin === 'string') {
    if (allowedOrigins.includes(origin)) return undefined;
    let sameHost = false;
    try {
      sameHost =
        origin !== 'null' && new URL(origin).host.toLowerCase() === String(request.headers.host ?? '').toLowerCase();
    } catch {
      sameHost = false;
    }
    if (!sameHost) return origin;
  }
  if (fetchSite === 'cross-site' || fetchSite === 'same-site')
    return typeof origin === 'string' ? origin : `a ${fetchSite} page`;
  return undefined;
}

export function registerOriginGuard(app: FastifyInstance, options: OriginGuardOptions): void {
  if (options.keys.length > 0) return;
  app.addHook('onRequest', async (request) => {
    const header = request.headers.host ?? '';
    const name = hostName(header);
    if (name === undefined || !hostAllowed(name, options.allowedHosts)) {
      throw new SamError(
        'HOST_NOT_ALLOWED',
        `Expected a loopback name or an IP address in the Host header but received ${JSON.stringify(header.slice(0, 100))}; add the name to SAM3_ALLOWED_HOSTS, or set SAM3_API_KEYS`,
        {
          field: 'host',
          expected: 'localhost, an IP address or a SAM3_ALLOWED_HOSTS name',
          received: header.slice(0, 100),
        },
      );
    }
    if (SAFE_METHODS.has(request.method)) return;
    const from = crossSite(request, options.allowedOrigins);
    if (from !== undefined) {
      throw new SamError(
        'CROSS_SITE_REQUEST',
        `A page of another origin (${from.slice(0, 100)}) may not send ${request.method} requests to this server; add its origin to SAM3_ALLOWED_ORIGINS, or set SAM3_API_KEYS`,
        {
          field: 'origin',
          expected: 'a same-origin request, or an origin in SAM3_ALLOWED_ORIGINS',
          received: from.slice(0, 100),
        },
      );
    }
  });
}
