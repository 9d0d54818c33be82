// The PIL-exact bilinear resize (resize-bilinear.ts) in WebAssembly SIMD, fused with the split into planes and, for
// model input, the normalisation to float32: same coefficients, same 22-bit fixed point, same rounding and clipping
// between the passes, so the bytes are PIL's. Modules are assembled per tap count (the tap loops unrolled).
//
// Horizontal pass: one output pixel per step, its R, G and B (and a spare) in the four i32 lanes, one multiply-add
// per tap. Vertical pass: 16 bytes per step across the row, four i32x4 sums per tap; the clip to 0…255 is the
// saturating narrowing i32 → i16 → u8. Then 48 bytes (16 pixels) are split into R, G and B with two shuffles each
// and written as bytes or as (v − mean) / std in float32. Work goes in chunks of output rows, so the input rows of a
// chunk and their horizontal pass stay in cache and memory stays bounded whatever the image size.
import type { RawImage } from '../domain/image.js';
import {
  br,
  brIf,
  brTable,
  block,
  type Code,
  ensureMemory,
  f32x4,
  get,
  i16x8,
  i32,
  i32x4,
  i8x16,
  ifThen,
  compile,
  instantiateOn,
  newMemory,
  loop,
  set,
  tee,
  v128,
  type WasmMemory,
  wasmModule,
} from '../wasm/assembler.js';
import { axisCoefficients, resizeBilinearRows } from './resize-bilinear.js';

const PRECISION_BITS = 22;
const HALF = 1 << (PRECISION_BITS - 1);
/** Output rows per chunk: the chunk's input rows (≈ 35 at 1080p → 1008) and their horizontal pass fit in L2. */
const CHUNK_ROWS = 32;

/** A kernel instance: each export runs over byte offsets into the arena's memory. */
interface ResizeExports {
  hpass(
    src: number,
    srcStride: number,
    rows: number,
    coef: number,
    outWidth: number,
    dst: number,
    dstStride: number,
  ): void;
  vfloat(mid: number, midStride: number, coef: number, rows: number, tmp: number, blocks: number, out: number, planeStride: number, rowStep: number, tail: number): void; // prettier-ignore
  vbytes(mid: number, midStride: number, coef: number, rows: number, tmp: number, blocks: number, out: number, planeStride: number, rowStep: number, tail: number): void; // prettier-ignore
}

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
    const quarter = (from: number, extend16: Code, extend32: Code, offset: number): Code => [
      ...get(o),
      ...get(from),
      ...extend16,
      ...extend32,
      ...f32x4.convertI32x4S,
      ...get(mean),
      ...f32x4.sub,
      ...get(std),
      ...f32x4.div,
      ...v128.store(offset),
    ];
    return [
      ...set(hi),
      ...quarter(hi, i16x8.extendLowU8, i32x4.extendLowU16, 0),
      ...quarter(hi, i16x8.extendLowU8, i32x4.extendHighU16, 16),
      ...quarter(hi, i16x8.extendHighU8, i32x4.extendLowU16, 32),
      ...quarter(hi, i16x8.extendHighU8, i32x4.extendHighU16, 48),
    ];
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

