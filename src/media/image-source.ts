// Image URLs → bytes under the server's URL policy: http(s) only, SSRF guard on every resolved address and every
// redirect, byte and time limits. Base64 and data URIs are decoded here too, so every image source enters in one place.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { SamError, describeValue } from '../domain/errors.js';
import { NetworkPolicy } from './network-policy.js';

export interface UrlFetchPolicy {
  /** CIDRs that are reachable even though they are private or loopback (e.g. an internal image store). */
  readonly allowNetworks: readonly string[];
  readonly maxBytes: number;
  readonly timeoutMs: number;
  readonly maxRedirects: number;
  /** What is fetched, for the Accept header, messages, error fields and the too-large code (default image). */
  readonly subject?: 'image' | 'video';
}

interface Subject {
  noun: 'image' | 'video';
  field: string;
  accept: string;
  tooLarge: 'IMAGE_TOO_LARGE' | 'VIDEO_TOO_LARGE';
}

const SUBJECTS: Record<'image' | 'video', Subject> = {
  image: { noun: 'image', field: 'image.url', accept: 'image/*', tooLarge: 'IMAGE_TOO_LARGE' },
  video: {
    noun: 'video',
    field: 'video',
    accept: 'video/*, application/octet-stream;q=0.5',
    tooLarge: 'VIDEO_TOO_LARGE',
  },
};

export const DEFAULT_URL_POLICY: UrlFetchPolicy = {
  allowNetworks: [],
  maxBytes: 50 * 1024 * 1024,
  timeoutMs: 15_000,
  maxRedirects: 5,
};

const forbidden = (url: string, why: string): SamError =>
  new SamError('IMAGE_URL_FORBIDDEN', `Refusing to fetch image URL ${url}: ${why}`, {
    field: 'image.url',
    received: url,
  });

/** Errors a guarded connection raises for a forbidden address; callers outside image fetching pass their own. */
export type ForbiddenError = (url: string, why: string) => SamError;

/** Decodes base64 or a `data:image/…;base64,` URI; rejects anything that is not base64. */
export function decodeBase64Image(value: string, field: string, maxBytes: number): Uint8Array {
  const comma = value.startsWith('data:') ? value.indexOf(',') : -1;
  if (value.startsWith('data:') && (comma < 0 || !value.slice(0, comma).endsWith(';base64'))) {
    throw new SamError(
      'INVALID_ARGUMENT',
      `Expected a base64 data URI (data:<type>;base64,<data>) for ${field} but received ${describeValue(value.slice(0, 40))}`,
      { field },
    );
  }
  const body = (comma >= 0 ? value.slice(comma + 1) : value).replace(/\s+/g, '');
  if (body.length === 0 || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(body)) {
    throw new SamError(
      'INVALID_ARGUMENT',
      `Expected base64-encoded image bytes for ${field} but received ${describeValue(value)}`,
      { field },
    );
  }
  if (Math.floor((body.length * 3) / 4) > maxBytes) {
    throw new SamError('IMAGE_TOO_LARGE', `The image in ${field} exceeds the ${maxBytes}-byte limit`, {
      field,
      limit: maxBytes,
    });
  }
  return Buffer.from(body, body.includes('-') || body.includes('_') ? 'base64url' : 'base64');
}

/**
 * Fetches an http(s) URL with the SSRF guard checked at connect time (after DNS) and again on every redirect hop.
 * `headers` (a credential for the host, e.g. Label Studio's token) go only to the URL's own origin: a redirect
 * elsewhere is followed without them.
 */
export async function fetchImageUrl(
  url: string,
  policy: UrlFetchPolicy,
  signal?: AbortSignal,
  headers: Readonly<Record<string, string>> = {},
): Promise<Uint8Array> {
  const what = SUBJECTS[policy.subject ?? 'image'];
  const refuse: ForbiddenError = (target, why) =>
    new SamError('IMAGE_URL_FORBIDDEN', `Refusing to fetch ${what.noun} URL ${target}: ${why}`, {
      field: what.field,
      received: target,
    });
  const network = new NetworkPolicy(policy.allowNetworks);
  const deadline = AbortSignal.timeout(policy.timeoutMs);
  const outer = signal ? AbortSignal.any([signal, deadline]) : deadline;
  // The sockets follow a signal of their own, cut off from the caller's once this fetch is over: a deadline or a
  // disconnect after the answer must not abort (and raise 'error' on) requests that already finished.
  const own = new AbortController();
  const forward = (): void => own.abort(outer.reason);
  if (outer.aborted) forward();
  else outer.addEventListener('abort', forward, { once: true });
  try {
    return await fetchHops(url, policy, own.signal, headers, network, what, refuse);
  } finally {
    outer.removeEventListener('abort', forward);
  }
}

