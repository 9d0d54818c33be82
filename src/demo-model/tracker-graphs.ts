// Synthetic video memory-tracker graphs with the sam3-onnx-cpp contract (image_decoder, memory_attention,
// memory_encoder) in "color world": a memory carries the object's colors and where it was; the decoder finds
// those colors near the most recent memory (anywhere when the object was last seen absent).
import { COLOR_COUNT, anyOver, boxMask, dominantColors, flatten, maskSizeFor, toLogits } from './color-world.js';
import { GraphBuilder } from './graph-builder.js';

/** Memory features: the 8 color channels (object's colors, broadcast) + 1 location channel. */
export const MEMORY_CHANNELS = COLOR_COUNT + 1;
/** Object pointers are the 8-d color vector (SAM 3: 256-d). */
export const POINTER_DIM = COLOR_COUNT;
/** The attention's "near": the last location grown by this many cells of the R/14 grid on every side. */
const NEAR_CELLS = 3;
/** A color is part of an object's memory when it covers at least this share of the mask's palette pixels. */
const COLOR_SHARE = 0.25;

/** Zero that still consumes `t` (keeps every contract input wired into the graph). */
function zeroOf(g: GraphBuilder, t: string): string {
  return g.op('Mul', [g.op('ReduceSum', [g.op('Cast', [t], { to: 1 })], { keepdims: 0 }), g.scalar(0)]);
}

/**
 * point_coords [1,P,2] model pixels, point_labels [1,P] int32 (1 +, 0 −, 2/3 box corners), image_embed [1,8,q,q],
 * high_res_feats_0/1 → obj_ptr [1,8], pred_mask [1,1,S,S], pred_mask_high_res [1,1,R,R], object_score_logits [1,1].
 * With positive points or a box: their colors (minus negatives), inside the box if any. Otherwise the colors and
 * region that the (memory-fused) image_embed carries, minus negatives.
 */