function kernelModule(horizontalTaps: number, verticalTaps: number, mean: number, std: number): Uint8Array {
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

/** How model input is normalised: (v − mean) / std per channel value, in float32. */
export interface Normalization {
  mean: number;
  std: number;
}

const ceilTo = (n: number, step: number): number => Math.ceil(n / step) * step;

/**
 * A WebAssembly memory the kernels run on. As a model-input arena it holds the output planes at offset 0, which stay
 * valid (the memory does not grow) until its holder hands the arena back.
 */
export class ResizeArena {
  readonly memory: WasmMemory;
  readonly instances = new Map<string, ResizeExports>();
  constructor(bytes: number) {
    this.memory = newMemory(bytes);
  }
}

/** Where a run writes: planes of the whole image at 0 (an arena), or each chunk's planes after the scratch. */
type Destination = { kind: 'arena' } | { kind: 'copy'; out: Float32Array | Uint8Array };

/** The kernels on this thread: one compiled module per (horizontal taps, vertical taps, normalisation). */
export class SimdResize {
  private readonly modules = new Map<string, object | null>();
  private readonly scratch = new ResizeArena(1);

  /** Whether this runtime runs the kernels (WebAssembly SIMD). */
  static supported(): boolean {
    return compile(kernelModule(1, 1, 0, 1)) !== null;
  }

  private kernel(arena: ResizeArena, hTaps: number, vTaps: number, norm: Normalization): ResizeExports | null {
    const key = `${hTaps}/${vTaps}/${norm.mean}/${norm.std}`;
    const ready = arena.instances.get(key);
    if (ready) return ready;
    if (!this.modules.has(key)) this.modules.set(key, compile(kernelModule(hTaps, vTaps, norm.mean, norm.std)));
    const module = this.modules.get(key);
    if (!module) return null;
    const kernel = instantiateOn<ResizeExports>(module, arena.memory);
    arena.instances.set(key, kernel);
    return kernel;
  }

  /**
   * Output rows [rowFrom, rowTo) of the PIL-exact resize of `image` to outWidth × outHeight, written as three planes
   * (R, G, B; each outWidth × outHeight) into `out`: float32 (v − mean) / std when `out` is a Float32Array, the bytes
   * when it is a Uint8Array. Returns false (nothing written) where WebAssembly SIMD is missing or the output is
   * narrower than 16 pixels (the callers' JavaScript handles those).
   */
  resizeRows(
    image: RawImage,
    outWidth: number,
    outHeight: number,
    rowFrom: number,
    rowTo: number,
    out: Float32Array | Uint8Array,
    norm: Normalization = { mean: 0, std: 1 },
  ): boolean {
    return this.run(this.scratch, image, outWidth, outHeight, rowFrom, rowTo, norm, { kind: 'copy', out });
  }

  /**
   * The whole resize as float32 planes (v − mean) / std written at offset 0 of `arena`, returned as a view there
   * (no copy); null where the kernels cannot run (as `resizeRows`). The view is valid until the arena is reused.
   */
  modelInput(image: RawImage, outWidth: number, outHeight: number, norm: Normalization, arena: ResizeArena) {
    const ok = this.run(arena, image, outWidth, outHeight, 0, outHeight, norm, { kind: 'arena' });
    return ok ? new Float32Array(arena.memory.buffer, 0, 3 * outWidth * outHeight) : null;
  }

  private run(
    arena: ResizeArena,
    image: RawImage,
    outWidth: number,
    outHeight: number,
    rowFrom: number,
    rowTo: number,
    norm: Normalization,
    dest: Destination,
  ): boolean {
    if (outWidth < 16) return false;
    const { width, height, data } = image;
    const h = axisCoefficients(width, outWidth);
    const v = axisCoefficients(height, outHeight);
    const hTaps = Math.max(...h.count);
    const vTaps = Math.max(...v.count);
    const kernel = this.kernel(arena, hTaps, vTaps, norm);
    if (!kernel) return false;
    if (rowTo <= rowFrom) return true;
    const floats = dest.kind === 'arena' || dest.out instanceof Float32Array;
    const valueBytes = floats ? 4 : 1;
    const inStride = width * 3;
    const midStride = ceilTo(outWidth * 3, 48);
    let maxInRows = 0;
    for (let y0 = rowFrom; y0 < rowTo; y0 += CHUNK_ROWS) {
      const y1 = Math.min(rowTo, y0 + CHUNK_ROWS);
      maxInRows = Math.max(maxInRows, v.first[y1 - 1]! + v.count[y1 - 1]! - v.first[y0]!);
    }
    // Layout: [the image's planes (arena)] coefficients, scratch row, input rows, horizontal rows, [chunk planes].
    const imagePlane = outWidth * outHeight * valueBytes;
    const chunkPlane = CHUNK_ROWS * outWidth * valueBytes;
    const hCoefAt = dest.kind === 'arena' ? ceilTo(3 * imagePlane, 64) : 0;
    const vCoefAt = ceilTo(hCoefAt + outWidth * (hTaps + 1) * 4, 64);
    const tmpAt = ceilTo(vCoefAt + CHUNK_ROWS * (2 + vTaps) * 4, 64);
    const inAt = ceilTo(tmpAt + midStride + 64, 64);
    const midAt = ceilTo(inAt + maxInRows * inStride + 3 * hTaps + 16, 64);
    const chunkAt = ceilTo(midAt + maxInRows * midStride + 64, 64);
    ensureMemory(arena.memory, chunkAt + (dest.kind === 'copy' ? 3 * chunkPlane : 0));
    const buffer = arena.memory.buffer;
    const words = new Int32Array(buffer);
    const bytes = new Uint8Array(buffer);

    const hRecord = hTaps + 1;
    for (let x = 0; x < outWidth; x++) {
      const r = hCoefAt / 4 + x * hRecord;
      words[r] = h.first[x]! * 3;
      for (let t = 0; t < hTaps; t++) words[r + 1 + t] = t < h.count[x]! ? h.weights[x * h.taps + t]! : 0;
    }
    const vRecord = 2 + vTaps;
    const pass = floats ? kernel.vfloat : kernel.vbytes;
    const tail = outWidth % 16 === 0 ? -1 : outWidth - 16;
    for (let y0 = rowFrom; y0 < rowTo; y0 += CHUNK_ROWS) {
      const y1 = Math.min(rowTo, y0 + CHUNK_ROWS);
      const inFrom = v.first[y0]!;
      const inTo = v.first[y1 - 1]! + v.count[y1 - 1]!;
      bytes.set(data.subarray(inFrom * inStride, inTo * inStride), inAt);
      kernel.hpass(inAt, inStride, inTo - inFrom, hCoefAt, outWidth, midAt, midStride);
      for (let y = y0; y < y1; y++) {
        const r = vCoefAt / 4 + (y - y0) * vRecord;
        words[r] = (v.first[y]! - inFrom) * midStride;
        words[r + 1] = v.count[y]!;
        for (let t = 0; t < vTaps; t++) words[r + 2 + t] = t < v.count[y]! ? v.weights[y * v.taps + t]! : 0;
      }
      const blocks = Math.floor(outWidth / 16);
      const rowStep = outWidth * valueBytes;
      if (dest.kind === 'arena') {
        pass(midAt, midStride, vCoefAt, y1 - y0, tmpAt, blocks, y0 * rowStep, imagePlane, rowStep, tail);
        continue;
      }
      pass(midAt, midStride, vCoefAt, y1 - y0, tmpAt, blocks, chunkAt, chunkPlane, rowStep, tail);
      const n = (y1 - y0) * outWidth;
      for (let ch = 0; ch < 3; ch++) {
        const at = chunkAt + ch * chunkPlane;
        const plane = floats ? new Float32Array(buffer, at, n) : new Uint8Array(buffer, at, n);
        dest.out.set(plane, ch * outWidth * outHeight + y0 * outWidth);
      }
    }
    return true;
  }
}

/** This thread's kernels: created on first use. */
let shared: SimdResize | undefined;

/** JavaScript for runtimes without WebAssembly SIMD (and the tests' second opinion): the same values. */
export function resizeRowsToPlanesScalar(
  image: RawImage,
  outWidth: number,
  outHeight: number,
  rowFrom: number,
  rowTo: number,
  out: Float32Array | Uint8Array,
  norm: Normalization = { mean: 0, std: 1 },
): void {
  if (rowTo <= rowFrom) return;
  const rgb = new Uint8Array(outWidth * outHeight * 3);
  resizeBilinearRows(image, outWidth, outHeight, rowFrom, rowTo, rgb);
  const plane = outWidth * outHeight;
  if (out instanceof Uint8Array) {
    for (let p = rowFrom * outWidth, s = p * 3; p < rowTo * outWidth; p++, s += 3) {
      out[p] = rgb[s]!;
      out[plane + p] = rgb[s + 1]!;
      out[2 * plane + p] = rgb[s + 2]!;
    }
    return;
  }
  // (v − mean) / std in float32: v − mean is exact, and a float64 quotient rounded once equals the float32 one.
  const table = Float32Array.from({ length: 256 }, (_, value) => (value - norm.mean) / norm.std);
  for (let p = rowFrom * outWidth, s = p * 3; p < rowTo * outWidth; p++, s += 3) {
    out[p] = table[rgb[s]!]!;
    out[plane + p] = table[rgb[s + 1]!]!;
    out[2 * plane + p] = table[rgb[s + 2]!]!;
  }
}

/**
 * Output rows [rowFrom, rowTo) of the PIL-exact bilinear resize of interleaved RGB `image` to outWidth × outHeight,
 * as three planes R, G, B in `out` (3 · outWidth · outHeight values): float32 (v − mean) / std for a Float32Array
 * (model input), bytes for a Uint8Array. WebAssembly SIMD where the runtime has it, else the same values in JavaScript.
 */
export function resizeRowsToPlanes(
  image: RawImage,
  outWidth: number,
  outHeight: number,
  rowFrom: number,
  rowTo: number,
  out: Float32Array | Uint8Array,
  norm: Normalization = { mean: 0, std: 1 },
): void {
  if (out.length !== 3 * outWidth * outHeight)
    throw new RangeError(`resizeRowsToPlanes: room for ${out.length} values, not 3 × ${outWidth} × ${outHeight}`);
  shared ??= new SimdResize();
  if (!shared.resizeRows(image, outWidth, outHeight, rowFrom, rowTo, out, norm))
    resizeRowsToPlanesScalar(image, outWidth, outHeight, rowFrom, rowTo, out, norm);
}
