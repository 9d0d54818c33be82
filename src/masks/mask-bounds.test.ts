// Masks carrying `bounds` (every pixel outside known 0): area, box, COCO RLE and contours read only the rectangle and
// give exactly what the whole-frame versions give; upsampling to a frame equals the whole-frame bilinear mask.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BinaryMask } from '../domain/segmentation.js';
import { encodeRle } from './coco-rle.js';
import { maskArea, maskBox } from './mask-ops.js';
import { maskToOuterPolygons, maskToPolygonsWithHoles } from './polygons.js';
import { upsampleLogitsToFrame, upsampleLogitsToMask } from './upsample-logits.js';

/** A random mask drawn only inside a random rectangle, returned with and without that rectangle as bounds. */
const bounded = fc
  .record({
    width: fc.integer({ min: 1, max: 40 }),
    height: fc.integer({ min: 1, max: 40 }),
    seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
    density: fc.double({ min: 0, max: 1, noNaN: true }),
    a: fc.double({ min: 0, max: 1, noNaN: true }),
    b: fc.double({ min: 0, max: 1, noNaN: true }),
    c: fc.double({ min: 0, max: 1, noNaN: true }),
    d: fc.double({ min: 0, max: 1, noNaN: true }),
  })
  .map(({ width, height, seed, density, a, b, c, d }) => {
    const [x0, x1] = [Math.min(width, Math.floor(a * (width + 1))), Math.min(width, Math.floor(b * (width + 1)))].sort(
      (p, q) => p - q,
    ) as [number, number];
    const [y0, y1] = [
      Math.min(height, Math.floor(c * (height + 1))),
      Math.min(height, Math.floor(d * (height + 1))),
    ].sort((p, q) => p - q) as [number, number];
    let s = seed;
    const rand = (): number => (s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const data = new Uint8Array(width * height);
    for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) data[y * width + x] = rand() < density ? 1 : 0;
    const plain: BinaryMask = { width, height, data };
    const withBounds: BinaryMask = { width, height, data, bounds: { x0, y0, x1, y1 } };
    return { plain, withBounds };
  });

describe('bounded masks', () => {
  it('area, box, RLE, outer polygons and polygons with holes equal the whole-frame results', () => {
    fc.assert(
      fc.property(bounded, ({ plain, withBounds }) => {
        expect(maskArea(withBounds)).toBe(maskArea(plain));
        expect(maskBox(withBounds)).toEqual(maskBox(plain));
        expect(Array.from(encodeRle(withBounds).counts)).toEqual(Array.from(encodeRle(plain).counts));
        expect(maskToOuterPolygons(withBounds)).toEqual(maskToOuterPolygons(plain));
        expect(maskToPolygonsWithHoles(withBounds)).toEqual(maskToPolygonsWithHoles(plain));
      }),
      { numRuns: 500 },
    );
  });

  it('word-aligned widths (the RLE word path) and full, empty and one-pixel rectangles', () => {
    for (const [w, h] of [
      [8, 5],
      [16, 16],
      [12, 1],
      [4, 9],
    ] as const) {
      for (const [x0, y0, x1, y1] of [
        [0, 0, w, h],
        [0, 0, 0, 0],
        [1, 1, 2, 2],
        [w - 1, h - 1, w, h],
        [2, 0, w, h],
      ] as const) {
        if (x1 > w || y1 > h) continue;
        const data = new Uint8Array(w * h);
        for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) data[y * w + x] = (x + y) % 3 ? 1 : 0;
        const plain = { width: w, height: h, data };
        const withBounds = { ...plain, bounds: { x0, y0, x1, y1 } };
        expect(Array.from(encodeRle(withBounds).counts)).toEqual(Array.from(encodeRle(plain).counts));
        expect(maskArea(withBounds)).toBe(maskArea(plain));
        expect(maskBox(withBounds)).toEqual(maskBox(plain));
        expect(maskToPolygonsWithHoles(withBounds)).toEqual(maskToPolygonsWithHoles(plain));
      }
    }
  });

  it('upsampleLogitsToFrame equals upsampleLogitsToMask at threshold 0, and its bounds hold every foreground pixel', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (inW, inH, outW, outH, seed, density) => {
          let s = seed;
          const rand = (): number => (s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
          const plane = Float32Array.from({ length: inW * inH }, () => (rand() < density ? rand() * 4 : -rand() * 4));
          const logits = new Float32Array(plane.length + 7);
          logits.set(plane, 7);
          const frame = upsampleLogitsToFrame(logits, 7, inW, inH, outW, outH);
          const full = upsampleLogitsToMask(logits, 7, inW, inH, outW, outH, 0);
          expect(Array.from(frame.data)).toEqual(Array.from(full.data));
          const b = frame.bounds!;
          for (let y = 0; y < outH; y++)
            for (let x = 0; x < outW; x++)
              if (frame.data[y * outW + x]) expect(x >= b.x0 && x < b.x1 && y >= b.y0 && y < b.y1).toBe(true);
        },
      ),
      { numRuns: 400 },
    );
  });
});

/** The straightforward count: every pixel of the frame. */
const countOnes = (m: BinaryMask): number => m.data.reduce((n, v) => n + v, 0);

describe('maskArea (four pixels per word)', () => {
  it('equals the pixel count with and without bounds, on word-aligned and unaligned data', () => {
    fc.assert(
      fc.property(bounded, fc.integer({ min: 0, max: 3 }), ({ plain, withBounds }, shift) => {
        // The same pixels at a byte offset of 0–3 within a larger buffer (masks cut from a shared buffer).
        const backing = new Uint8Array(plain.data.length + 4);
        const data = backing.subarray(shift, shift + plain.data.length);
        data.set(plain.data);
        expect(maskArea({ ...withBounds, data })).toBe(countOnes(plain));
        expect(maskArea({ ...plain, data })).toBe(countOnes(plain));
      }),
      { numRuns: 500 },
    );
  });

  it('folds its lanes before they overflow: full rows of 4000 pixels, noise, empty, one pixel', () => {
    const width = 4000;
    const height = 3;
    const full = { width, height, data: new Uint8Array(width * height).fill(1) };
    expect(maskArea(full)).toBe(width * height);
    expect(maskArea({ ...full, bounds: { x0: 3, y0: 1, x1: 3999, y1: 3 } })).toBe(2 * 3996);
    let s = 7;
    const noise = Uint8Array.from(
      { length: width * height },
      () => ((s = (s * 1103515245 + 12345) & 0x7fffffff) >> 16) & 1,
    );
    expect(maskArea({ width, height, data: noise })).toBe(countOnes({ width, height, data: noise }));
    expect(maskArea({ width, height, data: new Uint8Array(width * height) })).toBe(0);
    const one = new Uint8Array(width * height);
    one[width + 1234] = 1;
    expect(maskArea({ width, height, data: one, bounds: { x0: 1234, y0: 1, x1: 1235, y1: 2 } })).toBe(1);
  });
});
