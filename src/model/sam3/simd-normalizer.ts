// The model-input kernel in WebAssembly SIMD: bytes → (v − 127.5) / 127.5 as float32, 16 bytes per step, four
// times the JavaScript table loop's speed. The module is 230 bytes, assembled below from named opcodes.

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
const OP = { block: 0x02, loop: 0x03, br: 0x0c, brIf: 0x0d, end: 0x0b, localGet: 0x20, localSet: 0x21, i32Const: 0x41, f32Const: 0x43, i32GeU: 0x4f, i32Add: 0x6a, empty: 0x40 };
const SIMD = { load: 0x00, store: 0x0b, f32x4Splat: 0x13, i16x8ExtendLowU8: 0x89, i16x8ExtendHighU8: 0x8a, i32x4ExtendLowU16: 0xa9, i32x4ExtendHighU16: 0xaa, f32x4Sub: 0xe5, f32x4Div: 0xe7, f32x4ConvertI32x4U: 0xfb };
const simd = (op: number): number[] => [0xfd, ...leb(op)];
/** A memarg with no alignment promise and no offset beyond `offset`. */
const memarg = (offset: number): number[] => [0, ...leb(offset)];

/**
 * normalize(src, dst, n): for i in [0, n) step 16, dst[i..i+16) (float32) = (src[i..i+16) − 127.5) / 127.5.
 * Reads and writes whole 16-byte / 64-byte blocks, so n is rounded up: callers leave room after both ranges.
 * (v − 127.5) / 127.5 in float32 equals fround(v / 127.5 − 1) for every byte value (checked by the tests), so the
 * kernel gives exactly the table path's values.
 */
function kernelModule(): Uint8Array {
  const [src, dst, n, end, bytes, half] = [0, 1, 2, 3, 4, 5];
  // One quarter of the 16 loaded bytes: widen u8 → u16 → u32, convert to f32, subtract and divide, store.
  const quarter = (widen16: number, widen32: number, offset: number) => [
    OP.localGet, dst,
    OP.localGet, bytes, ...simd(widen16), ...simd(widen32), ...simd(SIMD.f32x4ConvertI32x4U),
    OP.localGet, half, ...simd(SIMD.f32x4Sub), OP.localGet, half, ...simd(SIMD.f32x4Div),
    ...simd(SIMD.store), ...memarg(offset),
  ];
  const body = [
    2, 1, I32, 2, V128, // locals: end (i32); bytes, half (v128)
    OP.localGet, src, OP.localGet, n, OP.i32Add, OP.localSet, end,
    OP.f32Const, ...f32Bytes(127.5), ...simd(SIMD.f32x4Splat), OP.localSet, half,
    OP.block, OP.empty, OP.loop, OP.empty,
    OP.localGet, src, OP.localGet, end, OP.i32GeU, OP.brIf, 1,
    OP.localGet, src, ...simd(SIMD.load), ...memarg(0), OP.localSet, bytes,
    ...quarter(SIMD.i16x8ExtendLowU8, SIMD.i32x4ExtendLowU16, 0),
    ...quarter(SIMD.i16x8ExtendLowU8, SIMD.i32x4ExtendHighU16, 16),
    ...quarter(SIMD.i16x8ExtendHighU8, SIMD.i32x4ExtendLowU16, 32),
    ...quarter(SIMD.i16x8ExtendHighU8, SIMD.i32x4ExtendHighU16, 48),
    OP.localGet, src, OP.i32Const, 16, OP.i32Add, OP.localSet, src,
    OP.localGet, dst, OP.i32Const, 0xc0, 0x00, OP.i32Add, OP.localSet, dst, // i32.const 64 (signed LEB128)
    OP.br, 0, OP.end, OP.end, OP.end,
  ];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // "\0asm", version 1
    ...section(1, [1, 0x60, 3, I32, I32, I32, 0]), // type 0: (i32, i32, i32) → ()
    ...section(3, [1, 0]), // function 0 has type 0
    ...section(5, [1, 0, 1]), // one memory, at least 1 page, grown as needed
    ...section(7, [2, ...utf8('normalize'), 0, 0, ...utf8('memory'), 2, 0]),
    ...section(10, [1, ...leb(body.length), ...body]),
  ]);
}

interface KernelExports {
  normalize(src: number, dst: number, n: number): void;
  memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
}

/** The part of the WebAssembly API used here (the project's TypeScript libraries do not declare it). */
interface WebAssemblyApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: unknown };
}

const PAGE_BYTES = 65536;

/** Bytes → float32 model input values, through the kernel. One per thread (it owns its WebAssembly memory). */
export class SimdNormalizer {
  private constructor(private readonly kernel: KernelExports) {}

  /** The normaliser, or null where this runtime has no WebAssembly SIMD (callers then use the table loop). */
  static create(): SimdNormalizer | null {
    const wasm = (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly;
    const bytes = kernelModule();
    if (!wasm || !wasm.validate(bytes)) return null;
    return new SimdNormalizer(new wasm.Instance(new wasm.Module(bytes)).exports as KernelExports);
  }

  /** `out[i]` = the normalised `bytes[i]` (equal lengths). */
  normalize(bytes: Uint8Array, out: Float32Array): void {
    const n = bytes.length;
    if (out.length !== n) throw new RangeError(`SimdNormalizer: ${n} bytes but room for ${out.length} values`);
    // Input at 0, output from the next 64-byte boundary; the kernel's last step may run up to 15 bytes past each.
    const dstAt = Math.ceil((n + 16) / 64) * 64;
    const needed = dstAt + 4 * n + 64;
    const memory = this.kernel.memory;
    if (memory.buffer.byteLength < needed) memory.grow(Math.ceil((needed - memory.buffer.byteLength) / PAGE_BYTES));
    new Uint8Array(memory.buffer, 0, n).set(bytes);
    this.kernel.normalize(0, dstAt, n);
    out.set(new Float32Array(memory.buffer, dstAt, n));
  }
}
