// LocalEngine: media → model → masks in this process. Decodes and encodes each image once per request, caches
// embeddings by content hash and image_id, validates prompts, and bounds concurrent inference.
import { createHash } from 'node:crypto';
import { SamError } from '../domain/errors.js';
import type { MaskEncoding } from '../domain/encoded-mask.js';
import type { ImageInput, ImageSize, RawImage } from '../domain/image.js';
import { StageTimings } from '../domain/stage-timings.js';
import { decodeImage, DEFAULT_IMAGE_LIMITS, type ImageLimits } from '../media/image-decode.js';
import { ResizePool } from '../media/resize-pool.js';
import { DEFAULT_URL_POLICY, decodeBase64Image, fetchImageUrl, type UrlFetchPolicy } from '../media/image-source.js';
import { maskArea, maskBox, maskNms } from '../masks/mask-ops.js';
import { EmbeddingCache } from '../model/embedding-cache.js';
import { PIXEL_NORMALIZATION } from '../model/sam3/preprocess.js';
import { recycleFrames } from '../masks/frame-pool.js';
import { Sam3Model, type ImageEmbedding } from '../model/sam3/sam3-model.js';
import type { BundleOptions } from '../model/sam3/model-bundle.js';
import type {
  ConceptResult,
  EmbedRequest,
  EmbedResult,
  EngineInfo,
  EngineStats,
  Instance,
  ObjectResult,
  SegmentRequest,
  SegmentResult,
  SegmentationEngine,
} from './engine.js';
import { InferenceQueue, throwIfAborted } from './inference-queue.js';
import { encodeMask, renderComposites } from './output-format.js';
import { validatePromptsInImage, validateSegmentRequest } from './validate-request.js';
import type { TrackingOptions, VideoLimits } from '../domain/video.js';
import type { LocalVideo, OverlayRequest, VideoSegmentRequest, VideoSink, VideoSummary } from './video-engine.js';
import { renderOverlay } from './video/render-overlay.js';
import { trackVideo } from './video/track-video.js';
import { DEFAULT_SESSION_LIMITS, LocalVideoSessions, type SessionLimits } from './video/video-session-store.js';
import { fetchVideoToFile } from '../media/video-source.js';

export interface LocalEngineOptions extends BundleOptions {
  modelDir: string;
  imageLimits?: ImageLimits;
  urlPolicy?: UrlFetchPolicy;
  /** Most prompts (concepts + objects) one request may carry. */
  maxPrompts?: number;
  embeddingCacheBytes?: number;
  /** Called with each request's stage timings (ms), for metrics. */
  onTimings?: (timingsMs: Record<string, number>) => void;
  concurrency?: number;
  maxQueued?: number;
  videoLimits?: VideoLimits;
  /** Largest video fetched from a URL. */
  maxVideoBytes?: number;
  sessionLimits?: SessionLimits;
  /** Worker threads for the model-input resize (default: up to 4 on machines with 4 cores or more, else inline). */
  resizeThreads?: number;
  /** Video tracking settings besides the official defaults, for every video request and session. */
  videoTracking?: Partial<TrackingOptions>;
}

export const DEFAULT_VIDEO_LIMITS: VideoLimits = { maxDurationS: 900, maxSidePx: 4096, maxFrames: 30_000 };

interface CachedEmbedding {
  size: ImageSize;
  embedding: ImageEmbedding;
}

type Kind = 'concepts' | 'objects';

/** The image made ready for the graphs outside the inference slot: its cache key, pixels and per-resolution inputs
 * (model input planes, normalised; given back to the resizer once encoded). */
interface Prepared {
  key: string;
  decoded: RawImage | undefined;
  inputs: Map<number, Float32Array>;
}

