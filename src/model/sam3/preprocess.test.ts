// Model input conversion: interleaved and planar sources give the same NCHW tensor; a reused buffer is checked.
import { describe, expect, it } from 'vitest';
import { planarToNormalizedNchw, toNormalizedNchw } from './preprocess.js';

const R = 7;
/** Even side: planes of a multiple of 4 bytes (aligned views of one buffer). */
const EVEN = 8;

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

  it('gives the same tensor from aligned and unaligned planes', () => {
    const n = EVEN * EVEN;
    const bytes = Uint8Array.from({ length: 3 * n + 1 }, (_, i) => (i * 53 + 7) % 256);
    const aligned = {
      width: EVEN,
      height: EVEN,
      r: bytes.subarray(0, n),
      g: bytes.subarray(n, 2 * n),
      b: bytes.subarray(2 * n, 3 * n),
    };
    const shifted = bytes.slice(1);
    const unaligned = {
      width: EVEN,
      height: EVEN,
      r: bytes.subarray(1, n + 1),
      g: bytes.subarray(n + 1, 2 * n + 1),
      b: bytes.subarray(2 * n + 1, 3 * n + 1),
    };
    const interleaved = Uint8Array.from({ length: 3 * n }, (_, i) => bytes[(i % 3) * n + Math.floor(i / 3)]!);
    const expected = Array.from(toNormalizedNchw({ width: EVEN, height: EVEN, channels: 3, data: interleaved }, EVEN));
    expect(Array.from(planarToNormalizedNchw(aligned, EVEN))).toEqual(expected);
    expect(shifted.length).toBe(3 * n);
    expect(Array.from(planarToNormalizedNchw(unaligned, EVEN))).toEqual(
      Array.from(
        planarToNormalizedNchw(
          {
            width: EVEN,
            height: EVEN,
            r: shifted.subarray(0, n),
            g: shifted.subarray(n, 2 * n),
            b: shifted.subarray(2 * n),
          },
          EVEN,
        ),
      ),
    );
  });

  it('refuses a buffer or planes of the wrong size', () => {
    expect(() =>
      planarToNormalizedNchw({ width: R, height: R, r: plane(0), g: plane(1), b: plane(2) }, R, new Float32Array(5)),
    ).toThrow(/buffer holds 5/);
    expect(() =>
      planarToNormalizedNchw({ width: R, height: R, r: plane(0), g: plane(1), b: new Uint8Array(3) }, R),
    ).toThrow(/RGB planes/);
  });
});
