// Model input conversion: interleaved and planar sources give the same NCHW tensor; a reused buffer is checked.
import { describe, expect, it } from 'vitest';
import { planarToNormalizedNchw, toNormalizedNchw } from './preprocess.js';

const R = 7;

describe('preprocess', () => {
  const interleaved = Uint8Array.from({ length: R * R * 3 }, (_, i) => (i * 37 + 11) % 256);
  const plane = (c: number) => Uint8Array.from({ length: R * R }, (_, p) => interleaved[p * 3 + c]!);

  it('maps bytes to x/127.5 − 1 in R, G, B planes', () => {
    const out = toNormalizedNchw({ width: R, height: R, channels: 3, data: interleaved }, R);
    expect(out[0]).toBeCloseTo(interleaved[0]! / 127.5 - 1, 6);
    expect(out[R * R + 1]).toBeCloseTo(interleaved[4]! / 127.5 - 1, 6);
    expect(out[2 * R * R + 2]).toBeCloseTo(interleaved[8]! / 127.5 - 1, 6);
  });

  it('gives the same tensor from planes as from interleaved pixels, into a reused buffer', () => {
    const expected = toNormalizedNchw({ width: R, height: R, channels: 3, data: interleaved }, R);
    const into = new Float32Array(3 * R * R).fill(99);
    const got = planarToNormalizedNchw({ width: R, height: R, r: plane(0), g: plane(1), b: plane(2) }, R, into);
    expect(got).toBe(into);
    expect(Array.from(got)).toEqual(Array.from(expected));
  });

  it('refuses a buffer or planes of the wrong size', () => {
    expect(() => toNormalizedNchw({ width: R, height: R, channels: 3, data: interleaved }, R, new Float32Array(5))).toThrow(/buffer holds 5/);
    expect(() => planarToNormalizedNchw({ width: R, height: R, r: plane(0), g: plane(1), b: new Uint8Array(3) }, R)).toThrow(/RGB planes/);
  });
});
