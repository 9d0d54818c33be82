// Synthetic PCS graphs with the usls v2 contract (vision-encoder, text-encoder, geo-encoder-mask-decoder).
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

export const QUERY_COUNT = 200;
export const TEXT_LENGTH = 32;

/** images [batch,3,R,R] → fpn_feat_0/1/2 (match maps at S, S/2, S/4) and the constant fpn_pos_2. */
export function pcsVisionEncoder(resolution: number): Uint8Array {
  const s = maskSizeFor(resolution);
  const g = new GraphBuilder('vision-encoder');
  const images = g.input('images', 'float32', ['batch', 3, resolution, resolution]);
  const [maps, f1, f2] = matchMapPyramid(g, images, s);
  const pos = g.op('Add', [g.op('Mul', [f2, g.scalar(0)]), g.scalar(1)]);
  g.output('fpn_feat_0', 'float32', ['batch', COLOR_COUNT, s, s], maps);
  g.output('fpn_feat_1', 'float32', ['batch', COLOR_COUNT, s / 2, s / 2], f1);
  g.output('fpn_feat_2', 'float32', ['batch', COLOR_COUNT, s / 4, s / 4], f2);
  g.output('fpn_pos_2', 'float32', ['batch', COLOR_COUNT, s / 4, s / 4], pos);
  return g.build();
}

/**
 * input_ids/attention_mask [batch,32] → text_features [batch,32,8] (a token naming a palette color carries that
 * color's one-hot row; every other token is zero) and text_mask = attention_mask > 0 (bool, True = valid).
 */
export function pcsTextEncoder(colorOfToken: ReadonlyMap<number, number>, vocabRows: number): Uint8Array {
  const g = new GraphBuilder('text-encoder');
  const ids = g.input('input_ids', 'int64', ['batch', TEXT_LENGTH]);
  const mask = g.input('attention_mask', 'int64', ['batch', TEXT_LENGTH]);
  const table = new Float32Array(vocabRows * COLOR_COUNT);
  for (const [token, color] of colorOfToken) table[token * COLOR_COUNT + color] = 1;
  const features = g.op('Gather', [g.floats(table, [vocabRows, COLOR_COUNT]), ids], { axis: 0 });
  g.output('text_features', 'float32', ['batch', TEXT_LENGTH, COLOR_COUNT], features);
  g.output('text_mask', 'bool', ['batch', TEXT_LENGTH], g.op('Greater', [mask, g.ints([0], [])]));
  return g.build();
}

/**
 * The decoder: colors named by valid text tokens ∪ dominant colors of positive exemplar boxes, minus dominant
 * colors of negative boxes, become query 0 (mask = pixels of those colors); queries 1..199 are empty.
 */
