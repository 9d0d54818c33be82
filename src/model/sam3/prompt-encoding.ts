// Prompts (source pixels) → graph tensors: PCS exemplars as normalised cx,cy,w,h + labels; PVS points/boxes in
// model-space pixels with int64 labels.
import type { ImageSize } from '../../domain/image.js';
import { normalizeBoxCxCyWh } from '../../domain/geometry.js';
import type { ExemplarBox, ObjectPrompt } from '../../domain/prompts.js';

export interface BoxFeeds {
  /** [1, N, 4] */
  boxes: Float32Array;
  /** [1, N] */
  labels: BigInt64Array;
  count: number;
}

/** PCS: label 1 positive, 0 negative; no boxes → one zero box labelled −10 (ignored by the graph). */
export function encodeExemplars(exemplars: readonly ExemplarBox[], size: ImageSize): BoxFeeds {
  if (exemplars.length === 0) return { boxes: new Float32Array(4), labels: BigInt64Array.from([-10n]), count: 1 };
  const boxes = new Float32Array(exemplars.length * 4);
  const labels = new BigInt64Array(exemplars.length);
  exemplars.forEach((e, i) => {
    const n = normalizeBoxCxCyWh(e.box, size.width, size.height);
    boxes.set([n.cx, n.cy, n.w, n.h], i * 4);
    labels[i] = e.positive ? 1n : 0n;
  });
  return { boxes, labels, count: exemplars.length };
}

export interface ObjectFeeds {
  /** [1, 1, N, 2] model-space x, y */
  points: Float32Array;
  /** [1, 1, N] 1 positive, 0 negative, −1 not-a-point */
  labels: BigInt64Array;
  pointCount: number;
  /** [1, B, 4] model-space x1, y1, x2, y2; B ∈ {0, 1} */
  boxes: Float32Array;
  boxCount: number;
}

/**
 * PVS: coordinates scaled per axis to the model resolution (x·R/W, y·R/H), in the token layout of the reference
 * prompt encoder (HF `Sam3TrackerModel`, Meta's SAM 2/3), which appends one not-a-point exactly when no box is given:
 * - points only: the clicks, then a not-a-point (label −1), and an empty box tensor;
 * - a box only: a zero-length point axis ([1, 1, 0, 2]) and the box (the decoder sees its two corners only);
 * - points and a box: the clicks and the box, no not-a-point.
 */
export function encodeObject(prompt: ObjectPrompt, size: ImageSize, resolution: number): ObjectFeeds {
  const sx = resolution / size.width;
  const sy = resolution / size.height;
  const pts = prompt.points ?? [];
  const box = prompt.box;
  const pad = pts.length > 0 && !box ? 1 : 0;
  const pointCount = pts.length + pad;
  const points = new Float32Array(pointCount * 2);
  const labels = new BigInt64Array(pointCount).fill(-1n);
  pts.forEach((p, i) => {
    points[i * 2] = p.x * sx;
    points[i * 2 + 1] = p.y * sy;
    labels[i] = p.positive ? 1n : 0n;
  });
  const boxes = box ? Float32Array.from([box.x0 * sx, box.y0 * sy, box.x1 * sx, box.y1 * sy]) : new Float32Array(0);
  return { points, labels, pointCount, boxes, boxCount: box ? 1 : 0 };
}
