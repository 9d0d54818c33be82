// Two hot loops in WebAssembly SIMD, 16 values per step: model input bytes → (v − 127.5) / 127.5 as float32
// (≈ 2× the JavaScript table loop), and mask logits → 0/1 bytes (v > 0; ≈ 4× the JavaScript loop). The module is
// ≈ 400 bytes, assembled below from named opcodes.
/** Unsigned LEB128 (section sizes, indices, SIMD opcodes). */
function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

const f32Bytes = (x: number): number[] => [...new Uint8Array(Float32Array.of(x).buffer)];
const section = (id: number, bytes: number[]): number[] => [id, ...leb(bytes.length), ...bytes];
const utf8 = (s: string): number[] => [...leb(s.length), ...new TextEncoder().encode(s)];

// Opcodes (WebAssembly core 2.0, §5.4). SIMD instructions are 0xfd followed by a LEB128 sub-opcode.
const I32 = 0x7f;
const V128 = 0x7b;
const OP = {
  block: 0x02,
  loop: 0x03,
  br: 0x0c,
  brIf: 0x0d,
  end: 0x0b,
  localGet: 0x20,
  localSet: 0x21,
  i32Const: 0x41,
  f32Const: 0x43,
  i32GeU: 0x4f,
  i32Add: 0x6a,
  empty: 0x40,
};
const SIMD = {
  load: 0x00,
  store: 0x0b,
  i8x16Splat: 0x0f,
  f32x4Splat: 0x13,
  f32x4Gt: 0x44,
  v128And: 0x4e,
  i8x16NarrowI16x8S: 0x65,
  i16x8NarrowI32x4S: 0x85,
  i16x8ExtendLowU8: 0x89,
  i16x8ExtendHighU8: 0x8a,
  i32x4ExtendLowU16: 0xa9,
  i32x4ExtendHighU16: 0xaa,
  f32x4Sub: 0xe5,
  f32x4Div: 0xe7,
  f32x4ConvertI32x4S: 0xfa,
};
const simd = (op: number): number[] => [0xfd, ...leb(op)];
/** A memarg with no alignment promise and no offset beyond `offset`. */
const memarg = (offset: number): number[] => [0, ...leb(offset)];

/**
 * normalize(src, dst, n): for i in [0, n) step 16, dst[i..i+16) (float32) = (src[i..i+16) − 127.5) / 127.5.
 * (v − 127.5) / 127.5 in float32 equals fround(v / 127.5 − 1) for every byte value (checked by the tests), so the
 * kernel gives exactly the table loop's values.
 */
function normalizeBody(): number[] {
  const [src, dst, n, end, bytes, half] = [0, 1, 2, 3, 4, 5];
  // One quarter of the 16 loaded bytes: widen u8 → u16 → u32, convert to f32, subtract and divide, store. The lanes
  // hold 0…255, so the signed conversion gives the same floats; x64 has an instruction for it, while V8 emulates
  // the unsigned one in several (one plane: 0.49 → 0.28 ms in a one-off measurement).
  const quarter = (widen16: number, widen32: number, offset: number) => [
    OP.localGet,
    dst,
    OP.localGet,
    bytes,
    ...simd(widen16),
    ...simd(widen32),
    ...simd(SIMD.f32x4ConvertI32x4S),
    OP.localGet,
    half,
    ...simd(SIMD.f32x4Sub),
    OP.localGet,
    half,
    ...simd(SIMD.f32x4Div),
    ...simd(SIMD.store),
    ...memarg(offset),
  ];
  return [
    2,
    1,
    I32,
    2,
    V128, // locals: end (i32); bytes, half (v128)
    OP.localGet,
    src,
    OP.localGet,
    n,
    OP.i32Add,
    OP.localSet,
    end,
    OP.f32Const,
    ...f32Bytes(127.5),
    ...simd(SIMD.f32x4Splat),
    OP.localSet,
    half,
    OP.block,
    OP.empty,
    OP.loop,
    OP.empty,
    OP.localGet,
    src,
    OP.localGet,
    end,
    OP.i32GeU,
    OP.brIf,
    1,
    OP.localGet,
    src,
    ...simd(SIMD.load),
    ...memarg(0),
    OP.localSet,
    bytes,
    ...quarter(SIMD.i16x8ExtendLowU8, SIMD.i32x4ExtendLowU16, 0),
    ...quarter(SIMD.i16x8ExtendLowU8, SIMD.i32x4ExtendHighU16, 16),
    ...quarter(SIMD.i16x8ExtendHighU8, SIMD.i32x4ExtendLowU16, 32),
    ...quarter(SIMD.i16x8ExtendHighU8, SIMD.i32x4ExtendHighU16, 48),
    OP.localGet,
    src,
    OP.i32Const,
    16,
    OP.i32Add,
    OP.localSet,
    src,
    OP.localGet,
    dst,
    OP.i32Const,
    0xc0,
    0x00,
    OP.i32Add,
    OP.localSet,
    dst, // i32.const 64 (signed LEB128)
    OP.br,
    0,
    OP.end,
    OP.end,
    OP.end,
  ];
}

