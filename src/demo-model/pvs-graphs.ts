// Synthetic PVS graphs with the onnx-community/sam3-tracker-ONNX contract (vision_encoder, prompt_encoder_mask_decoder).
import {
  COLOR_COUNT,
  anyOver,
  boxMask,
  component,
  dominantColors,
  flatten,
  maskSizeFor,
  matchMapPyramid,
  shapeLike,
  toLogits,
} from './color-world.js';
import { GraphBuilder } from './graph-builder.js';

/** Predicted IoUs of the three candidates: the good mask sits at index 1 so that best-of-3 must be chosen. */
export const CANDIDATE_IOUS = [0.55, 0.92, 0.2] as const;

/** pixel_values [batch,3,R,R] → image_embeddings.0/.1/.2 (match maps at S, S/2, S/4). */
export function pvsVisionEncoder(resolution: number): Uint8Array {
  const s = maskSizeFor(resolution);
  const g = new GraphBuilder('vision_encoder');
  const pixels = g.input('pixel_values', 'float32', ['batch_size', 3, resolution, resolution]);
  const [maps, e1, e2] = matchMapPyramid(g, pixels, s);
  g.output('image_embeddings.0', 'float32', ['batch_size', COLOR_COUNT, s, s], maps);
  g.output('image_embeddings.1', 'float32', ['batch_size', COLOR_COUNT, s / 2, s / 2], e1);
  g.output('image_embeddings.2', 'float32', ['batch_size', COLOR_COUNT, s / 4, s / 4], e2);
  return g.build();
}

/**
 * Per object: colors under positive points ∪ dominant colors of the boxes, minus colors under negative points,
 * restricted to the union of the boxes when there are any. Candidates: [whole frame, that mask, its inverse].
 */
export function pvsDecoder(resolution: number): Uint8Array {
  const s = maskSizeFor(resolution);
  const g = new GraphBuilder('prompt_encoder_mask_decoder');
  const points = g.input('input_points', 'float32', ['batch_size', 'point_batch_size', 'num_points', 2]);
  const labels = g.input('input_labels', 'int64', ['batch_size', 'point_batch_size', 'num_points']);
  const boxes = g.input('input_boxes', 'float32', ['batch_size', 'num_boxes', 4]);
  const e0 = g.input('image_embeddings.0', 'float32', ['batch_size', COLOR_COUNT, s, s]);
  g.input('image_embeddings.1', 'float32', ['batch_size', COLOR_COUNT, s / 2, s / 2]);
  g.input('image_embeddings.2', 'float32', ['batch_size', COLOR_COUNT, s / 4, s / 4]);
  const flat = flatten(g, e0, s);

  // Points: as the real graph, (p + 0.5) / R normalises model-space pixels; a window of ±1 cell is sampled.
  const norm = g.op('Div', [g.op('Add', [points, g.scalar(0.5)]), g.scalar(resolution)]);
  const px = g.op('Unsqueeze', [g.op('Slice', [norm, g.ints([0]), g.ints([1]), g.ints([-1])]), g.ints([-1])]);
  const py = g.op('Unsqueeze', [g.op('Slice', [norm, g.ints([1]), g.ints([2]), g.ints([-1])]), g.ints([-1])]);
  const cell = 1 / s;
  const window = {
    x0: g.op('Sub', [px, g.scalar(cell)]),
    x1: g.op('Add', [px, g.scalar(cell)]),
    y0: g.op('Sub', [py, g.scalar(cell)]),
    y1: g.op('Add', [py, g.scalar(cell)]),
  };
  const pointRegions = g.op('Reshape', [boxMask(g, window, s), g.ints([0, 0, 0, s * s])]); // [B,P,N,HW]
  const pointColors = dominantColors(g, pointRegions, flat, 4); // [B,P,N,8]
  const labelIs = (v: number): string =>
    g.op('Unsqueeze', [g.op('Cast', [g.op('Equal', [labels, g.ints([v], [])])], { to: 1 }), g.ints([-1])]);
  const positive = anyOver(g, g.op('Mul', [pointColors, labelIs(1)]), 2); // [B,P,8]
  const negative = anyOver(g, g.op('Mul', [pointColors, labelIs(0)]), 2);

  // Boxes: xyxy in model pixels.
  const scaled = g.op('Div', [boxes, g.scalar(resolution)]);
  const corners = {
    x0: component(g, scaled, 0),
    y0: component(g, scaled, 1),
    x1: component(g, scaled, 2),
    y1: component(g, scaled, 3),
  };
  const boxRegions = g.op('Reshape', [boxMask(g, corners, s), g.ints([0, 0, s * s])]); // [B,Nb,HW]
  const boxColors = g.op('Unsqueeze', [anyOver(g, dominantColors(g, boxRegions, flat, 3), 1), g.ints([1])]); // [B,1,8]
  const inBoxes = anyOver(g, boxRegions, 1, 1); // [B,1,HW]
  const hasBox = g.op('Greater', [g.op('ReduceSum', [boxRegions, g.ints([1, 2])], { keepdims: 1 }), g.scalar(0)]); // [B,1,1]
  const region = g.op('Where', [hasBox, inBoxes, g.scalar(1)]);

  const wanted = g.op('Mul', [g.op('Max', [positive, boxColors]), g.op('Sub', [g.scalar(1), negative])]); // [B,P,8]
  const hits = g.op('Mul', [
    g.op('Cast', [g.op('Greater', [g.op('MatMul', [wanted, flat]), g.scalar(0)])], { to: 1 }),
    region,
  ]); // [B,P,HW]
  const whole = g.op('Add', [g.op('Mul', [hits, g.scalar(0)]), g.scalar(1)]);
  const inverse = g.op('Sub', [g.scalar(1), hits]);
  const stack = g.op(
    'Concat',
    [whole, hits, inverse].map((m) => g.op('Unsqueeze', [m, g.ints([2])])),
    { axis: 2 },
  );
  g.output(
    'pred_masks',
    'float32',
    ['batch_size', 'point_batch_size', 3, s, s],
    g.op('Reshape', [toLogits(g, stack), g.ints([0, 0, 3, s, s])]),
  );

  const ious = g.op('Expand', [g.floats([...CANDIDATE_IOUS], [1, 1, 3]), shapeLike(g, hits, 2, [3])]);
  g.output('iou_scores', 'float32', ['batch_size', 'point_batch_size', 3], ious);
  const found = g.op('ReduceMax', [hits], { axes: [2], keepdims: 1 }); // [B,P,1]
  g.output(
    'object_score_logits',
    'float32',
    ['batch_size', 'point_batch_size', 1],
    g.op('Sub', [g.op('Mul', [found, g.scalar(16)]), g.scalar(8)]),
  );
  return g.build();
}
