// The WebAssembly SIMD input kernel gives exactly the table loop's values: every byte value, plane sizes that are
// not multiples of its 16-byte step, buffers reused across sizes.
import { describe, expect, it } from 'vitest';
import { planarToNormalizedNchw } from './preprocess.js';
import { SimdKernels } from './simd-kernels.js';

const planesOf = (side: number, seed: number) => {
  const n = side * side;
  const bytes = Uint8Array.from({ length: 3 * n }, (_, i) => ((i * 2654435761 + seed) >>> 11) & 255);
  return { width: side, height: side, r: bytes.subarray(0, n), g: bytes.subarray(n, 2 * n), b: bytes.subarray(2 * n) };
};

describe('SimdKernels', () => {
  const kernel = SimdKernels.create();

  it('is available on this Node (WebAssembly SIMD)', () => {
    expect(kernel).not.toBeNull();
  });

  it('maps every byte value exactly as the table loop does', () => {
    const all = Uint8Array.from({ length: 256 }, (_, v) => v);
    const out = new Float32Array(256);
    kernel!.normalize(all, out);
    expect(Array.from(out)).toEqual(Array.from(all, (v) => Math.fround(v / 127.5 - 1)));
  });

  it('equals the table path on planes of odd sizes, larger then smaller, with nothing spilling between planes', () => {
    for (const side of [1, 5, 17, 33, 4]) {
      const image = planesOf(side, side);
      const table = planarToNormalizedNchw(image, side, undefined, false);
      const into = new Float32Array(3 * side * side).fill(Number.NaN);
      expect(planarToNormalizedNchw(image, side, into)).toBe(into);
      expect(Array.from(into)).toEqual(Array.from(table));
    }
  });

  it('refuses an output of another length', () => {
    expect(() => kernel!.normalize(new Uint8Array(4), new Float32Array(8))).toThrow(/4 bytes but room for 8/);
  });
});
