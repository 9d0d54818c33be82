// The encodings the kernels rely on: LEB128 immediates and a module the runtime validates and runs.
import { describe, expect, it } from 'vitest';
import { get, i32, instantiate, leb, sleb, wasmModule } from './assembler.js';

describe('assembler', () => {
  it('encodes unsigned and signed LEB128', () => {
    expect(leb(0)).toEqual([0]);
    expect(leb(127)).toEqual([0x7f]);
    expect(leb(128)).toEqual([0x80, 0x01]);
    expect(leb(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(sleb(0)).toEqual([0]);
    expect(sleb(63)).toEqual([0x3f]);
    expect(sleb(64)).toEqual([0xc0, 0x00]);
    expect(sleb(-1)).toEqual([0x7f]);
    expect(sleb(-123456)).toEqual([0xc0, 0xbb, 0x78]);
    expect(sleb(1 << 21)).toEqual([0x80, 0x80, 0x80, 0x01]);
  });

  it('assembles a module that validates and runs', () => {
    // sum(a, b): the i32 at byte 4 = a + b − 70000 (a negative, multi-byte constant).
    const bytes = wasmModule([
      {
        name: 'sum',
        params: 2,
        locals: {},
        body: [...i32.const(4), ...get(0), ...get(1), ...i32.add, ...i32.const(-70000), ...i32.add, ...[0x36, 0, 0]],
      },
    ]);
    const kernel = instantiate<{ sum(a: number, b: number): void; memory: { buffer: ArrayBuffer } }>(bytes)!;
    expect(kernel).not.toBeNull();
    kernel.sum(8, 70005);
    expect(new Int32Array(kernel.memory.buffer)[1]).toBe(13);
    kernel.sum(-5, 3);
    expect(new Int32Array(kernel.memory.buffer)[1]).toBe(-70002);
  });
});