export function trackerDecoder(resolution: number, options: { maskInput?: boolean } = {}): Uint8Array {
  const s = maskSizeFor(resolution);
  const q = resolution / 14;
  const g = new GraphBuilder('image_decoder');
  // The exporter's mask-prompt variant takes a mask too (unused here): a graph of that layout for the loader's tests.
  if (options.maskInput) g.input('mask_inputs', 'float32', [1, 1, s * 4, s * 4]);
  const points = g.input('point_coords', 'float32', [1, 'num_points', 2]);
  const labels = g.input('point_labels', 'int32', [1, 'num_points']);
  const embed = g.input('image_embed', 'float32', [1, COLOR_COUNT, q, q]);
  const hr0 = g.input('high_res_feats_0', 'float32', [1, COLOR_COUNT, s, s]);
  const hr1 = g.input('high_res_feats_1', 'float32', [1, COLOR_COUNT, s / 2, s / 2]);
  const flat = flatten(g, hr0, s);
  const coord = (t: string, k: number): string =>
    g.op('Unsqueeze', [g.op('Slice', [t, g.ints([k]), g.ints([k + 1]), g.ints([-1])]), g.ints([-1])]);
  const labelIs = (v: number): string =>
    g.op('Unsqueeze', [
      g.op('Cast', [g.op('Equal', [labels, g.op('Cast', [g.ints([v], [])], { to: 6 })])], { to: 1 }),
      g.ints([-1]),
    ]); // [1,P,1]

  // Clicks: dominant color in a ±1 cell window around each point ((p + 0.5) / R normalises, as the PVS graph).
  const norm = g.op('Div', [g.op('Add', [points, g.scalar(0.5)]), g.scalar(resolution)]);
  const px = coord(norm, 0);
  const py = coord(norm, 1);
  const cell = 1 / s;
  const window = {
    x0: g.op('Sub', [px, g.scalar(cell)]),
    x1: g.op('Add', [px, g.scalar(cell)]),
    y0: g.op('Sub', [py, g.scalar(cell)]),
    y1: g.op('Add', [py, g.scalar(cell)]),
  };
  const pointRegions = g.op('Reshape', [boxMask(g, window, s), g.ints([0, 0, s * s])]); // [1,P,HW]
  const pointColors = dominantColors(g, pointRegions, flat, 3); // [1,P,8]
  const positive = anyOver(g, g.op('Mul', [pointColors, labelIs(1)]), 1); // [1,8]
  const negative = anyOver(g, g.op('Mul', [pointColors, labelIs(0)]), 1);

  // Box: the corners are the points labelled 2 (top-left) and 3 (bottom-right).
  const scaled = g.op('Div', [points, g.scalar(resolution)]);
  const corner = (v: number): string =>
    g.op('ReduceSum', [g.op('Mul', [scaled, labelIs(v)]), g.ints([1])], { keepdims: 0 }); // [1,2]
  const tl = corner(2);
  const br = corner(3);
  const hasBox = g.op('Greater', [
    g.op('ReduceSum', [g.op('ReduceSum', [labelIs(2), g.ints([2])], { keepdims: 0 }), g.ints([1])], { keepdims: 1 }),
    g.scalar(0),
  ]); // [1,1]
  const c = (t: string, k: number): string => g.op('Unsqueeze', [coord(t, k), g.ints([-1])]); // [1,1,1]
  const boxRegion = g.op('Reshape', [
    boxMask(g, { x0: c(tl, 0), y0: c(tl, 1), x1: c(br, 0), y1: c(br, 1) }, s),
    g.ints([1, 1, s * s]),
  ]);
  const boxColors = g.op('Mul', [
    g.op('Reshape', [dominantColors(g, boxRegion, flat, 3), g.ints([1, COLOR_COUNT])]),
    g.op('Cast', [hasBox], { to: 1 }),
  ]);

  const prompted = g.op('Max', [positive, boxColors]); // [1,8]
  const hasPositive = g.op('Greater', [g.op('ReduceMax', [prompted], { axes: [1], keepdims: 1 }), g.scalar(0)]); // [1,1]
  const embedColors = g.op(
    'Cast',
    [g.op('Greater', [g.op('ReduceMax', [embed], { axes: [2, 3], keepdims: 0 }), g.scalar(0.5)])],
    { to: 1 },
  ); // [1,8]
  const embedAny = g.op(
    'Cast',
    [g.op('Greater', [g.op('ReduceMax', [embed], { axes: [1], keepdims: 1 }), g.scalar(0.5)])],
    { to: 1 },
  ); // [1,1,q,q]
  const embedRegion = g.op('Reshape', [
    g.op('Resize', [embedAny, '', '', g.ints([1, 1, s, s])], { mode: 'nearest' }),
    g.ints([1, 1, s * s]),
  ]);
  const wanted = g.op('Mul', [
    g.op('Where', [hasPositive, prompted, embedColors]),
    g.op('Sub', [g.scalar(1), negative]),
  ]); // [1,8]
  const region = g.op('Where', [
    g.op('Unsqueeze', [hasBox, g.ints([-1])]),
    boxRegion,
    g.op('Where', [g.op('Unsqueeze', [hasPositive, g.ints([-1])]), g.scalar(1), embedRegion]),
  ]);
  const hits0 = g.op(
    'Cast',
    [g.op('Greater', [g.op('MatMul', [g.op('Unsqueeze', [wanted, g.ints([1])]), flat]), g.scalar(0)])],
    { to: 1 },
  ); // [1,1,HW]
  const hits = g.op('Add', [g.op('Mul', [hits0, region]), zeroOf(g, hr1)]);
  const mask = g.op('Reshape', [toLogits(g, hits), g.ints([1, 1, s, s])]);
  g.output('pred_mask', 'float32', [1, 1, s, s], mask);
  g.output(
    'pred_mask_high_res',
    'float32',
    [1, 1, resolution, resolution],
    g.op('Resize', [mask, '', '', g.ints([1, 1, resolution, resolution])], { mode: 'nearest' }),
  );
  const found = g.op('ReduceMax', [hits], { axes: [2], keepdims: 0 }); // [1,1]
  g.output('object_score_logits', 'float32', [1, 1], g.op('Sub', [g.op('Mul', [found, g.scalar(16)]), g.scalar(8)]));
  g.output('obj_ptr', 'float32', [1, COLOR_COUNT], g.op('Mul', [wanted, found]));
  return g.build();
}

/**
 * pred_mask_high_res [1,1,R,R], current_vision_feat [1,8,q,q], object_score_logits [1,1], is_mask_from_points [1]
 * → maskmem_features [1,9,q,q] (the mask's colors on every cell, then where the mask is), maskmem_pos_enc (zeros:
 * a constant, as the real sine encoding). An absent object (score ≤ 0) gives all zeros.
 */