export class LocalEngine implements SegmentationEngine {
  private readonly cache: EmbeddingCache<CachedEmbedding>;
  private readonly queue: InferenceQueue;
  /** Decodes and resizes run here, beside the inference slots: bounded so a flood of uploads cannot exhaust memory. */
  private readonly decoders: InferenceQueue;
  private readonly limits: ImageLimits;
  private readonly urlPolicy: UrlFetchPolicy;
  /** The model-input resize, on worker threads where the machine has cores to spare. */
  private readonly resizer: ResizePool;
  private readonly maxPrompts: number;
  private readonly onTimings: ((timingsMs: Record<string, number>) => void) | undefined;
  private readonly videoLimits: VideoLimits;
  private readonly maxVideoBytes: number;
  private readonly videoTracking: Partial<TrackingOptions>;
  readonly sessions: LocalVideoSessions;

  private constructor(
    readonly model: Sam3Model,
    options: LocalEngineOptions,
  ) {
    this.cache = new EmbeddingCache(options.embeddingCacheBytes ?? 2 * 1024 ** 3);
    this.queue = new InferenceQueue(options.concurrency ?? 1, options.maxQueued ?? 32);
    this.decoders = new InferenceQueue(Math.max(2, options.concurrency ?? 1), Math.max(8, options.maxQueued ?? 32));
    this.limits = options.imageLimits ?? DEFAULT_IMAGE_LIMITS;
    this.urlPolicy = options.urlPolicy ?? DEFAULT_URL_POLICY;
    this.resizer = new ResizePool(options.resizeThreads);
    this.maxPrompts = options.maxPrompts ?? 64;
    this.onTimings = options.onTimings;
    this.videoLimits = options.videoLimits ?? DEFAULT_VIDEO_LIMITS;
    this.maxVideoBytes = options.maxVideoBytes ?? 200 * 1024 * 1024;
    this.sessions = new LocalVideoSessions(
      model,
      this.queue,
      this.videoLimits,
      { urlPolicy: this.urlPolicy, maxVideoBytes: this.maxVideoBytes, imageLimits: this.limits },
      options.sessionLimits ?? DEFAULT_SESSION_LIMITS,
      options.videoTracking,
    );
    this.videoTracking = options.videoTracking ?? {};
  }

  static async create(options: LocalEngineOptions): Promise<LocalEngine> {
    return new LocalEngine(await Sam3Model.load(options.modelDir, options), options);
  }

  info(): EngineInfo {
    const m = this.model.info;
    return {
      model: {
        name: m.name,
        label: m.label,
        dtype: m.dtype,
        device: m.device,
        concepts: m.concepts !== null,
        objects: m.objects !== null,
        graphs: m.graphs,
        ...(m.vocabulary ? { vocabulary: m.vocabulary } : {}),
      },
    };
  }

  stats(): EngineStats {
    const cache = this.cache.stats();
    const c = this.model.counters;
    return {
      queue: { ...this.queue.depth, concurrency: this.queue.concurrency, maxQueued: this.queue.maxQueued },
      embeddingCache: { hits: cache.hits, misses: cache.misses, entries: cache.entries, bytes: cache.bytes },
      textCache: this.model.textCacheStats,
      objectDecoderCache: { hits: c.objectDecoderCacheHits, runs: c.objectDecoderRuns },
    };
  }

