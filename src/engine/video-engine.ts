// The engine's video port: track concepts and clicked objects through a video file, frame results to a sink;
// render the overlay video from stored frame results. Request/result types in domain terms.
import type {
  TrackingOptions,
  VideoFrameResult,
  VideoInfo,
  VideoObjectInfo,
  VideoObjectPrompt,
} from '../domain/video.js';

export interface VideoSegmentRequest {
  /** Path of a local video file (`openVideo` turns a URL into one). */
  readonly video: string;
  /** Text concepts; each is detected on every frame and its instances tracked ("person, cloth" = two). */
  readonly concepts: readonly string[];
  /** Clicked objects: points and/or a box on a frame (index in the processed sequence). */
  readonly objects: readonly VideoObjectPrompt[];
  /** Process this many frames per second (subsampling); undefined = every frame. */
  readonly sampleFps?: number;
  readonly maxFrames?: number;
  readonly tracking?: Partial<TrackingOptions>;
  /** Also write the RLE document (docs/video-rle.schema.json) here, frame by frame. */
  readonly documentPath?: string;
  readonly signal?: AbortSignal;
}

export interface VideoProgress {
  framesDone: number;
  frameCount: number;
  /** Processing speed so far, frames per second. */
  fps: number;
}

/** Receives results as processing advances; a slow sink slows decoding (backpressure), never memory growth. */
export interface VideoSink {
  start?(info: VideoInfo, frameCount: number): void | Promise<void>;
  frame(frame: VideoFrameResult): void | Promise<void>;
  progress?(progress: VideoProgress): void;
}

export interface VideoSummary {
  info: VideoInfo;
  /** Frames processed (after subsampling and caps). */
  frameCount: number;
  objects: VideoObjectInfo[];
  /** How existing objects were followed: by the tracker graphs, or by re-detection and association. */
  mode: 'memory-tracker' | 'tracking-by-detection';
  timingsMs: Record<string, number>;
}

export interface OverlayRequest {
  readonly video: string;
  /** The RLE document written by `segmentVideo` (`documentPath`) for this video. */
  readonly document: string;
  /** Where to write the MP4. */
  readonly out: string;
  readonly sampleFps?: number;
  readonly maxFrames?: number;
  readonly signal?: AbortSignal;
}

/** A video as a local file for the duration of a job; `release` removes what `openVideo` downloaded. */
export interface LocalVideo {
  path: string;
  release(): Promise<void>;
}

export interface VideoEngine {
  /** A local path as is, or an http(s) URL fetched (SSRF-guarded, size-limited) to a temporary file. */
  openVideo(source: string | { url: string }, signal?: AbortSignal): Promise<LocalVideo>;
  segmentVideo(request: VideoSegmentRequest, sink: VideoSink): Promise<VideoSummary>;
  /** Second pass: re-decodes the source and paints each frame's masks; memory stays flat. */
  renderVideoOverlay(request: OverlayRequest): Promise<void>;
  /** Interactive sessions; absent where the engine cannot hold one (an API node of a scaled-out deployment). */
  readonly sessions?: VideoSessions;
}

/** An interactive video session as the API shows it. */
export interface VideoSessionInfo {
  id: string;
  info: VideoInfo;
  frameCount: number;
  /** Objects that have a mask on some stored frame, or a prompt. */
  objects: VideoObjectInfo[];
  /** Concepts (text prompts) tracked on every frame a propagation visits. */
  concepts: string[];
  /** Bytes the session holds in memory (stored results, tracker memory while propagating). */
  memoryBytes: number;
  memoryBudgetBytes: number;
  /** Idle sessions are closed this long after their last use. */
  expiresAt: string;
}

/** One prompt on one frame: a text concept, or clicks and/or a box for one object (new, or `objId` to refine). */
export interface SessionPrompt {
  frameIndex: number;
  text?: string;
  points?: VideoObjectPrompt['points'];
  box?: VideoObjectPrompt['box'];
  objId?: number;
  label?: string;
  /** The points replace the object's earlier points on this frame instead of adding to them (a client that resends
   * every click, as SAM's `clear_old_points`). */
  replacePoints?: boolean;
  /** Also give each object of the returned frame its outer polygons (`outerPolygons`). */
  outlines?: boolean;
}

/** What a session is opened on: a video by URL or bytes, or a sequence of images (one frame each). */
export type SessionSource =
  { url: string } | { bytes: Uint8Array } | { frames: ReadonlyArray<Uint8Array | { base64: string }> };

export interface PropagateRequest {
  direction: 'forward' | 'backward' | 'both';
  /** Default: the earliest prompted frame (forward, both) or the latest (backward). */
  startFrame?: number;
  /** Frames to visit per direction, the start frame included. */
  maxFrames?: number;
  /** Also give each object of every sent frame its outer polygons (`outerPolygons`). */
  outlines?: boolean;
  signal?: AbortSignal;
}

export interface PropagateEvents {
  frame(result: VideoFrameResult): void | Promise<void>;
  /** Objects removed by the hotstart rule during this pass (their masks on sent frames no longer count). */
  removed?(objIds: number[]): void | Promise<void>;
}

export interface VideoSessions {
  /** Fetches or stores the video, probes it and decodes it once (frames at model resolution on local disk). */
  create(video: SessionSource, signal?: AbortSignal): Promise<VideoSessionInfo>;
  get(id: string): VideoSessionInfo;
  /** Applies a prompt and returns that frame's result. */
  prompt(id: string, prompt: SessionPrompt, signal?: AbortSignal): Promise<{ frame: VideoFrameResult; objId?: number }>;
  propagate(
    id: string,
    request: PropagateRequest,
    events: PropagateEvents,
  ): Promise<{ framesDone: number; mode: VideoSummary['mode'] }>;
  removeObject(id: string, objId: number): VideoSessionInfo;
  /** Forgets every prompt, concept, object and stored result; the frames stay (SAM's reset_session). */
  reset(id: string): VideoSessionInfo;
  close(id: string): Promise<void>;
  closeAll(): Promise<void>;
}
