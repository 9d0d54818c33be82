// The word-scanning border follower gives exactly the straightforward one's contours (points, hole flags, parents),
// on random masks of every size and density, the edge cases, within a mask's bounds (the crop it traces), and after a
// larger mask used the scratch buffers.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbitraryMask } from '../../test/helpers/arbitrary-mask.js';
import { traceContours as straightforward } from '../../test/helpers/straightforward-contours.js';
import { traceContours } from './contours.js';
import { occupiedBounds } from './mask-ops.js';

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

  it('within bounds (tight, loose, rows only) equals the whole-frame trace', () => {
    fc.assert(
      fc.property(arbitraryMask(40), fc.nat(3), fc.nat(3), fc.boolean(), (m, growX, growY, rowsOnly) => {
        let x0 = m.width;
        let y0 = m.height;
        let x1 = 0;
        let y1 = 0;
        for (let y = 0; y < m.height; y++)
          for (let x = 0; x < m.width; x++)
            if (m.data[y * m.width + x]) {
              x0 = Math.min(x0, x);
              y0 = Math.min(y0, y);
              x1 = Math.max(x1, x + 1);
              y1 = Math.max(y1, y + 1);
            }
        if (x1 === 0) [x0, y0] = [0, 0];
        const bounds = rowsOnly
          ? { y0: y0 - growY, y1: y1 + growY }
          : { x0: x0 - growX, y0: y0 - growY, x1: x1 + growX, y1: y1 + growY };
        expect(traceContours(m.data, m.width, m.height, true, bounds)).toEqual(
          straightforward(m.data, m.width, m.height, true),
        );
      }),
      { numRuns: 400 },
    );
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

describe('occupiedBounds', () => {
  it('holds every foreground pixel, on word-aligned and unaligned rows and data', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 1, max: 30 }),
        fc.array(fc.tuple(fc.nat(59), fc.nat(29)), { maxLength: 6 }),
        fc.nat(3),
        (w, h, points, shift) => {
          const backing = new Uint8Array(w * h + 4);
          const data = backing.subarray(shift, shift + w * h);
          const inside = points.filter(([x, y]) => x < w && y < h);
          for (const [x, y] of inside) data[y * w + x] = 1;
          const b = occupiedBounds(data, w, h);
          if (inside.length === 0) expect(b).toEqual({ y0: 0, y1: 0, x0: 0, x1: 0 });
          for (const [x, y] of inside) {
            expect(x >= b.x0 && x < b.x1 && y >= b.y0 && y < b.y1).toBe(true);
          }
          // Rows are exact; columns are exact up to the word they fall in.
          if (inside.length > 0) {
            expect(b.y0).toBe(Math.min(...inside.map(([, y]) => y)));
            expect(b.y1).toBe(Math.max(...inside.map(([, y]) => y)) + 1);
            expect(b.x1 - Math.max(...inside.map(([x]) => x)) - 1).toBeLessThan(4);
            expect(Math.min(...inside.map(([x]) => x)) - b.x0).toBeLessThan(4);
          }
          // And tracing without bounds (which computes them) equals the straightforward whole-frame trace.
          expect(traceContours(data, w, h)).toEqual(straightforward(data, w, h));
        },
      ),
      { numRuns: 400 },
    );
  });
});