  async segment(request: SegmentRequest): Promise<SegmentResult> {
    validateSegmentRequest(request, this.maxPrompts);
    const timings = new StageTimings();
    const kinds: Kind[] = [];
    if (request.concepts?.length) kinds.push('concepts');
    if (request.objects?.length || request.everything) kinds.push('objects');
    const bytes = await this.imageBytes(request.image, request.imageId, kinds, timings, request.signal);
    const prepared = await this.prepare(bytes, request.imageId, kinds, timings, request.signal);
    const result = await this.queue.run(async () => {
      const { key, embeddings, size, decoded } = await this.embeddings(
        prepared,
        bytes,
        request.imageId,
        kinds,
        timings,
        request.signal,
      );
      validatePromptsInImage(request, size);
      const concepts: ConceptResult[] = [];
      for (const prompt of request.concepts ?? []) {
        throwIfAborted(request.signal, 'decoding concepts');
        const threshold = prompt.threshold ?? request.threshold ?? 0.5;
        const found = await this.model.segmentConcept(
          embeddings.concepts!,
          prompt,
          size,
          threshold,
          request.maxDetections,
          timings,
        );
        concepts.push({ prompt, instances: found.map((f) => instance(f.mask, f.score, f.box)) });
      }
      const objects: ObjectResult[] = [];
      for (const prompt of request.objects ?? []) {
        throwIfAborted(request.signal, 'decoding objects');
        const out = await this.model.segmentObject(
          embeddings.objects!,
          key,
          prompt,
          size,
          request.allCandidates ?? false,
          timings,
        );
        objects.push({
          prompt,
          candidates: out.candidates.map((c) => instance(c.mask, c.iou)),
          objectScore: out.objectScore,
        });
      }
      const filtered =
        request.nmsIouThreshold === undefined
          ? concepts
          : await timings.time('nms', () => crossConceptNms(concepts, request.nmsIouThreshold!));
      const everything = request.everything
        ? (
            await this.model.segmentEverything(embeddings.objects!, size, request.everything, timings, request.signal)
          ).map((m) => instance(m.mask, m.predictedIou))
        : undefined;
      return { key, size, decoded, concepts: filtered, objects, everything };
    }, request.signal);
    // Mask encoding runs outside the inference slot, so the next request's graphs can start meanwhile.
    const encodings = new Set(request.maskEncodings ?? []);
    const concepts = encodings.size
      ? await timings.time('encode_masks', () =>
          Promise.all(
            result.concepts.map(async (c) => ({
              prompt: c.prompt,
              instances: await encodeAll(c.instances, encodings),
            })),
          ),
        )
      : result.concepts;
    const objects = encodings.size
      ? await timings.time('encode_masks', () =>
          Promise.all(
            result.objects.map(async (o) => ({ ...o, candidates: await encodeAll(o.candidates, encodings) })),
          ),
        )
      : result.objects;
    const everything =
      result.everything && encodings.size
        ? await timings.time('encode_masks', () => encodeAll(result.everything!, encodings))
        : result.everything;
    // A cache hit skips decoding; decode then only if the caller wants the pixels.
    const wantsPixels = request.includeImage === true || request.composites?.overlay !== undefined;
    const image = wantsPixels
      ? (result.decoded ?? (bytes ? await timings.time('decode', () => this.decode(bytes, request.signal)) : undefined))
      : undefined;
    const { size } = result;
    const composites = request.composites
      ? await timings.time('composites', () =>
          renderComposites(
            request.composites!,
            concepts,
            // Automatic masks are drawn after the objects, one colour each.
            [...objects, ...(everything ?? []).map((i) => ({ prompt: {}, candidates: [i], objectScore: 1 }))],
            size,
            image,
            encodings,
          ),
        )
      : undefined;
    this.onTimings?.(timings.toJSON());
    return {
      imageId: request.imageId ?? result.key,
      width: size.width,
      height: size.height,
      concepts,
      objects,
      ...(everything ? { everything } : {}),
      timings: timings.toJSON(),
      ...(image && request.includeImage ? { image } : {}),
      ...(composites ? { composites } : {}),
    };
  }

  async openVideo(source: string | { url: string }, signal?: AbortSignal): Promise<LocalVideo> {
    if (typeof source === 'string') return { path: source, release: async () => undefined };
    return fetchVideoToFile(source.url, this.urlPolicy, this.maxVideoBytes, signal);
  }

  segmentVideo(request: VideoSegmentRequest, sink: VideoSink): Promise<VideoSummary> {
    return trackVideo(
      { model: this.model, queue: this.queue, limits: this.videoLimits, tracking: this.videoTracking },
      request,
      sink,
    );
  }

