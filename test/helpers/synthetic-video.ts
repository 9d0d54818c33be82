// Synthetic test videos: colored rectangles moving over a gray background, rendered in JS and encoded with the
// production encoder; returns the ground-truth mask of every shape on every frame.
import { createVideoEncoder } from '../../src/media/video-encoder.js';
import type { BinaryMask } from '../../src/domain/segmentation.js';

export type Rgb = readonly [number, number, number];

export interface MovingShape {
  color: Rgb;
  /** The rectangle on frame `f` (pixels, x1/y1 exclusive), or null when the shape is off screen. */
  at(frame: number): { x0: number; y0: number; x1: number; y1: number } | null;
}

export interface SyntheticVideo {
  path: string;
  width: number;
  height: number;
  fps: number;
  frames: number;
  /** truth[frame][shape]: mask, or null when absent (occluded pixels removed: later shapes are drawn on top). */
  truth: Array<Array<BinaryMask | null>>;
}

export const COLORS = {
  red: [255, 0, 0],
  green: [0, 255, 0],
  blue: [0, 0, 255],
  yellow: [255, 255, 0],
} as const satisfies Record<string, Rgb>;

export async function writeSyntheticVideo(
  path: string,
  spec: {
    width: number;
    height: number;
    fps: number;
    frames: number;
    shapes: MovingShape[];
    crf?: number;
    preset?: string;
    keepTruth?: boolean;
  },
): Promise<SyntheticVideo> {
  const { width, height, fps, frames, shapes } = spec;
  const encoder = await createVideoEncoder({
    path,
    width,
    height,
    fps,
    crf: spec.crf ?? 12,
    ...(spec.preset ? { preset: spec.preset } : {}),
  });
  const truth: SyntheticVideo['truth'] = [];
  for (let f = 0; f < frames; f++) {
    const rgb = new Uint8Array(width * height * 3).fill(128);
    const owner = new Int16Array(width * height).fill(-1);
    shapes.forEach((shape, k) => {
      const r = shape.at(f);
      if (!r) return;
      for (let y = Math.max(0, Math.round(r.y0)); y < Math.min(height, Math.round(r.y1)); y++) {
        for (let x = Math.max(0, Math.round(r.x0)); x < Math.min(width, Math.round(r.x1)); x++) {
          const p = y * width + x;
          rgb.set(shape.color, p * 3);
          owner[p] = k;
        }
      }
    });
    if (spec.keepTruth !== false)
      truth.push(
        shapes.map((_, k) => {
          const data = new Uint8Array(width * height);
          let any = false;
          for (let p = 0; p < data.length; p++) {
            if (owner[p] !== k) continue;
            data[p] = 1;
            any = true;
          }
          return any ? { width, height, data } : null;
        }),
      );
    await encoder.writeFrame(rgb);
  }
  await encoder.finish();
  return { path, width, height, fps, frames, truth };
}

/** A shape moving linearly from `from` to `to` (top-left corners) over frames [start, end], size w×h. */
export function linear(
  color: Rgb,
  w: number,
  h: number,
  from: [number, number],
  to: [number, number],
  start = 0,
  end = Number.POSITIVE_INFINITY,
  total = 30,
): MovingShape {
  return {
    color,
    at(f) {
      if (f < start || f > end) return null;
      const t = Math.min(1, (f - start) / Math.max(1, Math.min(end, total - 1) - start));
      // Even pixel positions: edges then coincide with yuv420p's 2×2 chroma blocks, so colors stay crisp.
      const x = 2 * Math.round((from[0] + (to[0] - from[0]) * t) / 2);
      const y = 2 * Math.round((from[1] + (to[1] - from[1]) * t) / 2);
      return { x0: x, y0: y, x1: x + w, y1: y + h };
    },
  };
}
