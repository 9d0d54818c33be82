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
        fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.double({ min: 0, max: 1, noNaN: true }),
        (inW, inH, outW, outH, seed, density) => {
          let s = seed;
          const rand = () => ((s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
          const logits = Float32Array.from({ length: inW * inH }, () => (rand() < 0.08 ? SPECIAL[Math.floor(rand() * SPECIAL.length)]! : rand() < density ? rand() * 4 : -rand() * 4));
          const full = upsampleLogitsToMask(logits, 0, inW, inH, outW, outH, 0).data;
          const region = upsampleLogitsToRegion(logits, inW, inH, outW, outH);
          if (!region) {
            expect(full.every((v) => v === 0)).toBe(true);
            return;
          }
          const rebuilt = new Uint8Array(outW * outH);
          for (let y = 0; y < region.height; y++) for (let x = 0; x < region.width; x++) rebuilt[(region.y0 + y) * outW + region.x0 + x] = region.data[y * region.width + x]!;
          expect(Array.from(rebuilt)).toEqual(Array.from(full));
        },
      ),
      { numRuns: 600 },
    );
  });
});
