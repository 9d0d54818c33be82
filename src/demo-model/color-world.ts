// "Color world" building blocks shared by the synthetic graphs: palette, match maps, box masks, dominant colors.
import type { GraphBuilder } from './graph-builder.js';

/** The eight pure colors the demo model knows, in RGB 0..255; index = channel of the match maps. */
export const PALETTE = [
  { name: 'red', rgb: [255, 0, 0] },
  { name: 'green', rgb: [0, 255, 0] },
  { name: 'blue', rgb: [0, 0, 255] },
  { name: 'yellow', rgb: [255, 255, 0] },
  { name: 'cyan', rgb: [0, 255, 255] },
  { name: 'magenta', rgb: [255, 0, 255] },
  { name: 'white', rgb: [255, 255, 255] },
  { name: 'black', rgb: [0, 0, 0] },
] as const;

export const COLOR_COUNT = PALETTE.length;
/** Per-channel tolerance around a pure color, in 0..255 units. */
export const COLOR_TOLERANCE = 60;

/** Mask / finest feature size for an export resolution R: 4·R/14 (288 at 1008, 144 at 504). */
export function maskSizeFor(resolution: number): number {
  if (resolution % 14 !== 0) throw new RangeError(`resolution must be a multiple of 14, got ${resolution}`);
  return (4 * resolution) / 14;
}

/**
 * in: image [B,3,R,R] normalised as x/127.5−1. out: match maps [B,8,S,S] (1 where every channel is within
 * the tolerance of the palette color), computed on the image resized to S×S.
 */
export function matchMaps(g: GraphBuilder, image: string, size: number): string {
  const lead = g.op('Slice', [g.op('Shape', [image]), g.ints([0]), g.ints([2])]);
  const sizes = g.op('Concat', [lead, g.ints([size, size])], { axis: 0 });
  const small = g.op('Resize', [image, '', '', sizes], {
    mode: 'linear',
    coordinate_transformation_mode: 'half_pixel',
  });
  const palette = PALETTE.flatMap((c) => c.rgb.map((v) => v / 127.5 - 1));
  const diff = g.op('Abs', [
    g.op('Sub', [g.op('Unsqueeze', [small, g.ints([1])]), g.floats(palette, [1, COLOR_COUNT, 3, 1, 1])]),
  ]);
  const worst = g.op('ReduceMax', [diff], { axes: [2], keepdims: 0 });
  return g.op('Cast', [g.op('Less', [worst, g.scalar(COLOR_TOLERANCE / 127.5)])], { to: 1 });
}

/** The encoders' pyramid: match maps at S, S/2 and S/4 (2×2 average pooling), from the normalised image. */
export function matchMapPyramid(g: GraphBuilder, image: string, size: number): [string, string, string] {
  const maps = matchMaps(g, image, size);
  const half = g.op('AveragePool', [maps], { kernel_shape: [2, 2], strides: [2, 2] });
  const quarter = g.op('AveragePool', [half], { kernel_shape: [2, 2], strides: [2, 2] });
  return [maps, half, quarter];
}

/** [B,8,S,S] → [B,8,S·S]. (Explicit sizes, never −1: a −1 cannot be inferred when another axis is 0.) */
export function flatten(g: GraphBuilder, maps: string, size: number): string {
  return g.op('Reshape', [maps, g.ints([0, COLOR_COUNT, size * size])]);
}

/**
 * in: normalised corner tensors x0, y0, x1, y1 each [..., 1, 1]. out: float mask [..., S, S] of the grid cells
 * whose centres ((j+0.5)/S) lie inside the box (edges inclusive).
 */
export function boxMask(
  g: GraphBuilder,
  corners: { x0: string; y0: string; x1: string; y1: string },
  size: number,
): string {
  const centres = Array.from({ length: size }, (_, j) => (j + 0.5) / size);
  const gx = g.floats(centres, [1, size]);
  const gy = g.floats(centres, [size, 1]);
  const inside = (grid: string, lo: string, hi: string): string =>
    g.op('And', [g.op('Not', [g.op('Less', [grid, lo])]), g.op('Not', [g.op('Greater', [grid, hi])])]);
  return g.op('Cast', [g.op('And', [inside(gx, corners.x0, corners.x1), inside(gy, corners.y0, corners.y1)])], {
    to: 1,
  });
}

/** Last-axis component k of `t` [..., 4] as [..., 1, 1] (for broadcasting against S×S grids). */
export function component(g: GraphBuilder, t: string, k: number): string {
  const c = g.op('Slice', [t, g.ints([k]), g.ints([k + 1]), g.ints([-1])]);
  return g.op('Unsqueeze', [c, g.ints([-1])]);
}

/**
 * in: region masks [..., N, HW] and flat match maps [B,8,HW]. out: one-hot dominant palette color per region
 * [..., N, 8] (ties keep every tied color; a region with no palette pixel gives all zeros).
 */
export function dominantColors(g: GraphBuilder, regions: string, flatMaps: string, batchedRank: number): string {
  const perm = [0, 2, 1];
  let mapsT = g.op('Transpose', [flatMaps], { perm }); // [B,HW,8]
  for (let r = 3; r < batchedRank; r++) mapsT = g.op('Unsqueeze', [mapsT, g.ints([1])]);
  const counts = g.op('MatMul', [regions, mapsT]);
  const best = g.op('ReduceMax', [counts], { axes: [-1], keepdims: 1 });
  const isBest = g.op('Not', [g.op('Less', [counts, best])]);
  const nonEmpty = g.op('Greater', [counts, g.scalar(0)]);
  return g.op('Cast', [g.op('And', [isBest, nonEmpty])], { to: 1 });
}

/** Sum over `axis` then > 0, as float (works on empty axes, where ReduceMax would be undefined). */
export function anyOver(g: GraphBuilder, t: string, axis: number, keepdims = 0): string {
  const sum = g.op('ReduceSum', [t, g.ints([axis])], { keepdims });
  return g.op('Cast', [g.op('Greater', [sum, g.scalar(0)])], { to: 1 });
}

/** Leading dims of `t` (first `count`) concatenated with fixed trailing dims, for Expand. */
export function shapeLike(g: GraphBuilder, t: string, count: number, trailing: number[]): string {
  const lead = g.op('Slice', [g.op('Shape', [t]), g.ints([0]), g.ints([count])]);
  return g.op('Concat', [lead, g.ints(trailing)], { axis: 0 });
}

/** Binary float map → logits of ±10. */
export function toLogits(g: GraphBuilder, binary: string): string {
  return g.op('Sub', [g.op('Mul', [binary, g.scalar(20)]), g.scalar(10)]);
}