export function pcsDecoder(resolution: number): Uint8Array {
  const s = maskSizeFor(resolution);
  const g = new GraphBuilder('geo-encoder-mask-decoder');
  const f0 = g.input('fpn_feat_0', 'float32', ['batch', COLOR_COUNT, s, s]);
  g.input('fpn_feat_1', 'float32', ['batch', COLOR_COUNT, s / 2, s / 2]);
  g.input('fpn_feat_2', 'float32', ['batch', COLOR_COUNT, s / 4, s / 4]);
  g.input('fpn_pos_2', 'float32', ['batch', COLOR_COUNT, s / 4, s / 4]);
  const textFeatures = g.input('text_features', 'float32', ['batch', TEXT_LENGTH, COLOR_COUNT]);
  const textMask = g.input('text_mask', 'bool', ['batch', TEXT_LENGTH]);
  const boxes = g.input('input_boxes', 'float32', ['batch', 'num_boxes', 4]);
  const labels = g.input('input_boxes_labels', 'int64', ['batch', 'num_boxes']);

  const flat = flatten(g, f0, s); // [B,8,HW]
  const valid = g.op('Unsqueeze', [g.op('Cast', [textMask], { to: 1 }), g.ints([-1])]);
  const textColors = g.op('ReduceMax', [g.op('Mul', [textFeatures, valid])], { axes: [1], keepdims: 0 }); // [B,8]

  const cx = component(g, boxes, 0);
  const cy = component(g, boxes, 1);
  const hw = g.op('Div', [component(g, boxes, 2), g.scalar(2)]);
  const hh = g.op('Div', [component(g, boxes, 3), g.scalar(2)]);
  const corners = {
    x0: g.op('Sub', [cx, hw]),
    x1: g.op('Add', [cx, hw]),
    y0: g.op('Sub', [cy, hh]),
    y1: g.op('Add', [cy, hh]),
  };
  const regions = g.op('Reshape', [boxMask(g, corners, s), g.ints([0, 0, s * s])]); // [B,N,HW]
  const dominant = dominantColors(g, regions, flat, 3); // [B,N,8]
  const labelIs = (v: number): string =>
    g.op('Unsqueeze', [g.op('Cast', [g.op('Equal', [labels, g.ints([v], [])])], { to: 1 }), g.ints([-1])]);
  const positive = anyOver(g, g.op('Mul', [dominant, labelIs(1)]), 1); // [B,8]
  const negative = anyOver(g, g.op('Mul', [dominant, labelIs(0)]), 1);
  const wanted = g.op('Mul', [g.op('Max', [textColors, positive]), g.op('Sub', [g.scalar(1), negative])]);

  const hits = g.op(
    'Cast',
    [g.op('Greater', [g.op('MatMul', [g.op('Unsqueeze', [wanted, g.ints([1])]), flat]), g.scalar(0)])],
    { to: 1 },
  ); // [B,1,HW]
  const hitMap = g.op('Reshape', [hits, g.ints([0, s, s])]); // [B,S,S]
  const found = g.op('ReduceMax', [hits], { axes: [1, 2], keepdims: 0 }); // [B]
  const logit0 = g.op('Unsqueeze', [g.op('Sub', [g.op('Mul', [found, g.scalar(15)]), g.scalar(10)]), g.ints([1])]); // [B,1]

  const restLogits = g.op('Expand', [g.scalar(-10), shapeLike(g, f0, 1, [QUERY_COUNT - 1])]);
  g.output('pred_logits', 'float32', ['batch', QUERY_COUNT], g.op('Concat', [logit0, restLogits], { axis: 1 }));
  g.output('presence_logits', 'float32', ['batch', 1], logit0);

  const mask0 = g.op('Unsqueeze', [toLogits(g, hitMap), g.ints([1])]);
  const restMasks = g.op('Expand', [g.scalar(-10), shapeLike(g, f0, 1, [QUERY_COUNT - 1, s, s])]);
  g.output('pred_masks', 'float32', ['batch', QUERY_COUNT, s, s], g.op('Concat', [mask0, restMasks], { axis: 1 }));

  // Box of query 0: normalised xyxy from the rows/columns that hold hits.
  const index = g.floats(
    Array.from({ length: s }, (_, j) => j),
    [1, s],
  );
  const extent = (axis: number): [string, string] => {
    const any = g.op('Greater', [g.op('ReduceMax', [hitMap], { axes: [axis], keepdims: 0 }), g.scalar(0)]); // [B,S]
    const lo = g.op('ReduceMin', [g.op('Where', [any, index, g.scalar(s)])], { axes: [1], keepdims: 1 });
    const hi = g.op('ReduceMax', [g.op('Where', [any, index, g.scalar(-1)])], { axes: [1], keepdims: 1 });
    return [g.op('Div', [lo, g.scalar(s)]), g.op('Div', [g.op('Add', [hi, g.scalar(1)]), g.scalar(s)])];
  };
  const [x0, x1] = extent(1);
  const [y0, y1] = extent(2);
  const box0 = g.op('Unsqueeze', [g.op('Concat', [x0, y0, x1, y1], { axis: 1 }), g.ints([1])]); // [B,1,4]
  const restBoxes = g.op('Expand', [g.scalar(0), shapeLike(g, f0, 1, [QUERY_COUNT - 1, 4])]);
  g.output('pred_boxes', 'float32', ['batch', QUERY_COUNT, 4], g.op('Concat', [box0, restBoxes], { axis: 1 }));
  return g.build();
}
