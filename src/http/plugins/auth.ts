// API-key auth for every route except the probes and signed file links. Keys come as `Authorization: Bearer KEY`; on the
// Roboflow facade also as the `api_key` query parameter or body field (upstream's precedence: query, header, body); on the
// Label Studio backend also as HTTP Basic auth (Label Studio's "Basic Authentication" setting, the key as password).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { SamError } from '../../domain/errors.js';

// The probes, and the playground's static page and assets (no data; its API calls carry the key the user types).
const OPEN_PATHS = new Set(['/healthz', '/readyz', '/', '/index.html']);
const OPEN_PREFIXES = ['/assets/'];
const digest = (key: string): Buffer => createHash('sha256').update(key).digest();
/** The password of a Basic credential (`user:password` in base64); the whole value when it has no colon. */
const basicPassword = (encoded: string): string => {
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? decoded : decoded.slice(colon + 1);
};

export interface AuthOptions {
  keys: readonly string[];
  /** Routes (by path prefix) that also accept `api_key` in the query string or the JSON body. */
  keyInRequestPrefixes: readonly string[];
  /** Routes (by path prefix) whose signed link is the credential; the route itself checks the token. */
  signedLinkPrefixes?: readonly string[];
  /** Routes (by path prefix) that also take the key as HTTP Basic auth (any user name, the key as password). */
  basicAuthPrefixes?: readonly string[];
  /**
   * Routes (by path prefix) that also take the key in a header of their tool's own: `Token` (X-AnyLabeling's client),
   * `x-nuclio-function-namespace` (CVAT, which sends no credential to its serverless gateway but this configurable value).
   */
  keyHeaders?: ReadonlyArray<{ prefix: string; header: string }>;
}

export function registerAuth(app: FastifyInstance, options: AuthOptions): void {
  if (options.keys.length === 0) return;
  const known = options.keys.map(digest);
  const valid = (key: string): boolean => {
    const d = digest(key);
    return known.some((k) => timingSafeEqual(k, d));
  };
  const path = (request: FastifyRequest): string => request.url.split('?')[0]!;
  const takesKeyInRequest = (request: FastifyRequest): boolean =>
    options.keyInRequestPrefixes.some((p) => path(request).startsWith(p));
  const refuse = (why: string): SamError => new SamError('UNAUTHORIZED', why, { field: 'authorization' });
  const deferred = new WeakSet<FastifyRequest>();

  app.addHook('onRequest', async (request) => {
    if (
      OPEN_PATHS.has(path(request)) ||
      OPEN_PREFIXES.some((p) => path(request).startsWith(p)) ||
      options.signedLinkPrefixes?.some((p) => path(request).startsWith(p))
    )
      return;
    const header = request.headers.authorization;
    const basic = options.basicAuthPrefixes?.some((p) => path(request).startsWith(p))
      ? header?.match(/^Basic\s+(\S+)$/i)?.[1]
      : undefined;
    const keyHeader = options.keyHeaders?.find((k) => path(request).startsWith(k.prefix))?.header;
    const tokenHeader = keyHeader ? request.headers[keyHeader] : undefined;
    const bearer =
      basic !== undefined
        ? basicPassword(basic)
        : typeof tokenHeader === 'string' && tokenHeader && header === undefined
          ? tokenHeader
          : header?.match(/^Bearer\s+(.+)$/i)?.[1]?.trim();
    const queryKey = takesKeyInRequest(request)
      ? (request.query as Record<string, unknown> | undefined)?.api_key
      : undefined;
    const key = typeof queryKey === 'string' && queryKey ? queryKey : bearer;
    if (key !== undefined) {
      if (!valid(key)) throw refuse('The API key is not valid');
      return;
    }
    if (header !== undefined) throw refuse('Expected "Authorization: Bearer <key>"');
    // The Roboflow facade may carry the key in the JSON body, which is parsed later.
    if (takesKeyInRequest(request)) deferred.add(request);
    else throw refuse('An API key is required: send "Authorization: Bearer <key>"');
  });

  app.addHook('preValidation', async (request) => {
    if (!deferred.has(request)) return;
    const bodyKey = (request.body as Record<string, unknown> | undefined)?.api_key;
    if (typeof bodyKey !== 'string' || !bodyKey)
      throw refuse('An API key is required: send "Authorization: Bearer <key>", ?api_key= or "api_key" in the body');
    if (!valid(bodyKey)) throw refuse('The API key is not valid');
  });
}
