// Decoder outputs → detections at source size: PCS scores σ(logit)·σ(presence), thresholding, boxes in pixels,
// upsampling of kept queries only; PVS best-of-3 by predicted IoU.
import type { ImageSize } from '../../domain/image.js';
import { SamError } from '../../domain/errors.js';
import { clampBox, type PixelBox } from '../../domain/geometry.js';
import type { BinaryMask } from '../../domain/segmentation.js';
import { upsampleLogitsToFrame } from '../../masks/upsample-logits.js';

export const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

export interface ConceptInstance {
  readonly mask: BinaryMask;
  readonly box: PixelBox;
  readonly score: number;
  /** DETR query index (stable order of the model). */
  readonly query: number;
}

export interface PcsOutputs {
  logits: Float32Array; // [1, Q]
  presence: Float32Array; // [1, 1]
  boxes: Float32Array; // [1, Q, 4] normalised xyxy
  /** [1, Q, S, S] logits; with `rows`, only the queries the decoder selected ([1, K, S, S]). */
  masks: Float32Array;
  /** Query → its plane in `masks` (−1: not returned); absent when `masks` holds every query. */
  rows?: Int32Array;
  queryCount: number;
  maskSize: number;
}

/** Where query `q`'s logits start in `out.masks` (the decoder returns every query the host keeps). */
const planeOffset = (out: PcsOutputs, q: number): number => {
  const row = out.rows ? out.rows[q]! : q;
  if (row < 0)
    throw new SamError('INTERNAL', `the concept decoder did not return query ${q}, which scores above the threshold`);
  return row * out.maskSize * out.maskSize;
};

/** Keeps queries with score > threshold (strict, as Meta), sorted by score (highest first). */
export function selectConceptInstances(
  out: PcsOutputs,
  size: ImageSize,
  threshold: number,
  maxDetections?: number,
): ConceptInstance[] {
  const presence = sigmoid(out.presence[0]!);
  const kept: Array<{ q: number; score: number }> = [];
  for (let q = 0; q < out.queryCount; q++) {
    const score = sigmoid(out.logits[q]!) * presence;
    if (score > threshold) kept.push({ q, score });
  }
  kept.sort((a, b) => b.score - a.score || a.q - b.q);
  const limited = maxDetections !== undefined && maxDetections > 0 ? kept.slice(0, maxDetections) : kept;
  return limited.map(({ q, score }) => {
    const b = out.boxes.subarray(q * 4, q * 4 + 4);
    const box = clampBox(
      { x0: b[0]! * size.width, y0: b[1]! * size.height, x1: b[2]! * size.width, y1: b[3]! * size.height },
      size.width,
      size.height,
    );
    const mask = upsampleLogitsToFrame(
      out.masks,
      planeOffset(out, q),
      out.maskSize,
      out.maskSize,
      size.width,
      size.height,
    );
    return { mask, box, score, query: q };
  });
}

/** A concept detection at mask resolution (S×S logits), for the video tracker. */
export interface GridDetection {
  readonly score: number;
  /** S×S logits (a copy). */
  readonly logits: Float32Array;
  readonly maskSize: number;
}

/** Queries with score > threshold at mask resolution, highest score first. */
export function selectGridDetections(out: PcsOutputs, threshold: number): GridDetection[] {
  const presence = sigmoid(out.presence[0]!);
  const plane = out.maskSize * out.maskSize;
  const kept: GridDetection[] = [];
  for (let q = 0; q < out.queryCount; q++) {
    const score = sigmoid(out.logits[q]!) * presence;
    if (score <= threshold) continue;
    const offset = planeOffset(out, q);
    kept.push({ score, logits: out.masks.slice(offset, offset + plane), maskSize: out.maskSize });
  }
  return kept.sort((a, b) => b.score - a.score);
}

export interface PvsOutputs {
  iou: Float32Array; // [1, 1, 3]
  masks: Float32Array; // [1, 1, 3, S, S]
  objectScore: Float32Array; // [1, 1, 1]
  maskSize: number;
}

export interface ObjectCandidate {
  readonly mask: BinaryMask;
  /** Predicted IoU of this candidate (already a probability in this contract). */
  readonly iou: number;
  readonly candidate: number;
}

/** Best candidate by predicted IoU, or all candidates ordered by it. Masks thresholded at logit 0. */
export function selectObjectCandidates(
  out: PvsOutputs,
  size: ImageSize,
  all: boolean,
): { candidates: ObjectCandidate[]; objectScore: number } {
  const count = out.iou.length;
  const order = Array.from({ length: count }, (_, i) => i).sort((a, b) => out.iou[b]! - out.iou[a]!);
  const chosen = all ? order : order.slice(0, 1);
  const plane = out.maskSize * out.maskSize;
  const candidates = chosen.map((c) => ({
    mask: upsampleLogitsToFrame(out.masks, c * plane, out.maskSize, out.maskSize, size.width, size.height),
    iou: out.iou[c]!,
    candidate: c,
  }));
  return { candidates, objectScore: sigmoid(out.objectScore[0]!) };
}