  renderVideoOverlay(request: OverlayRequest): Promise<void> {
    return renderOverlay(request);
  }

  release(result: SegmentResult): void {
    const instances = [
      ...result.concepts.flatMap((c) => c.instances),
      ...result.objects.flatMap((o) => o.candidates),
      ...(result.everything ?? []),
    ];
    recycleFrames(instances.map((i) => i.mask));
  }

  async embed(request: EmbedRequest): Promise<EmbedResult> {
    const timings = new StageTimings();
    const kinds: Kind[] = [];
    if (this.model.info.concepts) kinds.push('concepts');
    if (this.model.info.objects) kinds.push('objects');
    const bytes = await this.imageBytes(request.image, undefined, kinds, timings, request.signal);
    const prepared = await this.prepare(bytes, request.imageId, kinds, timings, request.signal);
    return this.queue.run(async () => {
      const { key, size } = await this.embeddings(prepared, bytes, request.imageId, kinds, timings, request.signal);
      this.onTimings?.(timings.toJSON());
      return { imageId: request.imageId ?? key, width: size.width, height: size.height, timings: timings.toJSON() };
    }, request.signal);
  }

  /** The image's bytes: given, or fetched from its URL — unless `imageId` already names cached embeddings for every pipeline. */
  private async imageBytes(
    image: ImageInput | undefined,
    imageId: string | undefined,
    kinds: Kind[],
    timings: StageTimings,
    signal: AbortSignal | undefined,
  ): Promise<Uint8Array | undefined> {
    if (image === undefined || image instanceof Uint8Array) return image;
    if ('base64' in image)
      return timings.time('decode_base64', () => decodeBase64Image(image.base64, 'image', this.limits.maxImageBytes));
    if (imageId !== undefined && kinds.every((k) => this.cache.has(`${k}:${imageId}`))) return undefined;
    return timings.time('fetch', () =>
      fetchImageUrl(image.url, { ...this.urlPolicy, maxBytes: this.limits.maxImageBytes }, signal, image.headers),
    );
  }

  /** Decodes in a slot of the decode limiter (never the inference slot), within the request's deadline. */
  private decode(bytes: Uint8Array, signal: AbortSignal | undefined): Promise<RawImage> {
    return this.decoders.run(() => decodeImage(bytes, this.limits, 'image', signal), signal);
  }

  /**
   * Outside the inference slot: decodes the image and resizes it for every pipeline whose embedding is not cached,
   * so a slow or hostile decode never holds the graphs, and the deadline applies to it.
   */
  private async prepare(
    bytes: Uint8Array | undefined,
    imageId: string | undefined,
    kinds: Kind[],
    timings: StageTimings,
    signal: AbortSignal | undefined,
  ): Promise<Prepared> {
    const key = bytes ? createHash('sha256').update(bytes).digest('hex').slice(0, 32) : imageId!;
    const inputs = new Map<number, Float32Array>();
    const misses = kinds.filter((kind) => !this.cache.has(`${kind}:${key}`));
    if (misses.length === 0 || !bytes) return { key, decoded: undefined, inputs };
    const decoded = await timings.time('decode', () => this.decode(bytes, signal));
    for (const kind of misses) {
      const resolution = this.resolution(kind);
      if (inputs.has(resolution)) continue;
      inputs.set(
        resolution,
        await timings.time('resize', () =>
          this.decoders.run(() => this.resizer.planes(decoded, resolution, resolution, PIXEL_NORMALIZATION), signal),
        ),
      );
    }
    return { key, decoded, inputs };
  }

  private resolution(kind: Kind): number {
    return (kind === 'concepts' ? this.model.info.concepts : this.model.info.objects)!.resolution;
  }

