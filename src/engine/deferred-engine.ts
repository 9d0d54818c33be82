// DeferredEngine: the engine port while the model loads. Calls before the load finishes — or after it failed, e.g.
// because no weights are installed — fail with MODEL_NOT_READY (503) saying why, so a server can listen, answer
// /healthz and the docs, and report /readyz honestly.
import { SamError, toSamError } from '../domain/errors.js';
import type {
  LocalVideo,
  VideoSessions,
  OverlayRequest,
  VideoSegmentRequest,
  VideoSink,
  VideoSummary,
} from './video-engine.js';
import type {
  EmbedRequest,
  EmbedResult,
  EngineInfo,
  EngineStats,
  SegmentRequest,
  SegmentResult,
  SegmentationEngine,
} from './engine.js';

export type Readiness = { state: 'loading' } | { state: 'ready' } | { state: 'failed'; error: SamError };

export class DeferredEngine implements SegmentationEngine {
  private engine: SegmentationEngine | undefined;
  private failure: SamError | undefined;
  readonly loaded: Promise<SegmentationEngine>;

  constructor(loading: Promise<SegmentationEngine>) {
    this.loaded = loading.then(
      (engine) => (this.engine = engine),
      (error: unknown) => {
        this.failure = toSamError(error, 'MODEL_LOAD_FAILED');
        throw this.failure;
      },
    );
    // The failure is reported through readiness() and every call; nobody has to await `loaded`.
    this.loaded.catch(() => undefined);
  }

  readiness(): Readiness {
    if (this.engine) return { state: 'ready' };
    if (this.failure) return { state: 'failed', error: this.failure };
    return { state: 'loading' };
  }

  private current(): SegmentationEngine {
    if (this.engine) return this.engine;
    if (this.failure)
      throw new SamError(
        'MODEL_UNAVAILABLE',
        `No model is loaded: ${this.failure.message}`,
        { ...this.failure.details, cause_code: this.failure.code },
        { cause: this.failure },
      );
    throw new SamError('MODEL_NOT_READY', 'The model is still loading; retry in a few seconds', {});
  }

  segment(request: SegmentRequest): Promise<SegmentResult> {
    return Promise.resolve().then(() => this.current().segment(request));
  }

  release(result: SegmentResult): void {
    this.engine?.release(result);
  }

  embed(request: EmbedRequest): Promise<EmbedResult> {
    return Promise.resolve().then(() => this.current().embed(request));
  }

  openVideo(source: string | { url: string }, signal?: AbortSignal): Promise<LocalVideo> {
    return Promise.resolve().then(() => this.current().openVideo(source, signal));
  }

  segmentVideo(request: VideoSegmentRequest, sink: VideoSink): Promise<VideoSummary> {
    return Promise.resolve().then(() => this.current().segmentVideo(request, sink));
  }

  /** Sessions of the loaded engine; before it loads, every call answers as `current()` does (MODEL_NOT_READY). */
  readonly sessions: VideoSessions = ((): VideoSessions => {
    const inner = (): VideoSessions => {
      const found = this.current().sessions;
      if (!found) throw new SamError('VIDEO_UNAVAILABLE', 'This engine holds no interactive video sessions', {});
      return found;
    };
    return {
      create: (video, signal) => Promise.resolve().then(() => inner().create(video, signal)),
      get: (id) => inner().get(id),
      prompt: (id, prompt, signal) => Promise.resolve().then(() => inner().prompt(id, prompt, signal)),
      propagate: (id, request, events) => Promise.resolve().then(() => inner().propagate(id, request, events)),
      removeObject: (id, objId) => inner().removeObject(id, objId),
      reset: (id) => inner().reset(id),
      close: (id) => Promise.resolve().then(() => inner().close(id)),
      closeAll: async () => this.engine?.sessions?.closeAll(),
    };
  })();

  renderVideoOverlay(request: OverlayRequest): Promise<void> {
    return Promise.resolve().then(() => this.current().renderVideoOverlay(request));
  }

  info(): EngineInfo {
    return this.current().info();
  }

  stats(): EngineStats {
    if (this.engine) return this.engine.stats();
    return {
      queue: { running: 0, queued: 0, concurrency: 0, maxQueued: 0 },
      embeddingCache: { hits: 0, misses: 0, entries: 0, bytes: 0 },
      textCache: { hits: 0, misses: 0 },
      objectDecoderCache: { hits: 0, runs: 0 },
    };
  }

  async close(): Promise<void> {
    const engine = await this.loaded.catch(() => undefined);
    await engine?.close();
  }
}
