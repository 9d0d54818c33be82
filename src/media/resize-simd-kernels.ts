// The WebAssembly SIMD kernels of the PIL-exact resize (resize-simd.ts runs them): assembled per tap count (the tap
// loops unrolled), over a memory their caller provides. Same coefficients, same 22-bit fixed point, same rounding
// and clipping between the passes as PIL, so the bytes are PIL's.
//
// Horizontal pass: one output pixel per step, its R, G and B (and a spare) in the four i32 lanes, one multiply-add
// per tap. Vertical pass: 16 bytes per step across the row, four i32x4 sums per tap; the clip to 0…255 is the
// saturating narrowing i32 → i16 → u8. Then 48 bytes (16 pixels) are split into R, G and B with two shuffles each
// and written as bytes or as (v − mean) / std in float32.
import {
  br,
  brIf,
  brTable,
  block,
  type Code,
  f32x4,
  get,
  i16x8,
  i32,
  i32x4,
  i8x16,
  ifThen,
  loop,
  set,
  storeNormalized16,
  tee,
  v128,
  wasmModule,
} from '../wasm/assembler.js';

const PRECISION_BITS = 22;
const HALF = 1 << (PRECISION_BITS - 1);

/** A kernel instance: each export runs over byte offsets into the arena's memory. */
export interface ResizeExports {
  hpass(
    src: number,
    srcStride: number,
    rows: number,
    coef: number,
    outWidth: number,
    dst: number,
    dstStride: number,
  ): void;
  vfloat: VerticalPass;
  vbytes: VerticalPass;
}

/** Byte offsets and counts of a vertical pass (see `verticalPass`). */
type VerticalPass = (
  mid: number,
  midStride: number,
  coef: number,
  rows: number,
  tmp: number,
  blocks: number,
  out: number,
  planeStride: number,
  rowStep: number,
  tail: number,
) => void;

/** hpass(src, srcStride, rows, coef, outWidth, dst, dstStride), each coefficient record [first·3, w0 … w(taps−1)]. */
function horizontalPass(taps: number): Code {
  const [src, srcStride, rows, coef, outWidth, dst, dstStride, x, c, d, p, acc, half] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
  ];
  const tap = (t: number): Code => [
    ...get(acc),
    ...get(p),
    ...v128.load8x8U(3 * t), // R G B (next R) … as i16
    ...i32x4.extendLowU16,
    ...get(c),
    ...v128.load32Splat(4 + 4 * t),
    ...i32x4.mul,
    ...i32x4.add,
    ...set(acc),
  ];
  const pixel = [
    ...get(src),
    ...get(c),
    ...i32.load(0),
    ...i32.add,
    ...set(p),
    ...get(half),
    ...set(acc),
    ...Array.from({ length: taps }, (_, t) => tap(t)).flat(),
    // clip8: shift, then saturate to i16 and to u8; lanes 0–2 are R, G, B (the fourth is overwritten next).
    ...get(d),
    ...get(acc),
    ...i32.const(PRECISION_BITS),
    ...i32x4.shrS,
    ...tee(acc),
    ...get(acc),
    ...i16x8.narrowI32x4S,
    ...tee(acc),
    ...get(acc),
    ...i8x16.narrowI16x8U,
    ...v128.store32Lane(0),
    ...[...get(d), ...i32.const(3), ...i32.add, ...set(d)],
    ...[...get(c), ...i32.const(4 * (taps + 1)), ...i32.add, ...set(c)],
    ...[...get(x), ...i32.const(1), ...i32.sub, ...tee(x)],
  ];
  return [
    ...i32.const(HALF),
    ...i32x4.splat,
    ...set(half),
    ...loop(
      [...get(coef), ...set(c), ...get(dst), ...set(d), ...get(outWidth), ...set(x)],
      loop(pixel, brIf(0)),
      [...get(src), ...get(srcStride), ...i32.add, ...set(src)],
      [...get(dst), ...get(dstStride), ...i32.add, ...set(dst)],
      [...get(rows), ...i32.const(1), ...i32.sub, ...tee(rows)],
      brIf(0),
    ),
  ];
}

