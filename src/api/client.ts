// Sam3Client: the typed fetch client of the native /v1 API, used by the CLI's --server mode, the playground and
// the end-to-end tests. Error bodies come back as SamError with the server's code, so callers handle one error type.
import { ERROR_CODES, SamError, type ErrorCode } from '../domain/errors.js';
import type {
  EmbedBody,
  EmbedResponse,
  ErrorBody,
  JobResponse,
  ModelsResponse,
  SegmentBody,
  SegmentResponse,
  VideoJobBody,
} from './native-wire.js';
import type { SessionPromptBody, SessionPromptResponse, SessionResponse } from './video-session-wire.js';

export interface ClientOptions {
  apiKey?: string;
  /** Per-call time limit (default 5 minutes). */
  timeoutMs?: number;
}

export class Sam3Client {
  private readonly base: string;

  constructor(
    baseUrl: string,
    private readonly options: ClientOptions = {},
  ) {
    this.base = baseUrl.replace(/\/+$/, '');
  }

  segment(body: SegmentBody): Promise<SegmentResponse> {
    return this.call('POST', '/v1/segment', JSON.stringify(body), { 'content-type': 'application/json' });
  }

  /** Sends the image as a multipart upload (no base64 inflation); `body` carries everything else. */
  segmentUpload(image: Uint8Array, body: Omit<SegmentBody, 'image'>, filename = 'image'): Promise<SegmentResponse> {
    const form = new FormData();
    form.append('request', JSON.stringify(body));
    form.append('image', new Blob([image as Uint8Array<ArrayBuffer>]), filename);
    return this.call('POST', '/v1/segment', form, {});
  }

  /** An image URL fetched by the server (its URL guard), for pages that cannot fetch the host themselves. */
  async fetchImage(url: string): Promise<Blob> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.options.apiKey) headers.authorization = `Bearer ${this.options.apiKey}`;
    const response = await fetch(`${this.base}/v1/images/fetch`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ url }),
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 300_000),
    });
    if (response.ok) return response.blob();
    const error = (safeParse(await response.text()) as ErrorBody | undefined)?.error;
    const code = error && error.code in ERROR_CODES ? (error.code as ErrorCode) : 'INTERNAL';
    throw new SamError(code, error?.message ?? `The server answered HTTP ${response.status}`, {
      ...(error?.details ?? {}),
      status: response.status,
    });
  }

  /**
   * Propagates a session's prompts and calls `onEvent` for each server-sent event as it arrives ("frame" with the
   * frame's objects, "removed", "done", "error"); resolves when the stream ends.
   */
  async propagateSession(
    id: string,
    body: Record<string, unknown>,
    onEvent: (event: string, data: unknown) => void,
    signal?: AbortSignal,
  ): Promise<void> {
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'text/event-stream' };
    if (this.options.apiKey) headers.authorization = `Bearer ${this.options.apiKey}`;
    const response = await fetch(`${this.base}/v1/video-sessions/${encodeURIComponent(id)}/propagate`, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
      ...(signal ? { signal } : {}),
    });
    if (!response.ok || !response.body) {
      const error = (safeParse(await response.text()) as ErrorBody | undefined)?.error;
      const code = error && error.code in ERROR_CODES ? (error.code as ErrorCode) : 'INTERNAL';
      throw new SamError(code, error?.message ?? `The server answered HTTP ${response.status}`, {
        ...(error?.details ?? {}),
        status: response.status,
      });
    }
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      // Events are separated by a blank line; each has "event:" and "data:" lines.
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: ?(.*)$/m.exec(block)?.[1] ?? 'message';
        const data = block
          .split('\n')
          .filter((l) => l.startsWith('data:'))
          .map((l) => l.slice(5).trimStart())
          .join('\n');
        onEvent(event, data ? safeParse(data) : undefined);
      }
    }
  }

  embed(body: EmbedBody): Promise<EmbedResponse> {
    return this.call('POST', '/v1/embed', JSON.stringify(body), { 'content-type': 'application/json' });
  }

  /** Submits a video job as a multipart upload; `body` is the /v1/videos request without the video. */
  submitVideo(video: Blob, body: Omit<VideoJobBody, 'video'>, filename = 'video'): Promise<JobResponse> {
    const form = new FormData();
    form.append('request', JSON.stringify(body));
    form.append('video', video, filename);
    return this.call('POST', '/v1/videos', form, {});
  }

  job(id: string): Promise<JobResponse> {
    return this.call('GET', `/v1/jobs/${encodeURIComponent(id)}`, undefined, {});
  }

  /** Opens an interactive video session on an uploaded clip. */
  createSession(video: Blob, filename = 'video'): Promise<SessionResponse> {
    const form = new FormData();
    form.append('video', video, filename);
    return this.call('POST', '/v1/video-sessions', form, {});
  }

  sessionPrompt(id: string, body: SessionPromptBody): Promise<SessionPromptResponse> {
    return this.call('POST', `/v1/video-sessions/${encodeURIComponent(id)}/prompts`, JSON.stringify(body), {
      'content-type': 'application/json',
    });
  }

  closeSession(id: string): Promise<void> {
    return this.call('DELETE', `/v1/video-sessions/${encodeURIComponent(id)}`, undefined, {});
  }

  models(): Promise<ModelsResponse> {
    return this.call('GET', '/v1/models', undefined, {});
  }

  private async call<T>(
    method: string,
    path: string,
    body: string | FormData | undefined,
    headers: Record<string, string>,
  ): Promise<T> {
    if (this.options.apiKey) headers.authorization = `Bearer ${this.options.apiKey}`;
    let response: Response;
    try {
      response = await fetch(`${this.base}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body }),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 300_000),
      });
    } catch (cause) {
      const reason =
        cause instanceof Error ? ((cause.cause as Error | undefined)?.message ?? cause.message) : String(cause);
      throw new SamError(
        'INTERNAL',
        `Could not reach the server at ${this.base}: ${reason}`,
        { field: 'server' },
        { cause },
      );
    }
    const text = await response.text();
    const json: unknown = text ? safeParse(text) : undefined;
    if (response.ok) return json as T;
    const error = (json as ErrorBody | undefined)?.error;
    const code = error && error.code in ERROR_CODES ? (error.code as ErrorCode) : 'INTERNAL';
    throw new SamError(code, error?.message ?? `The server answered HTTP ${response.status}: ${text.slice(0, 200)}`, {
      ...(error?.details ?? {}),
      status: response.status,
    });
  }
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
