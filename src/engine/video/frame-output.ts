// One frame's tracked objects (grid logits) → results at video resolution: bilinear upsampling, object-wise
// non-overlap (the higher score keeps a contested pixel), tight boxes and COCO RLE.
import type { VideoFrameResult, VideoObjectResult } from '../../domain/video.js';
import { encodeCocoRle } from '../../masks/coco-rle.js';
import { maskBox } from '../../masks/mask-ops.js';
import { upsampleLogitsToMask } from '../../masks/upsample-logits.js';
import type { TrackOutput } from '../../model/sam3/tracker.js';

export interface FrameOutputInput {
  index: number;
  timeS: number;
  outputs: readonly TrackOutput[];
}

export function renderFrame(frame: FrameOutputInput, gridSize: number, width: number, height: number): VideoFrameResult {
  const order = [...frame.outputs].sort((a, b) => b.score - a.score || a.id - b.id);
  const claimed = new Uint8Array(width * height);
  const objects: VideoObjectResult[] = [];
  for (const o of order) {
    const mask = upsampleLogitsToMask(o.logits, 0, gridSize, gridSize, width, height, 0);
    const d = mask.data;
    let any = false;
    for (let i = 0; i < d.length; i++) {
      if (!d[i]) continue;
      if (claimed[i]) d[i] = 0;
      else {
        claimed[i] = 1;
        any = true;
      }
    }
    if (!any) continue;
    objects.push({ id: o.id, score: o.score, box: maskBox(mask)!, rle: encodeCocoRle(mask) });
  }
  objects.sort((a, b) => a.id - b.id);
  return { index: frame.index, timeS: frame.timeS, objects };
}