async function fetchHops(
  url: string,
  policy: UrlFetchPolicy,
  combined: AbortSignal,
  headers: Readonly<Record<string, string>>,
  network: NetworkPolicy,
  what: Subject,
  refuse: ForbiddenError,
): Promise<Uint8Array> {
  let current = url;
  const origin = URL.canParse(url) ? new URL(url).origin : undefined;
  for (let hop = 0; hop <= policy.maxRedirects; hop++) {
    const target = parseTarget(current, network, refuse);
    const sent = target.origin === origin ? headers : {};
    const response = await get(target, network, combined, current, policy.timeoutMs, what, refuse, sent);
    const status = response.statusCode ?? 0;
    if (status >= 300 && status < 400 && response.headers.location) {
      discard(response);
      current = new URL(response.headers.location, target).toString();
      continue;
    }
    if (status < 200 || status >= 300) {
      discard(response);
      throw new SamError('IMAGE_FETCH_FAILED', `Fetching ${what.noun} URL ${current} failed with HTTP ${status}`, {
        field: what.field,
        received: status,
      });
    }
    return readBody(response, policy.maxBytes, current, combined, policy.timeoutMs, what);
  }
  throw new SamError(
    'IMAGE_FETCH_FAILED',
    `Fetching ${what.noun} URL ${url} followed more than ${policy.maxRedirects} redirects`,
    { field: what.field, limit: policy.maxRedirects },
  );
}

/**
 * Drains a response we do not read (a redirect, an error status). Its request's abort signal may still fire later
 * (the caller's deadline or disconnect): the error listener keeps that from becoming an unhandled 'error' event.
 */
function discard(response: IncomingMessage): void {
  response.on('error', () => undefined);
  response.resume();
}

/** What an operator changes to let URLs reach an internal network on purpose. */
const ALLOW_HINT = ' (to allow a network, add it to SAM3_URL_ALLOW_NETWORKS)';

export function parseTarget(raw: string, network: NetworkPolicy, refuse: ForbiddenError = forbidden): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch (cause) {
    throw new SamError(
      'INVALID_ARGUMENT',
      `Expected an absolute http(s) URL for image.url but received ${describeValue(raw)}`,
      { field: 'image.url', received: raw },
      { cause },
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw refuse(raw, `only http and https are allowed, not ${url.protocol.slice(0, -1)}`);
  if (url.username || url.password) throw refuse(raw, 'URLs with credentials are not allowed');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) && !network.allows(host)) throw refuse(raw, `${host} is ${network.describe(host)}${ALLOW_HINT}`);
  return url;
}

/** A DNS lookup that refuses when any resolved address is forbidden, so the socket can only reach checked addresses. */
export function guardedLookup(network: NetworkPolicy, url: string, refuse: ForbiddenError = forbidden): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      const bad = addresses.find((a) => !network.allows(a.address));
      if (bad || addresses.length === 0) {
        const why = bad
          ? `${hostname} resolves to ${bad.address}, which is ${network.describe(bad.address)}${ALLOW_HINT}`
          : `${hostname} has no address`;
        return callback(refuse(url, why) as NodeJS.ErrnoException, '', 0);
      }
      if ((options as { all?: boolean }).all)
        return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}

function get(
  url: URL,
  network: NetworkPolicy,
  signal: AbortSignal,
  shown: string,
  timeoutMs: number,
  what: Subject,
  refuse: ForbiddenError,
  extraHeaders: Readonly<Record<string, string>> = {},
): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(
      url,
      {
        method: 'GET',
        lookup: guardedLookup(network, shown, refuse),
        signal,
        headers: { ...extraHeaders, accept: what.accept, 'user-agent': 'sam3-server' },
      },
      resolve,
    );
    req.on('error', (error) => reject(fetchError(error, shown, signal, timeoutMs, what)));
    req.end();
  });
}

function readBody(
  response: IncomingMessage,
  maxBytes: number,
  url: string,
  signal: AbortSignal,
  timeoutMs: number,
  what: Subject,
): Promise<Uint8Array> {
  const declared = Number(response.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    response.destroy();
    return Promise.reject(
      new SamError(what.tooLarge, `The ${what.noun} at ${url} is ${declared} bytes, over the ${maxBytes}-byte limit`, {
        field: what.field,
        limit: maxBytes,
        received: declared,
      }),
    );
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    response.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (total > maxBytes) {
        response.destroy();
        reject(
          new SamError(what.tooLarge, `The ${what.noun} at ${url} exceeds the ${maxBytes}-byte limit`, {
            field: what.field,
            limit: maxBytes,
          }),
        );
        return;
      }
      chunks.push(chunk);
    });
    response.on('end', () => resolve(Buffer.concat(chunks)));
    response.on('error', (error) => reject(fetchError(error, url, signal, timeoutMs, what)));
  });
}

function fetchError(error: unknown, url: string, signal: AbortSignal, timeoutMs: number, what: Subject): SamError {
  if (error instanceof SamError) return error;
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof SamError) return cause;
  if (signal.aborted) {
    const reason = signal.reason as { name?: string } | undefined;
    if (reason?.name === 'TimeoutError') {
      return new SamError(
        'IMAGE_FETCH_FAILED',
        `Fetching ${what.noun} URL ${url} timed out after ${timeoutMs} ms`,
        { field: what.field, limit: timeoutMs },
        { cause: error },
      );
    }
    return new SamError(
      'REQUEST_CANCELLED',
      `Fetching ${what.noun} URL ${url} was cancelled`,
      { field: what.field },
      { cause: error },
    );
  }
  const text = error instanceof Error ? ((error as NodeJS.ErrnoException).code ?? error.message) : String(error);
  return new SamError(
    'IMAGE_FETCH_FAILED',
    `Fetching ${what.noun} URL ${url} failed: ${text}`,
    { field: what.field },
    { cause: error },
  );
}
