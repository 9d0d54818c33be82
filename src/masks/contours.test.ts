// The word-scanning border follower gives exactly the straightforward one's contours (points, hole flags, parents),
// on random masks of every size and density, the edge cases, and after a larger mask used the scratch buffers.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbitraryMask } from '../../test/helpers/arbitrary-mask.js';
import { traceContours as straightforward } from '../../test/helpers/straightforward-contours.js';
import { traceContours } from './contours.js';

const both = (data: Uint8Array, w: number, h: number, simple = true): void => {
  expect(traceContours(data, w, h, simple)).toEqual(straightforward(data, w, h, simple));
};

describe('traceContours', () => {
  it('equals the straightforward tracer on random masks (simple and full chains)', () => {
    fc.assert(
      fc.property(arbitraryMask(40), fc.boolean(), (m, simple) => both(m.data, m.width, m.height, simple)),
      { numRuns: 400 },
    );
  });

  it('equals it on empty, full, one-pixel, one-row, one-column and odd-sized masks', () => {
    for (const [w, h] of [
      [1, 1],
      [1, 9],
      [9, 1],
      [3, 5],
      [7, 7],
      [13, 2],
      [33, 17],
    ] as const) {
      both(new Uint8Array(w * h), w, h);
      both(new Uint8Array(w * h).fill(1), w, h);
      const one = new Uint8Array(w * h);
      one[(w * h) >> 1] = 1;
      both(one, w, h);
    }
  });

  it('gives the same answer after a larger mask has used the scratch buffers', () => {
    const big = new Uint8Array(200 * 150).map((_, i) => (((i % 200) ^ Math.floor(i / 200)) & 8 ? 1 : 0));
    traceContours(big, 200, 150);
    fc.assert(
      fc.property(arbitraryMask(12), (m) => both(m.data, m.width, m.height)),
      { numRuns: 100 },
    );
  });

  it('equals it on blob masks of frame size (nested components and holes)', () => {
    const w = 641;
    const h = 359;
    const data = new Uint8Array(w * h);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const r = Math.hypot(x - 320, y - 180);
        data[y * w + x] = (r < 170 && r > 120) || (r < 80 && r > 40) || r < 15 || (x % 53 < 9 && y % 41 < 7) ? 1 : 0;
      }
    both(data, w, h);
  });
});
