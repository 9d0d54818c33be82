// The engine port: what HTTP, the CLI and workers call to segment images. Request/result types in domain terms.
import type { EncodedMask, MaskEncoding } from '../domain/encoded-mask.js';
import type { PixelBox } from '../domain/geometry.js';
import type { ConceptPrompt, EverythingOptions, ObjectPrompt } from '../domain/prompts.js';
import type { ImageInput, RawImage } from '../domain/image.js';
import type { BinaryMask } from '../domain/segmentation.js';
import type { VideoEngine } from './video-engine.js';

export interface SegmentRequest {
  /** Encoded image bytes (PNG, JPEG, WebP, …) or an http(s) URL. Optional when `imageId` names a cached embedding. */
  readonly image?: ImageInput;
  /** Caller-chosen key for the embedding cache; also works without `image` on a cache hit. */
  readonly imageId?: string;
  readonly concepts?: readonly ConceptPrompt[];
  readonly objects?: readonly ObjectPrompt[];
  /** Concept score threshold (default 0.5). */
  readonly threshold?: number;
  /** Cross-concept greedy mask NMS at this IoU; undefined = off. */
  readonly nmsIouThreshold?: number;
  /** Keep at most this many instances per concept (highest scores). */
  readonly maxDetections?: number;
  /** Segment everything too (SAM's automatic masks from a grid of clicks); results in `SegmentResult.everything`. */
  readonly everything?: EverythingOptions;
  /** Return all 3 candidates per object instead of the best. */
  readonly allCandidates?: boolean;
  /** Encode every returned mask in these forms (`Instance.encoded`); none = masks only. */
  readonly maskEncodings?: readonly MaskEncoding[];
  /** Also return the decoded, EXIF-oriented pixels (for overlays), so callers never decode a second time. */
  readonly includeImage?: boolean;
  /**
   * Images and masks over all returned objects — concept instances concept by concept, then each object prompt's best
   * candidate — numbered from 1 in that order (the overlay's colors follow those numbers).
   */
  readonly composites?: CompositeRequest;
  /** Aborts waiting and running work: a timeout reason becomes DEADLINE_EXCEEDED, anything else REQUEST_CANCELLED. */
  readonly signal?: AbortSignal;
}

export type CompositeImageFormat = 'png' | 'jpeg' | 'webp';

export interface CompositeRequest {
  /** The image with every object painted in its own color. */
  readonly overlay?: CompositeImageFormat;
  /** The union of all objects as a black-and-white image. */
  readonly maskImage?: CompositeImageFormat;
  /** The union of all objects, encoded in `maskEncodings`. */
  readonly union?: boolean;
}

export interface Composites {
  overlay?: Uint8Array;
  maskImage?: Uint8Array;
  union?: EncodedMask;
}

export interface Instance {
  readonly mask: BinaryMask;
  readonly box: PixelBox;
  readonly score: number;
  readonly area: number;
  /** The encodings named in `SegmentRequest.maskEncodings`. */
  readonly encoded?: EncodedMask;
}

export interface ConceptResult {
  readonly prompt: ConceptPrompt;
  readonly instances: readonly Instance[];
}

export interface ObjectResult {
  readonly prompt: ObjectPrompt;
  /** Best first; `score` is the predicted IoU. */
  readonly candidates: readonly Instance[];
  /** Object presence probability (σ of the object score logit). */
  readonly objectScore: number;
}

export interface SegmentResult {
  readonly imageId: string;
  readonly width: number;
  readonly height: number;
  readonly concepts: readonly ConceptResult[];
  readonly objects: readonly ObjectResult[];
  /** With `everything`: one instance per automatic mask (score = predicted IoU), best first. */
  readonly everything?: readonly Instance[];
  /** Milliseconds per stage: fetch, decode, resize, preprocess, each graph, postprocess, encode. */
  readonly timings: Record<string, number>;
  /** The decoded image, when `includeImage` was set. */
  readonly image?: RawImage;
  /** What `composites` asked for. */
  readonly composites?: Composites;
}

export interface EmbedRequest {
  readonly image: ImageInput;
  readonly imageId?: string;
  readonly signal?: AbortSignal;
}

export interface EmbedResult {
  readonly imageId: string;
  readonly width: number;
  readonly height: number;
  readonly timings: Record<string, number>;
}

export interface EngineInfo {
  readonly model: {
    name: string;
    label: string;
    dtype: string;
    device: string;
    concepts: boolean;
    objects: boolean;
    graphs: ReadonlyArray<{ role: string; contract: string; file: string }>;
    /** The closed set of concept words the model declares it knows; absent for an open-vocabulary model (SAM 3). */
    vocabulary?: readonly string[];
  };
}

/** Counters for metrics; monotonic except the gauges (running, queued, entries, bytes). */
export interface EngineStats {
  readonly queue: { running: number; queued: number; concurrency: number; maxQueued: number };
  readonly embeddingCache: { hits: number; misses: number; entries: number; bytes: number };
  readonly textCache: { hits: number; misses: number };
  readonly objectDecoderCache: { hits: number; runs: number };
}

export interface SegmentationEngine extends VideoEngine {
  segment(request: SegmentRequest): Promise<SegmentResult>;
  /**
   * The caller is done with `result` (its response is built): the memory of its masks may be reused by later
   * requests, so nothing may read `result`'s masks afterwards. Optional to call; a result never released is simply
   * collected.
   */
  release(result: SegmentResult): void;
  /** Encodes and caches the image for every pipeline the model has; returns the key to reuse. */
  embed(request: EmbedRequest): Promise<EmbedResult>;
  info(): EngineInfo;
  stats(): EngineStats;
  close(): Promise<void>;
}