// De-interleaving 48 bytes (16 RGB pixels) a|b|c: lanes of a‖b first, then those of c (16 + lane).
const FIRST = [
  [0, 3, 6, 9, 12, 15, 18, 21, 24, 27, 30, 0, 0, 0, 0, 0],
  [1, 4, 7, 10, 13, 16, 19, 22, 25, 28, 31, 0, 0, 0, 0, 0],
  [2, 5, 8, 11, 14, 17, 20, 23, 26, 29, 0, 0, 0, 0, 0, 0],
];
const SECOND = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 17, 20, 23, 26, 29],
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 18, 21, 24, 27, 30],
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 16, 19, 22, 25, 28, 31],
];

/**
 * vfloat / vbytes(mid, midStride, coef, rows, tmp, blocks, out, planeStride, rowStep, tail): per output row
 * (coefficient record [offset of the first tap row in mid, tap count, w0 … w(maxTaps−1)]) the clipped bytes go to
 * `tmp`, then `blocks` × 16 pixels are written to the three planes at out, out + planeStride, out + 2·planeStride:
 * as float32 (v − mean) / std, or as bytes. A row whose width is not a multiple of 16 ends with one more block, at
 * pixel `tail` (width − 16; −1 for none), overlapping the one before: nothing is written past the row.
 */