export function memoryEncoder(resolution: number): Uint8Array {
  const q = resolution / 14;
  const g = new GraphBuilder('memory_encoder');
  const mask = g.input('pred_mask_high_res', 'float32', [1, 1, resolution, resolution]);
  const feat = g.input('current_vision_feat', 'float32', [1, COLOR_COUNT, q, q]);
  const score = g.input('object_score_logits', 'float32', [1, 1]);
  const fromPoints = g.input('is_mask_from_points', 'float32', [1]);
  const binary = g.op('Cast', [g.op('Greater', [mask, g.scalar(0)])], { to: 1 });
  const fraction = g.op('AveragePool', [binary], { kernel_shape: [14, 14], strides: [14, 14] }); // [1,1,q,q]
  const where = g.op('MaxPool', [binary], { kernel_shape: [14, 14], strides: [14, 14] });
  const counts = g.op('MatMul', [
    g.op('Reshape', [fraction, g.ints([1, 1, q * q])]),
    g.op('Transpose', [g.op('Reshape', [feat, g.ints([1, COLOR_COUNT, q * q])])], { perm: [0, 2, 1] }),
  ]); // [1,1,8]
  const total = g.op('ReduceSum', [counts, g.ints([2])], { keepdims: 1 });
  const share = g.op('And', [
    g.op('Not', [g.op('Less', [counts, g.op('Mul', [total, g.scalar(COLOR_SHARE)])])]),
    g.op('Greater', [counts, g.scalar(0)]),
  ]);
  const colors = g.op('Reshape', [g.op('Cast', [share], { to: 1 }), g.ints([1, COLOR_COUNT, 1, 1])]);
  const colorMap = g.op('Mul', [colors, g.floats(new Array(q * q).fill(1), [1, 1, q, q])]);
  const present = g.op('Reshape', [
    g.op('Cast', [g.op('Greater', [score, g.scalar(0)])], { to: 1 }),
    g.ints([1, 1, 1, 1]),
  ]);
  const features = g.op('Add', [
    g.op('Mul', [g.op('Concat', [colorMap, where], { axis: 1 }), present]),
    zeroOf(g, fromPoints),
  ]);
  g.output('maskmem_features', 'float32', [1, MEMORY_CHANNELS, q, q], features);
  g.output('maskmem_pos_enc', 'float32', [1, MEMORY_CHANNELS, q, q], g.op('Mul', [features, g.scalar(0)]));
  return g.build();
}

/**
 * current_vision_feat, current_vision_pos_embed [q²,1,8], memory_obj_ptrs [P,8], memory_obj_tpos [P],
 * memory_mask_feats/pos [M,9,q,q], memory_mask_tpos_idx [M] → fused_feat [1,8,q,q]: the colors of the first memory
 * row (the host puts the closest conditioning frame first) on the cells near the location of the most recent
 * memory (smallest temporal index; the first such row), or on every cell when that memory is empty.
 */
/**
 * `fixed`: static memory sizes, as the exporter's later layout declares them (`memory_mask_feats [M,…]`,
 * `memory_obj_ptrs [P,…]`), for the loader's tests; default symbolic.
 */
export function memoryAttention(resolution: number, fixed: { memories?: number; pointers?: number } = {}): Uint8Array {
  const q = resolution / 14;
  const g = new GraphBuilder('memory_attention');
  const mems = fixed.memories ?? 'num_mem_frames';
  const ptrRows = fixed.pointers ?? 'num_obj_ptrs';
  const feat = g.input('current_vision_feat', 'float32', [1, COLOR_COUNT, q, q]);
  const pos = g.input('current_vision_pos_embed', 'float32', [q * q, 1, COLOR_COUNT]);
  const ptrs = g.input('memory_obj_ptrs', 'float32', [ptrRows, COLOR_COUNT]);
  const ptrTpos = g.input('memory_obj_tpos', 'float32', [ptrRows]);
  const feats = g.input('memory_mask_feats', 'float32', [mems, MEMORY_CHANNELS, q, q]);
  const memPos = g.input('memory_mask_pos', 'float32', [mems, MEMORY_CHANNELS, q, q]);
  const tposIdx = g.input('memory_mask_tpos_idx', 'int64', [mems]);
  const channels = (t: string, from: number, to: number): string =>
    g.op('Slice', [t, g.ints([from]), g.ints([to]), g.ints([1])]);
  const first = g.op('Slice', [feats, g.ints([0]), g.ints([1]), g.ints([0])]); // [1,9,q,q]
  const colors = g.op('ReduceMax', [channels(first, 0, COLOR_COUNT)], { axes: [2, 3], keepdims: 1 }); // [1,8,1,1]
  const newest = g.op('ArgMin', [g.op('Cast', [tposIdx], { to: 1 })], { axis: 0, keepdims: 1 }); // [1]
  const recent = channels(g.op('Gather', [feats, newest], { axis: 0 }), COLOR_COUNT, MEMORY_CHANNELS); // [1,1,q,q]
  const near = g.op('MaxPool', [recent], {
    kernel_shape: [2 * NEAR_CELLS + 1, 2 * NEAR_CELLS + 1],
    pads: [NEAR_CELLS, NEAR_CELLS, NEAR_CELLS, NEAR_CELLS],
    strides: [1, 1],
  });
  const seen = g.op('Greater', [g.op('ReduceMax', [recent], { keepdims: 1 }), g.scalar(0)]);
  const prior = g.op('Where', [seen, near, g.scalar(1)]);
  const unused = [feat, pos, ptrs, ptrTpos, memPos].map((t) => zeroOf(g, t)).reduce((a, b) => g.op('Add', [a, b]));
  g.output('fused_feat', 'float32', [1, COLOR_COUNT, q, q], g.op('Add', [g.op('Mul', [prior, colors]), unused]));
  return g.build();
}
