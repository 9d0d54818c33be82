// WebAssembly modules assembled at run time from named instructions: the SIMD kernels need no toolchain to build and
// can be specialised (unrolled) for the sizes at hand. Opcodes from WebAssembly core 2.0 §5.4 (SIMD: 0xfd + LEB128).

/** A sequence of instruction bytes. */
export type Code = number[];

/** Unsigned LEB128. */
export function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 (i32 constants). */
export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

export const I32 = 0x7f;
export const V128 = 0x7b;

const f32Bytes = (x: number): number[] => [...new Uint8Array(Float32Array.of(x).buffer)];
const simd = (op: number, ...rest: number[]): Code => [0xfd, ...leb(op), ...rest];
/** A memory immediate: no alignment promise, a constant byte offset. */
const memarg = (offset: number): number[] => [0, ...leb(offset)];

/** Locals. */
export const get = (index: number): Code => [0x20, ...leb(index)];
export const set = (index: number): Code => [0x21, ...leb(index)];
export const tee = (index: number): Code => [0x22, ...leb(index)];

/** Control: structured blocks take their body; `depth` counts enclosing blocks outwards from 0. */
export const block = (...body: Code[]): Code => [0x02, 0x40, ...body.flat(), 0x0b];
export const loop = (...body: Code[]): Code => [0x03, 0x40, ...body.flat(), 0x0b];
export const br = (depth: number): Code => [0x0c, ...leb(depth)];
export const brIf = (depth: number): Code => [0x0d, ...leb(depth)];
/** Runs `body` when the i32 on the stack is not 0. */
export const ifThen = (...body: Code[]): Code => [0x04, 0x40, ...body.flat(), 0x0b];
/** Branches to `depths[i]` for i on the stack, else to `otherwise`. */
export const brTable = (depths: number[], otherwise: number): Code => [
  0x0e,
  ...leb(depths.length),
  ...depths.flatMap(leb),
  ...leb(otherwise),
];

/** Scalar i32 instructions. */
export const i32 = {
  const: (n: number): Code => [0x41, ...sleb(n)],
  load: (offset = 0): Code => [0x28, ...memarg(offset)],
  eqz: [0x45],
  ne: [0x47],
  ltU: [0x49],
  geS: [0x4e],
  store: (offset = 0): Code => [0x36, ...memarg(offset)],
  ctz: [0x68],
  and: [0x71],
  geU: [0x4f],
  add: [0x6a],
  sub: [0x6b],
  mul: [0x6c],
};

/** SIMD instructions (v128 lanes as named). */
export const v128 = {
  load: (offset = 0): Code => simd(0x00, ...memarg(offset)),
  /** 8 bytes, each zero-extended to an i16 lane. */
  load8x8U: (offset = 0): Code => simd(0x02, ...memarg(offset)),
  /** One i32 from memory into every lane. */
  load32Splat: (offset = 0): Code => simd(0x09, ...memarg(offset)),
  store: (offset = 0): Code => simd(0x0b, ...memarg(offset)),
  store32Lane: (lane: number, offset = 0): Code => simd(0x5a, ...memarg(offset), lane),
  and: simd(0x4e),
  xor: simd(0x51),
};
export const i8x16 = {
  /** Lanes of the 32-byte concatenation of the two operands, by index. */
  shuffle: (lanes: number[]): Code => simd(0x0d, ...lanes),
  splat: simd(0x0f),
  eq: simd(0x23),
  /** One bit per lane: its top bit. */
  bitmask: simd(0x64),
  narrowI16x8S: simd(0x65),
  narrowI16x8U: simd(0x66),
};
export const i16x8 = {
  narrowI32x4S: simd(0x85),
  extendLowU8: simd(0x89),
  extendHighU8: simd(0x8a),
};
export const i32x4 = {
  splat: simd(0x11),
  extendLowU16: simd(0xa9),
  extendHighU16: simd(0xaa),
  shrS: simd(0xac),
  add: simd(0xae),
  mul: simd(0xb5),
};
export const f32x4 = {
  splat: (x: number): Code => [0x43, ...f32Bytes(x), ...simd(0x13)],
  gt: simd(0x44),
  sub: simd(0xe5),
  div: simd(0xe7),
  convertI32x4S: simd(0xfa),
};

/**
 * The 16 bytes in v128 local `bytes` as float32 (v − mean) / std (`mean`, `std`: f32x4 locals), stored at the
 * address in i32 local `dst` as four f32x4. Bytes are 0…255, so the signed i32 → f32 conversion (one x64
 * instruction; V8 emulates the unsigned one) gives the same floats.
 */