function verticalPass(maxTaps: number, output: { mean: number; std: number } | 'bytes'): Code {
  const [mid, midStride, coef, rows, tmp, blocks, out, planeStride, rowStep, tail] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const [q, end, k, n, o0, o1, o2] = [10, 11, 12, 13, 14, 15, 16];
  const pointers = Array.from({ length: maxTaps }, (_, t) => 17 + t); // the tap rows' block pointers
  const v = 17 + maxTaps; // v128 locals from here
  const [half, lo, hi, a, b, c, mean, std] = [v, v + 1, v + 2, v + 3, v + 4, v + 5, v + 6, v + 7];
  const weights = Array.from({ length: maxTaps }, (_, t) => v + 8 + t);
  const accs = [0, 1, 2, 3].map((i) => v + 8 + maxTaps + i);
  const widen = [
    [lo, i32x4.extendLowU16],
    [lo, i32x4.extendHighU16],
    [hi, i32x4.extendLowU16],
    [hi, i32x4.extendHighU16],
  ] as const;

  /** The block loop over one row for exactly `taps` taps. */
  const rowLoop = (taps: number): Code =>
    loop(
      ...accs.map((acc) => [...get(half), ...set(acc)]),
      ...Array.from({ length: taps }, (_, t) => [
        ...get(pointers[t]!),
        ...v128.load(0),
        ...tee(hi),
        ...i16x8.extendLowU8,
        ...set(lo),
        ...get(hi),
        ...i16x8.extendHighU8,
        ...set(hi),
        ...widen.flatMap(([from, extend], i) => [
          ...get(accs[i]!),
          ...get(from),
          ...extend,
          ...get(weights[t]!),
          ...i32x4.mul,
          ...i32x4.add,
          ...set(accs[i]!),
        ]),
        ...[...get(pointers[t]!), ...i32.const(16), ...i32.add, ...set(pointers[t]!)],
      ]),
      get(q),
      ...[0, 1].map((pair) => [
        ...get(accs[2 * pair]!),
        ...i32.const(PRECISION_BITS),
        ...i32x4.shrS,
        ...get(accs[2 * pair + 1]!),
        ...i32.const(PRECISION_BITS),
        ...i32x4.shrS,
        ...i16x8.narrowI32x4S,
      ]),
      i8x16.narrowI16x8U,
      v128.store(0),
      [...get(q), ...i32.const(16), ...i32.add, ...tee(q), ...get(end), ...i32.ltU],
      brIf(0),
    );

  /** Writes 16 values of one channel (u8x16 on the stack) at plane pointer `o`. */
  const emit = (o: number): Code => {
    if (output === 'bytes') return [...set(lo), ...get(o), ...get(lo), ...v128.store(0)];
    return [...set(hi), ...storeNormalized16(o, hi, mean, std)];
  };
  const valueBytes = output === 'bytes' ? 1 : 4;
  /** 16 pixels from `q` into the planes at o0, o1, o2. */
  const pixels16: Code = [
    ...[...get(q), ...v128.load(0), ...set(a), ...get(q), ...v128.load(16), ...set(b), ...get(q), ...v128.load(32)],
    ...set(c),
    ...[o0, o1, o2].flatMap((o, ch) => [
      ...get(a),
      ...get(b),
      ...i8x16.shuffle(FIRST[ch]!),
      ...get(c),
      ...i8x16.shuffle(SECOND[ch]!),
      ...emit(o),
    ]),
  ];
  /** Plane pointers for pixel `at` (an i32 expression) of the current row. */
  const planesAt = (at: Code): Code => [
    ...[...get(out), ...at, ...i32.const(valueBytes), ...i32.mul, ...i32.add, ...tee(o0)],
    ...[...get(planeStride), ...i32.add, ...tee(o1), ...get(planeStride), ...i32.add, ...set(o2)],
  ];
  const split: Code = [
    ...[...get(tmp), ...set(q), ...get(blocks), ...set(k), ...planesAt(i32.const(0))],
    ...loop(
      pixels16,
      [...get(q), ...i32.const(48), ...i32.add, ...set(q)],
      ...[o0, o1, o2].map((o) => [...get(o), ...i32.const(16 * valueBytes), ...i32.add, ...set(o)]),
      [...get(k), ...i32.const(1), ...i32.sub, ...tee(k)],
      brIf(0),
    ),
    ...[...get(tail), ...i32.const(0), ...i32.geS],
    ...ifThen(
      [...get(tmp), ...get(tail), ...i32.const(3), ...i32.mul, ...i32.add, ...set(q)],
      planesAt(get(tail)),
      pixels16,
    ),
  ];

  // Dispatch on the row's tap count: block i (innermost first) runs the loop for i + 1 taps.
  const dispatch = (): Code => {
    let code: Code = block([...get(n), ...i32.const(1), ...i32.sub], brTable([...Array(maxTaps).keys()], maxTaps - 1));
    for (let taps = 1; taps <= maxTaps; taps++) code = block(code, rowLoop(taps), br(maxTaps - taps));
    return code;
  };
  const rowSetup: Code = [
    ...[...get(mid), ...get(coef), ...i32.load(0), ...i32.add, ...set(pointers[0]!)],
    ...pointers.slice(1).flatMap((pt, t) => [...get(pointers[t]!), ...get(midStride), ...i32.add, ...set(pt)]),
    ...[...get(coef), ...i32.load(4), ...set(n)],
    ...weights.flatMap((w, t) => [...get(coef), ...v128.load32Splat(8 + 4 * t), ...set(w)]),
    ...[...get(tmp), ...set(q), ...get(tmp), ...get(midStride), ...i32.add, ...set(end)],
  ];
  return [
    ...i32.const(HALF),
    ...i32x4.splat,
    ...set(half),
    ...(output === 'bytes' ? [] : [...f32x4.splat(output.mean), ...set(mean), ...f32x4.splat(output.std), ...set(std)]),
    ...loop(
      rowSetup,
      // The row loops live inside blocks the dispatch leaves; wrap them so `br` depths count from here.
      block(dispatch()),
      split,
      [...get(out), ...get(rowStep), ...i32.add, ...set(out)],
      [...get(coef), ...i32.const(4 * (2 + maxTaps)), ...i32.add, ...set(coef)],
      [...get(rows), ...i32.const(1), ...i32.sub, ...tee(rows)],
      brIf(0),
    ),
  ];
}

export function kernelModule(horizontalTaps: number, verticalTaps: number, mean: number, std: number): Uint8Array {
  const vertical = { params: 10, locals: { i32: 7 + verticalTaps, v128: 12 + verticalTaps } };
  return wasmModule(
    [
      { name: 'hpass', params: 7, locals: { i32: 4, v128: 2 }, body: horizontalPass(horizontalTaps) },
      { name: 'vfloat', ...vertical, body: verticalPass(verticalTaps, { mean, std }) },
      { name: 'vbytes', ...vertical, body: verticalPass(verticalTaps, 'bytes') },
    ],
    { importMemory: true },
  );
}
