// The PIL-exact bilinear resize (resize-bilinear.ts) in WebAssembly SIMD (resize-simd-kernels.ts), fused with the
// split into planes and, for model input, the normalisation to float32. Work goes in chunks of output rows, so the
// input rows of a chunk and their horizontal pass stay in cache and memory stays bounded whatever the image size;
// model input is written straight into a WebAssembly memory handed out as the planes (no copy).
import type { RawImage } from '../domain/image.js';
import { compile, ensureMemory, instantiateOn, newMemory, type WasmMemory } from '../wasm/assembler.js';
import { axisCoefficients, resizeBilinearRows } from './resize-bilinear.js';
import { kernelModule, type ResizeExports } from './resize-simd-kernels.js';

/** Output rows per chunk: the chunk's input rows (≈ 35 at 1080p → 1008) and their horizontal pass fit in L2. */
const CHUNK_ROWS = 32;

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

/** Compiled kernel modules of this thread, by (horizontal taps, vertical taps, normalisation); null: no SIMD. */
const compiled = new Map<string, object | null>();

/** The kernels on this thread, instantiated per arena from the thread's compiled modules. */
export class SimdResize {
  private readonly scratch = new ResizeArena(1);

  /** Whether this runtime runs the kernels (WebAssembly SIMD). */
  static supported(): boolean {
    return compile(kernelModule(1, 1, 0, 1)) !== null;
  }

  private kernel(arena: ResizeArena, hTaps: number, vTaps: number, norm: Normalization): ResizeExports | null {
    const key = `${hTaps}/${vTaps}/${norm.mean}/${norm.std}`;
    const ready = arena.instances.get(key);
    if (ready) return ready;
    if (!compiled.has(key)) compiled.set(key, compile(kernelModule(hTaps, vTaps, norm.mean, norm.std)));
    const module = compiled.get(key);
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
  // Each byte through a table: itself for bytes; for floats (v − mean) / std (v − mean is exact, and a float64
  // quotient rounded once equals the float32 one).
  const table =
    out instanceof Uint8Array ? IDENTITY : Float32Array.from({ length: 256 }, (_, v) => (v - norm.mean) / norm.std);
  for (let p = rowFrom * outWidth, s = p * 3; p < rowTo * outWidth; p++, s += 3) {
    out[p] = table[rgb[s]!]!;
    out[plane + p] = table[rgb[s + 1]!]!;
    out[2 * plane + p] = table[rgb[s + 2]!]!;
  }
}

const IDENTITY = Uint8Array.from({ length: 256 }, (_, v) => v);

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
