// One model file from a hub: resumable ranged download into `<dest>.part`, SHA-256 verified (the expected hash, else
// the hub's x-linked-etag), atomic rename into place. Hub refusals and network failures become clear SamErrors.
import { createHash, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { EnvHttpProxyAgent, fetch, type Dispatcher, type Response } from 'undici';
import { SamError } from '../../domain/errors.js';

export interface ProxySettings {
  httpProxy: string;
  httpsProxy: string;
  /** Comma-separated hosts reached directly. */
  noProxy: string;
}

/** An undici dispatcher routing through the configured proxies, or undefined to connect directly. */
export function proxyDispatcher(proxy: ProxySettings | undefined): Dispatcher | undefined {
  if (!proxy || (!proxy.httpProxy && !proxy.httpsProxy)) return undefined;
  return new EnvHttpProxyAgent({
    ...(proxy.httpProxy ? { httpProxy: proxy.httpProxy } : {}),
    ...(proxy.httpsProxy ? { httpsProxy: proxy.httpsProxy } : {}),
    noProxy: proxy.noProxy,
  });
}

export interface FileDownload {
  url: string;
  dest: string;
  /** Expected SHA-256 (hex); when absent, the hub's published hash (x-linked-etag) is used if it sends one. */
  sha256?: string;
  headers?: Record<string, string>;
  /** Shown in errors: e.g. the Hugging Face repository the file belongs to, and where to grant access. */
  source: string;
  /** Route through a proxy (HTTPS_PROXY/HTTP_PROXY/NO_PROXY); undefined = direct. */
  dispatcher?: Dispatcher;
}

export interface DownloadProgress {
  /** Total bytes when known, and bytes already on disk from an earlier attempt. */
  start(total: number | undefined, resumedBytes: number): void;
  advance(bytes: number): void;
}

export interface DownloadedFile {
  sha256: string;
  bytes: number;
  /** Whether the hash was checked against an expected or hub-published value (false = recorded on first download). */
  verified: boolean;
}

const HEX64 = /^[0-9a-f]{64}$/;

/** SHA-256 state and length of a file on disk; a missing file is empty. The state can be continued (resume). */
export async function hashFile(path: string): Promise<{ hash: Hash; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  try {
    for await (const chunk of createReadStream(path)) {
      hash.update(chunk as Buffer);
      bytes += (chunk as Buffer).length;
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  return { hash, bytes };
}

function refusal(status: number, spec: FileDownload): SamError {
  if (status === 401 || status === 403) {
    return new SamError(
      'MODEL_ACCESS_DENIED',
      `${spec.source} refused ${spec.url} (HTTP ${status}): accept the model's licence on its hub page with your account, then set HF_TOKEN to an access token of that account and retry`,
      { field: 'HF_TOKEN', received: status },
    );
  }
  if (status === 404)
    return new SamError(
      'MODEL_NOT_FOUND',
      `${spec.source} has no file at ${spec.url} (HTTP 404); the catalogue may be out of date`,
      { received: status },
    );
  return new SamError('MODEL_DOWNLOAD_FAILED', `Downloading ${spec.url} failed with HTTP ${status}`, {
    received: status,
  });
}

export async function downloadFile(
  spec: FileDownload,
  progress?: DownloadProgress,
  signal?: AbortSignal,
): Promise<DownloadedFile> {
  const part = `${spec.dest}.part`;
  const existing = await hashFile(part);
  const headers: Record<string, string> = {
    ...spec.headers,
    ...(existing.bytes > 0 ? { range: `bytes=${existing.bytes}-` } : {}),
  };
  let response: Response;
  try {
    response = await fetch(spec.url, {
      headers,
      redirect: 'follow',
      ...(signal ? { signal } : {}),
      ...(spec.dispatcher ? { dispatcher: spec.dispatcher } : {}),
    });
  } catch (cause) {
    const reason = (cause as { cause?: { code?: string; message?: string } }).cause;
    throw new SamError(
      'MODEL_DOWNLOAD_FAILED',
      `Could not reach ${new URL(spec.url).host} to download ${spec.url}: ${reason?.code ?? reason?.message ?? (cause as Error).message} (offline? behind a proxy? see README "Getting real weights")`,
      {},
      { cause },
    );
  }
  if (response.status === 416 && existing.bytes > 0) {
    // The part file is already complete (or longer than the file): start over.
    await rm(part, { force: true });
    return downloadFile(spec, progress, signal);
  }
  if (!response.ok) throw refusal(response.status, spec);
  const resumed = response.status === 206 && existing.bytes > 0;
  const hash = resumed ? existing.hash : createHash('sha256');
  const onDisk = resumed ? existing.bytes : 0;
  const length = Number(response.headers.get('content-length'));
  const linked = (response.headers.get('x-linked-etag') ?? response.headers.get('etag') ?? '')
    .replace(/^W\//, '')
    .replace(/"/g, '')
    .toLowerCase();
  const expected = spec.sha256?.toLowerCase() ?? (HEX64.test(linked) ? linked : undefined);
  progress?.start(Number.isFinite(length) ? onDisk + length : undefined, onDisk);
  let bytes = onDisk;
  const counter = new Transform({
    transform(chunk: Buffer, _e, done) {
      hash.update(chunk);
      bytes += chunk.length;
      progress?.advance(chunk.length);
      done(null, chunk);
    },
  });
  try {
    await pipeline(
      Readable.fromWeb(response.body! as import('node:stream/web').ReadableStream),
      counter,
      createWriteStream(part, { flags: resumed ? 'a' : 'w' }),
    );
  } catch (cause) {
    // The part file stays: the next attempt resumes from it.
    throw new SamError(
      'MODEL_DOWNLOAD_FAILED',
      `The download of ${spec.url} was interrupted after ${bytes} bytes; run the same command again to resume`,
      { received: bytes },
      { cause },
    );
  }
  if (Number.isFinite(length) && bytes !== onDisk + length) {
    throw new SamError(
      'MODEL_DOWNLOAD_FAILED',
      `The download of ${spec.url} ended after ${bytes} of ${onDisk + length} bytes; run the same command again to resume`,
      { received: bytes },
    );
  }
  const sha256 = hash.digest('hex');
  if (expected && sha256 !== expected) {
    await rm(part, { force: true });
    throw new SamError(
      'MODEL_CHECKSUM_MISMATCH',
      `${spec.url} has SHA-256 ${sha256} but ${spec.sha256 ? 'the catalogue' : 'the hub'} says ${expected}; the file was removed, run the command again`,
      { expected, received: sha256 },
    );
  }
  await rename(part, spec.dest);
  return { sha256, bytes, verified: expected !== undefined };
}
