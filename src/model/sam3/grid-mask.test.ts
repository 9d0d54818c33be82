// Grid helpers: the cropped hole/speck cleaning equals cleaning the whole grid; IoU, box and NMS basics.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fillHoles, removeSmallComponents } from '../../masks/mask-ops.js';
import { binarize, cleanGridLogits, gridBox, gridIou, gridNms } from './grid-mask.js';

function wholeGrid(logits: Float32Array, size: number, area: number): Float32Array {
  const kept = removeSmallComponents(fillHoles({ width: size, height: size, data: binarize(logits) }, area), area).data;
  return logits.map((v, i) => (kept[i] && v <= 0 ? 0.1 : !kept[i] && v > 0 ? -0.1 : v));
}

describe('grid masks', () => {
  it('cleans holes and specks exactly as on the whole grid', () => {
    fc.assert(
      fc.property(fc.integer({ min: 3, max: 20 }), fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.integer({ min: 1, max: 6 }), fc.double({ min: 0.05, max: 0.7, noNaN: true }), (size, seed, area, density) => {
        let s = seed;
        const rand = () => ((s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
        const logits = Float32Array.from({ length: size * size }, () => (rand() < density ? 1 + rand() : -1 - rand()));
        expect(cleanGridLogits(logits, size, area)).toEqual(wholeGrid(logits, size, area));
      }),
      { numRuns: 400 },
    );
  });

  it('measures IoU, boxes and keeps the best of overlapping masks', () => {
    const a = Uint8Array.from([1, 1, 0, 0]);
    const b = Uint8Array.from([0, 1, 1, 0]);
    expect(gridIou(a, b)).toBeCloseTo(1 / 3);
    expect(gridBox(b, 2)).toEqual({ x0: 0, y0: 0, x1: 2, y1: 2 });
    expect(gridBox(new Uint8Array(4), 2)).toBeNull();
    expect(gridNms([a, b, Uint8Array.from([0, 0, 0, 1])], 0.4)).toEqual([0, 1, 2]);
    expect(gridNms([a, b], 0.2)).toEqual([0]);
  });
});
