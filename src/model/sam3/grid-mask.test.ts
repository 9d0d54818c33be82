// Grid helpers: the cropped hole/speck cleaning equals cleaning the whole grid; IoU, box and NMS basics.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fillHoles, removeSmallComponents } from '../../masks/mask-ops.js';
import { maskBox, maskIou } from '../../masks/mask-ops.js';
import { binarize, cleanGridLogits, gridIou } from './grid-mask.js';

function wholeGrid(logits: Float32Array, size: number, area: number): Float32Array {
  const kept = removeSmallComponents(fillHoles(binarize(logits, size), area), area).data;
  return logits.map((v, i) => (kept[i] && v <= 0 ? 0.1 : !kept[i] && v > 0 ? -0.1 : v));
}

describe('grid masks', () => {
  it('cleans holes and specks exactly as on the whole grid', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 3, max: 20 }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.integer({ min: 1, max: 6 }),
        fc.double({ min: 0.05, max: 0.7, noNaN: true }),
        (size, seed, area, density) => {
          let s = seed;
          const rand = () => (s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
          const logits = Float32Array.from({ length: size * size }, () =>
            rand() < density ? 1 + rand() : -1 - rand(),
          );
          expect(cleanGridLogits(logits, size, area)).toEqual(wholeGrid(logits, size, area));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('binarizes at logit 0 with area, box and centroid, once per grid', () => {
    const logits = Float32Array.from([-1, 0, 0.5, 2]);
    const mask = binarize(logits, 2);
    expect(Array.from(mask.data)).toEqual([0, 0, 1, 1]);
    expect(mask).toMatchObject({ area: 2, box: { x0: 0, y0: 1, x1: 2, y1: 2 }, centroid: [0.5, 1] });
    expect(binarize(logits, 2)).toBe(mask);
    expect(binarize(new Float32Array(4), 2)).toMatchObject({ area: 0, box: null, centroid: null });
  });

  it('binarizes with the SIMD kernel exactly as with the JavaScript loop (NaN, ±0, tiny values, any size)', () => {
    const special = [Number.NaN, 0, -0, 1e-45, -1e-45, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 3.5, -2];
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (size, seed, density) => {
          let s = seed;
          const rand = () => (s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
          const logits = Float32Array.from({ length: size * size }, () =>
            rand() < 0.1 ? special[Math.floor(rand() * special.length)]! : rand() < density ? rand() : -rand(),
          );
          const simd = binarize(logits, size);
          const plain = binarize(Float32Array.from(logits), size, false);
          expect(Array.from(simd.data)).toEqual(Array.from(logits, (v) => (v > 0 ? 1 : 0)));
          expect({ ...simd, data: Array.from(simd.data) }).toEqual({ ...plain, data: Array.from(plain.data) });
          expect(simd.box).toEqual(maskBox(simd));
          expect(simd.area).toBe(simd.data.reduce((n, v) => n + v, 0));
          let sx = 0;
          let sy = 0;
          simd.data.forEach((v, i) => {
            sx += v * (i % size);
            sy += v * Math.floor(i / size);
          });
          expect(simd.centroid).toEqual(simd.area === 0 ? null : [sx / simd.area, sy / simd.area]);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('box-restricted IoU, area and box equal the whole-grid ones on random grids', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 16 }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.double({ min: 0, max: 0.6, noNaN: true }),
        (size, seed, density) => {
          let s = seed;
          const rand = () => (s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
          const grid = () =>
            Float32Array.from({ length: size * size }, () => (rand() < density ? rand() + 0.01 : -rand()));
          const a = binarize(grid(), size);
          const b = binarize(grid(), size);
          expect(gridIou(a, b)).toBeCloseTo(maskIou(a, b), 12);
          expect(a.box).toEqual(maskBox(a));
          expect(a.area).toBe(a.data.reduce((n, v) => n + v, 0));
        },
      ),
      { numRuns: 400 },
    );
  });
});
