// Job records of the async API: ids, states, the stored error, and the inputs/results of image jobs. Plain data.
import { SamError, type ErrorCode, type ErrorKind } from './errors.js';
import type { PixelBox } from './geometry.js';
import type { ConceptPrompt, ObjectPrompt } from './prompts.js';
import type { VideoObjectInfo, VideoObjectPrompt } from './video.js';

export type JobKind = 'image' | 'video';
export const JOB_KINDS: readonly JobKind[] = ['image', 'video'];

/** created = accepted and waiting; processing = running (or about to re-run after a crash); the rest are final. */
export type JobStatus = 'created' | 'processing' | 'completed' | 'failed' | 'cancelled';
export const FINAL_JOB_STATUSES: ReadonlySet<JobStatus> = new Set(['completed', 'failed', 'cancelled']);

/** What a failed job keeps of its error: enough for every surface to render it. */
export interface JobError {
  code: ErrorCode;
  kind: ErrorKind;
  message: string;
}

/** A media input as stored in a job: a URL fetched when the job runs, or a key in the file store. */
export type MediaRef = { url: string } | { file: string };

/** A file a job wrote: key in the file store, its media type and size. */
export interface StoredFile {
  key: string;
  contentType: string;
  bytes: number;
}

/** Outputs an image job renders; each is optional. */
export interface ImageJobOutputs {
  /** The image with every object painted in its color, in this format. */
  overlay?: 'png' | 'jpeg' | 'webp';
  /** Black-and-white image of the union of all objects, in this format. */
  maskImage?: 'png' | 'jpeg' | 'webp';
  /** Per-object RLE and the union's, in this string form. */
  rle?: 'coco' | 'start_length';
}

export interface ImageJobInput {
  image: MediaRef;
  concepts: ConceptPrompt[];
  objects: ObjectPrompt[];
  /** Label of each object prompt, in order (concepts are labelled by their text). */
  objectLabels?: string[];
  outputs: ImageJobOutputs;
}

export interface ImageJobObject {
  /** 1-based, in result order: concept instances (concept by concept), then objects. */
  id: number;
  label: string;
  score: number;
  box: PixelBox;
  area: number;
  /** In the input's `outputs.rle` form. */
  rle?: string;
}

export interface ImageJobResult {
  width: number;
  height: number;
  objects: ImageJobObject[];
  /** RLE of the union of all objects, when RLE was asked for. */
  unionRle?: string;
  rleFormat?: 'coco' | 'start_length';
  files: { overlay?: StoredFile; maskImage?: StoredFile };
  timingsMs: Record<string, number>;
}

/** A dataset labelling job (runs in the image lane): every image segmented with the concepts, one COCO file out. */
export interface DatasetJobInput {
  type: 'dataset';
  images: Array<{ ref: MediaRef; name: string }>;
  concepts: string[];
  threshold?: number;
}

export interface DatasetJobResult {
  type: 'dataset';
  images: number;
  labelled: number;
  instances: number;
  /** Images that could not be read or decoded (the job goes on without them). */
  failed: Array<{ index: number; name: string; code: string; message: string }>;
  files: { coco: StoredFile };
  timingsMs: Record<string, number>;
}

/** Most images in one dataset job. */
export const MAX_DATASET_IMAGES = 1000;

export interface VideoJobInput {
  video: MediaRef;
  /** Text concepts, each tracked ("person, cloth" = two). */
  concepts: string[];
  objects: VideoObjectPrompt[];
  outputs: { overlay: boolean };
  sampleFps?: number;
  maxFrames?: number;
  /** 0 = streaming (no hotstart hold-back); default 15. */
  outputDelayFrames?: number;
}

export interface VideoJobResult {
  video: { width: number; height: number; fps: number; durationS: number };
  frameCount: number;
  objects: VideoObjectInfo[];
  mode: 'memory-tracker' | 'tracking-by-detection';
  files: { rle: StoredFile; overlay?: StoredFile };
  timingsMs: Record<string, number>;
}

export interface JobWebhook {
  url: string;
  /** Which API surface renders the delivered body (e.g. "wavespeed"). */
  surface: string;
  state: 'pending' | 'delivered' | 'failed';
  attempts: number;
  lastError: string;
}

export interface JobRecord {
  id: string;
  kind: JobKind;
  /** The model name the caller asked for, as that surface spells it (e.g. "wavespeed-ai/sam3-image"). */
  model: string;
  input: unknown;
  status: JobStatus;
  /** 0..1 where known. */
  progress: number | null;
  result: unknown;
  error: JobError | null;
  attempts: number;
  createdAtMs: number;
  startedAtMs: number | null;
  finishedAtMs: number | null;
  /** Milliseconds the processor ran, for the finished attempt. */
  inferenceMs: number | null;
  /** Base URL of the submitting request, for links rendered when no request is at hand (webhooks). */
  baseUrl: string | null;
  webhook: JobWebhook | null;
  /** Records and their files are deleted after this time. */
  expiresAtMs: number;
}

/** The one message for an unknown or expired job id; WaveSpeed calls jobs "predictions". */
export function jobNotFound(id: string, noun: 'job' | 'prediction' = 'job'): SamError {
  return new SamError('JOB_NOT_FOUND', `No ${noun} ${id} exists (never created, or expired)`, {
    field: 'id',
    received: id,
  });
}
