// The engine port: what HTTP, the CLI and workers call to segment images. Request/result types in domain terms.
import type { PixelBox } from '../domain/geometry.js';
import type { ConceptPrompt, ObjectPrompt } from '../domain/prompts.js';
import type { RawImage } from '../domain/image.js';
import type { BinaryMask } from '../domain/segmentation.js';

export interface SegmentRequest {
  /** Encoded image bytes (PNG, JPEG, WebP, …). Optional when `imageId` names a cached embedding. */
  readonly image?: Uint8Array;
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
  /** Return all 3 candidates per object instead of the best. */
  readonly allCandidates?: boolean;
  /** Also return the decoded, EXIF-oriented pixels (for overlays), so callers never decode a second time. */
  readonly includeImage?: boolean;
  readonly signal?: AbortSignal;
}

export interface Instance {
  readonly mask: BinaryMask;
  readonly box: PixelBox;
  readonly score: number;
  readonly area: number;
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
  /** Milliseconds per stage: decode, resize, preprocess, each graph, postprocess. */
  readonly timings: Record<string, number>;
  /** The decoded image, when `includeImage` was set. */
  readonly image?: RawImage;
}

export interface EmbedResult {
  readonly imageId: string;
  readonly width: number;
  readonly height: number;
  readonly timings: Record<string, number>;
}

export interface EngineInfo {
  readonly model: { name: string; label: string; dtype: string; device: string; concepts: boolean; objects: boolean; graphs: ReadonlyArray<{ role: string; contract: string; file: string }> };
}

export interface SegmentationEngine {
  segment(request: SegmentRequest): Promise<SegmentResult>;
  /** Encodes and caches the image for every pipeline the model has; returns the key to reuse. */
  embed(request: { image: Uint8Array; imageId?: string }): Promise<EmbedResult>;
  info(): EngineInfo;
  close(): Promise<void>;
}