/**
 * threshold(src, dst, n): for i in [0, n) step 16, dst[i..i+16) (bytes) = 1 where the float32 src[i] > 0, else 0
 * (NaN → 0, as in JavaScript). Compares give 0/−1 lanes, narrowed 32 → 16 → 8 bits with signed saturation, masked
 * with 1.
 */
function thresholdBody(): number[] {
  const [src, dst, n, end, zero, one] = [0, 1, 2, 3, 4, 5];
  const compare = (offset: number) => [
    OP.localGet,
    src,
    ...simd(SIMD.load),
    ...memarg(offset),
    OP.localGet,
    zero,
    ...simd(SIMD.f32x4Gt),
  ];
  return [
    2,
    1,
    I32,
    2,
    V128, // locals: end (i32); zero, one (v128)
    OP.localGet,
    dst,
    OP.localGet,
    n,
    OP.i32Add,
    OP.localSet,
    end,
    OP.f32Const,
    ...f32Bytes(0),
    ...simd(SIMD.f32x4Splat),
    OP.localSet,
    zero,
    OP.i32Const,
    1,
    ...simd(SIMD.i8x16Splat),
    OP.localSet,
    one,
    OP.block,
    OP.empty,
    OP.loop,
    OP.empty,
    OP.localGet,
    dst,
    OP.localGet,
    end,
    OP.i32GeU,
    OP.brIf,
    1,
    OP.localGet,
    dst,
    ...compare(0),
    ...compare(16),
    ...simd(SIMD.i16x8NarrowI32x4S),
    ...compare(32),
    ...compare(48),
    ...simd(SIMD.i16x8NarrowI32x4S),
    ...simd(SIMD.i8x16NarrowI16x8S),
    OP.localGet,
    one,
    ...simd(SIMD.v128And),
    ...simd(SIMD.store),
    ...memarg(0),
    OP.localGet,
    src,
    OP.i32Const,
    0xc0,
    0x00,
    OP.i32Add,
    OP.localSet,
    src, // i32.const 64 (signed LEB128)
    OP.localGet,
    dst,
    OP.i32Const,
    16,
    OP.i32Add,
    OP.localSet,
    dst,
    OP.br,
    0,
    OP.end,
    OP.end,
    OP.end,
  ];
}

/** Both kernels read and write whole 16-value blocks, so n is rounded up: callers leave room after each range. */
function kernelModule(): Uint8Array {
  const code = [normalizeBody(), thresholdBody()];
  return new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00, // "\0asm", version 1
    ...section(1, [1, 0x60, 3, I32, I32, I32, 0]), // type 0: (i32, i32, i32) → ()
    ...section(3, [2, 0, 0]), // functions 0 and 1 have type 0
    ...section(5, [1, 0, 1]), // one memory, at least 1 page, grown as needed
    ...section(7, [3, ...utf8('normalize'), 0, 0, ...utf8('threshold'), 0, 1, ...utf8('memory'), 2, 0]),
    ...section(10, [code.length, ...code.flatMap((body) => [...leb(body.length), ...body])]),
  ]);
}

interface KernelExports {
  normalize(src: number, dst: number, n: number): void;
  threshold(src: number, dst: number, n: number): void;
  memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
}

/** The part of the WebAssembly API used here (the project's TypeScript libraries do not declare it). */
interface WebAssemblyApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: unknown };
}

const PAGE_BYTES = 65536;

/** The kernels on one WebAssembly memory. One per thread; calls are synchronous, so they share the memory. */
export class SimdKernels {
  private constructor(private readonly kernel: KernelExports) {}

  /** The kernels, or null where this runtime has no WebAssembly SIMD (callers then use their JavaScript loops). */
  static create(): SimdKernels | null {
    const wasm = (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly;
    const bytes = kernelModule();
    if (!wasm || !wasm.validate(bytes)) return null;
    return new SimdKernels(new wasm.Instance(new wasm.Module(bytes)).exports as KernelExports);
  }

  /** Input at 0, output from the next 64-byte boundary, each with room for a last partial block. */
  private layout(inputBytes: number, outputBytes: number): number {
    const outAt = Math.ceil((inputBytes + 64) / 64) * 64;
    const needed = outAt + outputBytes + 64;
    const memory = this.kernel.memory;
    if (memory.buffer.byteLength < needed) memory.grow(Math.ceil((needed - memory.buffer.byteLength) / PAGE_BYTES));
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
