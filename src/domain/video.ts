// Video terms shared by media, engine, jobs and every surface: metadata, prompts with frame indices, and the
// per-frame RLE results (the `docs/video-rle.schema.json` document). Plain data.
import type { CocoRle, Ring } from './encoded-mask.js';
import type { PixelBox } from './geometry.js';
import type { ClickPoint } from './prompts.js';

/** What ffprobe says of the first video stream, with the rotation already applied to width/height. */
export interface VideoInfo {
  width: number;
  height: number;
  /** Average frame rate (frames per second). */
  fps: number;
  /** Frames in the stream: exact when the container says so, else estimated from duration × fps. */
  frameCount: number;
  frameCountExact: boolean;
  durationS: number;
  /** Clockwise degrees from the display matrix; ffmpeg applies it when decoding. */
  rotation: number;
  codec: string;
}

/** Configurable bounds checked from the metadata before any frame is decoded. */
export interface VideoLimits {
  maxDurationS: number;
  /** Longest side in pixels after rotation. */
  maxSidePx: number;
  /** Frames that will be processed (after fps subsampling and max_frames). */
  maxFrames: number;
}

/** One object prompted on one frame: clicks and/or a box in source pixels; `objId` refines or names the object. */
export interface VideoObjectPrompt {
  frameIndex: number;
  objId?: number;
  points?: ClickPoint[];
  box?: PixelBox;
  label?: string;
}

export interface VideoObjectResult {
  id: number;
  score: number;
  box: PixelBox;
  rle: CocoRle;
  /** Outer boundaries (no holes), when asked for (`outlines`). */
  outerPolygons?: Ring[];
}

/** One processed frame: its index in the processed sequence, its source timestamp and the objects on it. */
export interface VideoFrameResult {
  index: number;
  timeS: number;
  objects: VideoObjectResult[];
}

export interface VideoObjectInfo {
  id: number;
  /** The concept text, or the prompt's label for clicked objects. */
  label: string;
  firstFrame: number;
}

/** Head of the RLE document; frames follow one by one. */
export interface VideoRleHeader {
  video: { width: number; height: number; fps: number; frame_count: number };
  size: [number, number];
}

/** Tracking thresholds and heuristics (Meta's sam3 video predictor); defaults are the official ones. */
export interface TrackingOptions {
  /** Detections must score above this to be kept (official 0.5). */
  detectionThreshold: number;
  /** A new object needs at least this detection score (official 0.7). */
  newObjectThreshold: number;
  /** Frames held back so hotstart removals apply to them (official 15; 0 = streaming). */
  outputDelayFrames: number;
  /**
   * Holes and specks of a tracked mask up to this many cells of a 288² grid are filled or removed before output and
   * memory (official fill_hole_area 16, as Meta's and transformers' SAM 3 video models do; 0 = none, as transformers'
   * tracker-only Sam3TrackerVideoModel).
   */
  fillHoleAreaPx: number;
}

export const DEFAULT_TRACKING: TrackingOptions = {
  detectionThreshold: 0.5,
  newObjectThreshold: 0.7,
  outputDelayFrames: 15,
  fillHoleAreaPx: 16,
};