export function storeNormalized16(dst: number, bytes: number, mean: number, std: number): Code {
  const quarter = (widen16: Code, widen32: Code, offset: number): Code => [
    ...get(dst),
    ...get(bytes),
    ...widen16,
    ...widen32,
    ...f32x4.convertI32x4S,
    ...get(mean),
    ...f32x4.sub,
    ...get(std),
    ...f32x4.div,
    ...v128.store(offset),
  ];
  return [
    ...quarter(i16x8.extendLowU8, i32x4.extendLowU16, 0),
    ...quarter(i16x8.extendLowU8, i32x4.extendHighU16, 16),
    ...quarter(i16x8.extendHighU8, i32x4.extendLowU16, 32),
    ...quarter(i16x8.extendHighU8, i32x4.extendHighU16, 48),
  ];
}

export interface WasmFunction {
  /** The export name. */
  name: string;
  /** Every parameter is an i32 (pointers, counts). */
  params: number;
  /** Declared locals after the parameters, by type, in order. */
  locals: { i32?: number; v128?: number };
  body: Code;
}

const section = (id: number, bytes: number[]): number[] => [id, ...leb(bytes.length), ...bytes];
const utf8 = (s: string): number[] => [...leb(s.length), ...new TextEncoder().encode(s)];

/**
 * A module of `functions` over one memory: its own, exported as `memory` (1 page at first, grown by the caller), or
 * with `importMemory` the caller's, imported as `env.memory` (so several instances can each write their own).
 */
export function wasmModule(functions: WasmFunction[], options: { importMemory?: boolean } = {}): Uint8Array {
  const types = functions.map((f) => [0x60, ...leb(f.params), ...Array<number>(f.params).fill(I32), 0]);
  const exports = functions.flatMap((f, i) => [...utf8(f.name), 0, ...leb(i)]);
  const bodies = functions.map((f) => {
    const groups = [
      [f.locals.i32 ?? 0, I32],
      [f.locals.v128 ?? 0, V128],
    ].filter(([count]) => count! > 0);
    const body = [
      ...leb(groups.length),
      ...groups.flatMap(([count, type]) => [...leb(count!), type!]),
      ...f.body,
      0x0b,
    ];
    return [...leb(body.length), ...body];
  });
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // "\0asm", version 1
    ...section(1, [...leb(types.length), ...types.flat()]),
    ...(options.importMemory ? section(2, [1, ...utf8('env'), ...utf8('memory'), 2, 0, 1]) : []),
    ...section(3, [...leb(functions.length), ...functions.map((_, i) => i).flatMap(leb)]),
    ...(options.importMemory
      ? section(7, [...leb(functions.length), ...exports])
      : [...section(5, [1, 0, 1]), ...section(7, [...leb(functions.length + 1), ...exports, ...utf8('memory'), 2, 0])]),
    ...section(10, [...leb(bodies.length), ...bodies.flat()]),
  ]);
}

/** The part of the WebAssembly API used here (the project's TypeScript libraries do not declare it). */
interface WebAssemblyApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports?: object) => { exports: unknown };
  Memory: new (descriptor: { initial: number }) => WasmMemory;
}

export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

const PAGE_BYTES = 65536;

/** Grows `memory` to at least `bytes`. */
export function ensureMemory(memory: WasmMemory, bytes: number): void {
  const have = memory.buffer.byteLength;
  if (have < bytes) memory.grow(Math.ceil((bytes - have) / PAGE_BYTES));
}

const webAssembly = (): WebAssemblyApi | undefined => (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly;

/** The module's exports, or null where this runtime has no WebAssembly or does not validate it (no SIMD). */
export function instantiate<T>(bytes: Uint8Array): T | null {
  const module = compile(bytes);
  return module ? instantiateOn<T>(module) : null;
}

/** A compiled module, or null where this runtime has no WebAssembly or does not validate it (no SIMD). */
export function compile(bytes: Uint8Array): object | null {
  const wasm = webAssembly();
  if (!wasm || !wasm.validate(bytes)) return null;
  return new wasm.Module(bytes);
}

/** An instance of a compiled module; `memory` for a module that imports it. */
export function instantiateOn<T>(module: object, memory?: WasmMemory): T {
  const wasm = webAssembly()!;
  return new wasm.Instance(module, memory ? { env: { memory } } : {}).exports as T;
}

/** A new memory of `bytes` (rounded up to whole pages). */
export function newMemory(bytes: number): WasmMemory {
  return new (webAssembly()!.Memory)({ initial: Math.max(1, Math.ceil(bytes / PAGE_BYTES)) });
}
