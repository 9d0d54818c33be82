// renderFrame's region shortcut gives exactly the full-frame result: upsampling, non-overlap, boxes, COCO RLE.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeCocoRle, encodeCocoRle } from '../../masks/coco-rle.js';
import { maskBox } from '../../masks/mask-ops.js';
import { upsampleLogitsToMask } from '../../masks/upsample-logits.js';
import { renderFrame } from './frame-output.js';

const GRID = 24;

function blob(cx: number, cy: number, r: number): Float32Array {
  const out = new Float32Array(GRID * GRID);
  for (let y = 0; y < GRID; y++) for (let x = 0; x < GRID; x++) out[y * GRID + x] = r - Math.hypot(x - cx, y - cy);
  return out;
}

describe('renderFrame', () => {
  it('matches full-frame upsampling, greedy non-overlap by score and pycocotools RLE on random scenes', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            cx: fc.integer({ min: -3, max: GRID + 2 }),
            cy: fc.integer({ min: -3, max: GRID + 2 }),
            r: fc.double({ min: -1, max: 9, noNaN: true }),
            score: fc.double({ min: 0, max: 1, noNaN: true }),
          }),
          { maxLength: 4 },
        ),
        fc.integer({ min: 5, max: 70 }),
        fc.integer({ min: 5, max: 50 }),
        (specs, width, height) => {
          const outputs = specs.map((s, k) => ({ id: k + 1, score: s.score, logits: blob(s.cx, s.cy, s.r) }));
          const got = renderFrame({ index: 3, timeS: 0.1, outputs }, GRID, width, height);
          const claimed = new Uint8Array(width * height);
          const expected = [...outputs]
            .sort((a, b) => b.score - a.score || a.id - b.id)
            .flatMap((o) => {
              const mask = upsampleLogitsToMask(o.logits, 0, GRID, GRID, width, height, 0);
              for (let i = 0; i < mask.data.length; i++) {
                if (mask.data[i] && claimed[i]) mask.data[i] = 0;
                else if (mask.data[i]) claimed[i] = 1;
              }
              const box = maskBox(mask);
              return box ? [{ id: o.id, score: o.score, box, rle: encodeCocoRle(mask) }] : [];
            })
            .sort((a, b) => a.id - b.id);
          expect(got).toEqual({ index: 3, timeS: 0.1, objects: expected });
          for (const o of got.objects) expect(decodeCocoRle(o.rle).data.length).toBe(width * height);
        },
      ),
      { numRuns: 300 },
    );
  });
});
