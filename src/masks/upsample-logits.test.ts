// Region upsampling (block shortcuts for all-positive and all-negative taps) equals the whole-frame bilinear mask
// bit for bit, cropped to its region, on random grids with NaN, ±0, denormals and infinities, up- and downscaling.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { upsampleLogitsToMask, upsampleLogitsToRegion } from './upsample-logits.js';

const SPECIAL = [Number.NaN, 0, -0, 1e-45, -1e-45, 3e38, -3e38, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];

describe('upsampleLogitsToRegion', () => {
  it('equals upsampleLogitsToMask inside its region and leaves nothing outside', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (inW, inH, outW, outH, seed, density) => {
          let s = seed;
          const rand = () => (s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
          const logits = Float32Array.from({ length: inW * inH }, () =>
            rand() < 0.08 ? SPECIAL[Math.floor(rand() * SPECIAL.length)]! : rand() < density ? rand() * 4 : -rand() * 4,
          );
          const full = upsampleLogitsToMask(logits, 0, inW, inH, outW, outH, 0).data;
          const region = upsampleLogitsToRegion(logits, inW, inH, outW, outH);
          if (!region) {
            expect(full.every((v) => v === 0)).toBe(true);
            return;
          }
          const rebuilt = new Uint8Array(outW * outH);
          for (let y = 0; y < region.height; y++)
            for (let x = 0; x < region.width; x++)
              rebuilt[(region.y0 + y) * outW + region.x0 + x] = region.data[y * region.width + x]!;
          expect(Array.from(rebuilt)).toEqual(Array.from(full));
        },
      ),
      { numRuns: 600 },
    );
  });

  it('keeps a pixel off where positive taps of far-apart sizes blend to exactly 0 (found by the property above)', () => {
    // Row 1 holds 2.644 and 1.4e-45 side by side; 44 px from 12 cells puts output column 27 at weight 1 (in
    // float32) between them, where 2.644 + (1.4e-45 − 2.644) is 0 in doubles: off, though all four taps are > 0.
    const row0 = [-Infinity, 0.071, 0.657, -0, 1.103, 2.606, 2.578, -2.126, 1.019, 0.033, 3.748, 2.745];
    const row1 = [
      Infinity,
      3.4e38,
      -3.609,
      2.199,
      2.536,
      2.839,
      2.644008159637451,
      1.401298464324817e-45,
      3.779,
      0.285,
      0.125,
      0,
    ];
    const logits = Float32Array.from([...row0, ...row1]);
    const full = upsampleLogitsToMask(logits, 0, 12, 2, 44, 4, 0);
    expect(full.data[3 * 44 + 27]).toBe(0);
    const region = upsampleLogitsToRegion(logits, 12, 2, 44, 4)!;
    expect([region.x0, region.y0, region.width, region.height]).toEqual([0, 0, 44, 4]);
    expect(Array.from(region.data)).toEqual(Array.from(full.data));
  });
});