  /** Returns the embedding of every needed pipeline, encoding only misses from the prepared model inputs. */
  private async embeddings(
    prepared: Prepared,
    bytes: Uint8Array | undefined,
    imageId: string | undefined,
    kinds: Kind[],
    timings: StageTimings,
    signal: AbortSignal | undefined,
  ): Promise<{
    key: string;
    size: ImageSize;
    embeddings: Partial<Record<Kind, ImageEmbedding>>;
    decoded: RawImage | undefined;
  }> {
    const { key } = prepared;
    const embeddings: Partial<Record<Kind, ImageEmbedding>> = {};
    let size: ImageSize | undefined;
    let decoded = prepared.decoded;
    try {
      for (const kind of kinds) {
        throwIfAborted(signal, 'encoding the image');
        const cacheKey = `${kind}:${key}`;
        const hit = this.cache.get(cacheKey);
        if (hit) {
          embeddings[kind] = hit.embedding;
          size = hit.size;
          if (imageId) this.cache.alias(`${kind}:${imageId}`, cacheKey);
          continue;
        }
        if (!bytes) {
          throw new SamError(
            'INVALID_ARGUMENT',
            `Expected image bytes for image because image_id ${JSON.stringify(imageId)} is not in the embedding cache (never embedded, or evicted)`,
            { field: 'image' },
          );
        }
        const resolution = this.resolution(kind);
        let input = prepared.inputs.get(resolution);
        if (!input) {
          // Evicted between `prepare` and this slot (another request filled the cache meanwhile): decode here.
          decoded ??= await timings.time('decode', () => decodeImage(bytes, this.limits, 'image', signal));
          const source = decoded;
          input = await timings.time('resize', () =>
            this.resizer.planes(source, resolution, resolution, PIXEL_NORMALIZATION),
          );
          prepared.inputs.set(resolution, input);
        }
        size = { width: decoded!.width, height: decoded!.height };
        const embedding = await this.model.encodeImage(kind, input, timings);
        this.cache.set(cacheKey, { size, embedding }, embedding.bytes);
        if (imageId) this.cache.alias(`${kind}:${imageId}`, cacheKey);
        embeddings[kind] = embedding;
      }
    } finally {
      // Encoded (or failed): the graphs no longer read the model inputs, so the next image reuses their buffers.
      for (const input of prepared.inputs.values()) this.resizer.release(input);
      prepared.inputs.clear();
    }
    // Requests always name at least one pipeline (validated) and every model has one, so the loop set `size`.
    if (!size) throw new SamError('INTERNAL', 'No pipeline was selected for this request');
    return { key, size, embeddings, decoded };
  }

  async close(): Promise<void> {
    await this.sessions.closeAll();
    await this.model.close();
    await this.resizer.close();
  }
}

/** Concepts keep the model's box (pred_boxes in pixels); objects have none, so their mask's tight box is used. */
function instance(mask: Instance['mask'], score: number, modelBox?: Instance['box']): Instance {
  const box = modelBox ?? maskBox(mask) ?? { x0: 0, y0: 0, x1: 0, y1: 0 };
  return { mask, box, score, area: maskArea(mask) };
}

async function encodeAll(instances: readonly Instance[], encodings: ReadonlySet<MaskEncoding>): Promise<Instance[]> {
  return Promise.all(instances.map(async (i) => ({ ...i, encoded: await encodeMask(i.mask, encodings) })));
}

/** Greedy mask NMS over the instances of all concepts (highest score wins), regrouped per concept. */
function crossConceptNms(concepts: ConceptResult[], iouThreshold: number): ConceptResult[] {
  const flat = concepts.flatMap((c, ci) =>
    c.instances.map((inst) => ({ ci, inst, mask: inst.mask, score: inst.score })),
  );
  const keep = new Set(maskNms(flat, iouThreshold));
  return concepts.map((c, ci) => ({
    prompt: c.prompt,
    instances: flat.filter((f, i) => f.ci === ci && keep.has(i)).map((f) => f.inst),
  }));
}
