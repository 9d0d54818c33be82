// Two hot loops in WebAssembly SIMD, 16 values per step: model input bytes → (v − 127.5) / 127.5 as float32
// (≈ 2× the JavaScript table loop), and mask logits → 0/1 bytes (v > 0; ≈ 4× the JavaScript loop). The module is
// ≈ 400 bytes, assembled from named instructions (src/wasm/assembler.ts).
import {
  br,
  brIf,
  block,
  type Code,
  ensureMemory,
  f32x4,
  get,
  i16x8,
  i32,
  i8x16,
  instantiate,
  loop,
  set,
  storeNormalized16,
  v128,
  type WasmMemory,
  wasmModule,
} from '../../wasm/assembler.js';

/** A loop over [ptr, end) by `step` bytes of `ptr`: `body` runs while ptr < end. */
const stepLoop = (ptr: number, end: number, body: Code, advance: Code): Code =>
  block(loop([...get(ptr), ...get(end), ...i32.geU], brIf(1), body, advance, br(0)));

const bump = (local: number, by: number): Code => [...get(local), ...i32.const(by), ...i32.add, ...set(local)];

/**
 * normalize(src, dst, n): for i in [0, n) step 16, dst[i..i+16) (float32) = (src[i..i+16) − 127.5) / 127.5.
 * (v − 127.5) / 127.5 in float32 equals fround(v / 127.5 − 1) for every byte value (checked by the tests), so the
 * kernel gives exactly the table loop's values.
 */
function normalizeBody(): Code {
  const [src, dst, n, end, bytes, half] = [0, 1, 2, 3, 4, 5];
  return [
    ...[...get(src), ...get(n), ...i32.add, ...set(end)],
    ...[...f32x4.splat(127.5), ...set(half)],
    ...stepLoop(
      src,
      end,
      [...[...get(src), ...v128.load(0), ...set(bytes)], ...storeNormalized16(dst, bytes, half, half)],
      [...bump(src, 16), ...bump(dst, 64)],
    ),
  ];
}

/**
 * threshold(src, dst, n): for i in [0, n) step 16, dst[i..i+16) (bytes) = 1 where the float32 src[i] > 0, else 0
 * (NaN → 0, as in JavaScript). Compares give 0/−1 lanes, narrowed 32 → 16 → 8 bits with signed saturation, masked
 * with 1.
 */
function thresholdBody(): Code {
  const [src, dst, n, end, zero, one] = [0, 1, 2, 3, 4, 5];
  const compare = (offset: number): Code => [...get(src), ...v128.load(offset), ...get(zero), ...f32x4.gt];
  return [
    ...[...get(dst), ...get(n), ...i32.add, ...set(end)],
    ...[...f32x4.splat(0), ...set(zero), ...i32.const(1), ...i8x16.splat, ...set(one)],
    ...stepLoop(
      dst,
      end,
      [
        ...get(dst),
        ...compare(0),
        ...compare(16),
        ...i16x8.narrowI32x4S,
        ...compare(32),
        ...compare(48),
        ...i16x8.narrowI32x4S,
        ...i8x16.narrowI16x8S,
        ...get(one),
        ...v128.and,
        ...v128.store(0),
      ],
      [...bump(src, 64), ...bump(dst, 16)],
    ),
  ];
}

/** Both kernels read and write whole 16-value blocks, so n is rounded up: callers leave room after each range. */
const kernelModule = (): Uint8Array =>
  wasmModule([
    { name: 'normalize', params: 3, locals: { i32: 1, v128: 2 }, body: normalizeBody() },
    { name: 'threshold', params: 3, locals: { i32: 1, v128: 2 }, body: thresholdBody() },
  ]);

interface KernelExports {
  normalize(src: number, dst: number, n: number): void;
  threshold(src: number, dst: number, n: number): void;
  memory: WasmMemory;
}

/** The kernels on one WebAssembly memory. One per thread; calls are synchronous, so they share the memory. */
export class SimdKernels {
  private constructor(private readonly kernel: KernelExports) {}

  /** The kernels, or null where this runtime has no WebAssembly SIMD (callers then use their JavaScript loops). */
  static create(): SimdKernels | null {
    const kernel = instantiate<KernelExports>(kernelModule());
    return kernel ? new SimdKernels(kernel) : null;
  }

  /** Input at 0, output from the next 64-byte boundary, each with room for a last partial block. */
  private layout(inputBytes: number, outputBytes: number): number {
    const outAt = Math.ceil((inputBytes + 64) / 64) * 64;
    ensureMemory(this.kernel.memory, outAt + outputBytes + 64);
    return outAt;
  }

  /** `out[i]` = the normalised `bytes[i]` (equal lengths). */
  normalize(bytes: Uint8Array, out: Float32Array): void {
    const n = bytes.length;
    if (out.length !== n) throw new RangeError(`SimdKernels.normalize: ${n} bytes but room for ${out.length} values`);
    const outAt = this.layout(n, 4 * n);
    const buffer = this.kernel.memory.buffer;
    new Uint8Array(buffer, 0, n).set(bytes);
    this.kernel.normalize(0, outAt, n);
    out.set(new Float32Array(buffer, outAt, n));
  }

  /** `out[i]` = 1 where `logits[i]` > 0, else 0 (equal lengths). */
  threshold(logits: Float32Array, out: Uint8Array): void {
    const n = logits.length;
    if (out.length !== n) throw new RangeError(`SimdKernels.threshold: ${n} values but room for ${out.length} bytes`);
    const outAt = this.layout(4 * n, n);
    const buffer = this.kernel.memory.buffer;
    new Float32Array(buffer, 0, n).set(logits);
    this.kernel.threshold(0, outAt, n);
    out.set(new Uint8Array(buffer, outAt, n));
  }
}

/** This thread's kernels: undefined until first asked for, null where WebAssembly SIMD is missing. */
let shared: SimdKernels | null | undefined;

/** This thread's kernels (made on first use), or null where WebAssembly SIMD is missing. */
export function simdKernels(): SimdKernels | null {
  if (shared === undefined) shared = SimdKernels.create();
  return shared;
}
