// One frame's tracked objects (grid logits) → results at video resolution: bilinear upsampling, object-wise
// non-overlap (the higher score keeps a contested pixel), tight boxes and COCO RLE. Each object costs the
// rectangle its mask can reach, not the whole frame.
import type { VideoFrameResult, VideoObjectResult } from '../../domain/video.js';
import { encodeRleRegion, toCocoRle } from '../../masks/coco-rle.js';
import { upsampleLogitsToRegion } from '../../masks/upsample-logits.js';
import { binarize } from '../../model/sam3/grid-mask.js';
import type { TrackOutput } from '../../model/sam3/tracker.js';

export interface FrameOutputInput {
  index: number;
  timeS: number;
  outputs: readonly TrackOutput[];
}

export function renderFrame(frame: FrameOutputInput, gridSize: number, width: number, height: number): VideoFrameResult {
  const order = [...frame.outputs].sort((a, b) => b.score - a.score || a.id - b.id);
  const claimed = order.length > 1 ? new Uint8Array(width * height) : undefined;
  const objects: VideoObjectResult[] = [];
  for (const o of order) {
    const region = upsampleLogitsToRegion(o.logits, gridSize, gridSize, width, height, binarize(o.logits, gridSize).box);
    if (!region) continue;
    const { x0, y0, width: rw, height: rh, data } = region;
    let bx0 = rw;
    let by0 = rh;
    let bx1 = -1;
    let by1 = -1;
    for (let y = 0; y < rh; y++) {
      const row = (y0 + y) * width + x0;
      for (let x = 0; x < rw; x++) {
        const i = y * rw + x;
        if (!data[i]) continue;
        if (claimed) {
          if (claimed[row + x]) {
            data[i] = 0;
            continue;
          }
          claimed[row + x] = 1;
        }
        if (x < bx0) bx0 = x;
        if (x > bx1) bx1 = x;
        if (y < by0) by0 = y;
        by1 = y;
      }
    }
    if (bx1 < 0) continue;
    const box = { x0: x0 + bx0, y0: y0 + by0, x1: x0 + bx1 + 1, y1: y0 + by1 + 1 };
    objects.push({ id: o.id, score: o.score, box, rle: toCocoRle(encodeRleRegion(region, width, height)) });
  }
  objects.sort((a, b) => a.id - b.id);
  return { index: frame.index, timeS: frame.timeS, objects };
}
