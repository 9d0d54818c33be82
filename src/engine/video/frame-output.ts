// One frame's tracked objects (grid logits) → results at video resolution: bilinear upsampling, object-wise
// non-overlap (the higher score keeps a contested pixel, checked only where two objects' rectangles meet), tight
// boxes and COCO RLE. Each object costs the rectangle its mask can reach, not the whole frame.
import type { VideoFrameResult, VideoObjectResult } from '../../domain/video.js';
import { decodeCocoRle, encodeRleRegion, toCocoRle } from '../../masks/coco-rle.js';
import { maskToOuterPolygons } from '../../masks/polygons.js';
import { maskBox } from '../../masks/mask-ops.js';
import { upsampleLogitsToRegion, type MaskRegion } from '../../masks/upsample-logits.js';
import { binarize } from '../../model/sam3/grid-mask.js';
import type { TrackOutput } from '../../model/sam3/tracker.js';

export interface FrameOutputInput {
  index: number;
  timeS: number;
  outputs: readonly TrackOutput[];
}

export function renderFrame(
  frame: FrameOutputInput,
  gridSize: number,
  width: number,
  height: number,
): VideoFrameResult {
  const order = [...frame.outputs].sort((a, b) => b.score - a.score || a.id - b.id);
  /** Masks already placed (after their own contested pixels were taken away): they own their pixels. */
  const placed: MaskRegion[] = [];
  const objects: VideoObjectResult[] = [];
  for (const o of order) {
    const region = upsampleLogitsToRegion(
      o.logits,
      gridSize,
      gridSize,
      width,
      height,
      binarize(o.logits, gridSize).box,
    );
    if (!region) continue;
    for (const owner of placed) yieldOverlap(region, owner);
    const tight = maskBox(region);
    if (!tight) continue;
    const box = {
      x0: region.x0 + tight.x0,
      y0: region.y0 + tight.y0,
      x1: region.x0 + tight.x1,
      y1: region.y0 + tight.y1,
    };
    placed.push(region);
    objects.push({ id: o.id, score: o.score, box, rle: toCocoRle(encodeRleRegion(region, width, height)) });
  }
  objects.sort((a, b) => a.id - b.id);
  return { index: frame.index, timeS: frame.timeS, objects };
}

/** The frame with each object's outer polygons added (decoded from its RLE, read only within its box). */
export function withOutlines(frame: VideoFrameResult): VideoFrameResult {
  return {
    ...frame,
    objects: frame.objects.map((o) => {
      const mask = decodeCocoRle(o.rle);
      const bounds = {
        x0: Math.max(0, Math.floor(o.box.x0)),
        y0: Math.max(0, Math.floor(o.box.y0)),
        x1: Math.min(mask.width, Math.ceil(o.box.x1) + 1),
        y1: Math.min(mask.height, Math.ceil(o.box.y1) + 1),
      };
      return { ...o, outerPolygons: maskToOuterPolygons({ ...mask, bounds }).filter((r) => r.length > 0) };
    }),
  };
}

/** Clears the pixels of `region` that `owner` holds, over the two rectangles' intersection only. */
function yieldOverlap(region: MaskRegion, owner: MaskRegion): void {
  const x0 = Math.max(region.x0, owner.x0);
  const x1 = Math.min(region.x0 + region.width, owner.x0 + owner.width);
  const y0 = Math.max(region.y0, owner.y0);
  const y1 = Math.min(region.y0 + region.height, owner.y0 + owner.height);
  if (x0 >= x1 || y0 >= y1) return;
  const mine = region.data;
  const theirs = owner.data;
  for (let y = y0; y < y1; y++) {
    const a = (y - region.y0) * region.width - region.x0;
    const b = (y - owner.y0) * owner.width - owner.x0;
    for (let x = x0; x < x1; x++) if (theirs[b + x]) mine[a + x] = 0;
  }
}
