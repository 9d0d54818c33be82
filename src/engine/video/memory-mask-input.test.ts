// MemoryMaskInput writes exactly the full-frame ±10 mask and its box, write after write on the reused buffer.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskBox } from '../../masks/mask-ops.js';
import { upsampleLogitsToMask } from '../../masks/upsample-logits.js';
import { MemoryMaskInput } from './memory-mask-input.js';

const GRID = 18;
const RESOLUTION = 63;

function blob(cx: number, cy: number, r: number): Float32Array {
  const out = new Float32Array(GRID * GRID);
  for (let y = 0; y < GRID; y++) for (let x = 0; x < GRID; x++) out[y * GRID + x] = r - Math.hypot(x - cx, y - cy);
  return out;
}

describe('MemoryMaskInput', () => {
  it('equals the full-frame upsampled mask at ±10, with its tight box, across successive writes', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            cx: fc.integer({ min: -3, max: GRID + 2 }),
            cy: fc.integer({ min: -3, max: GRID + 2 }),
            r: fc.double({ min: -1, max: 8, noNaN: true }),
          }),
          { minLength: 1, maxLength: 5 },
        ),
        (specs) => {
          const input = new MemoryMaskInput(GRID, RESOLUTION);
          for (const s of specs) {
            const logits = blob(s.cx, s.cy, s.r);
            const full = upsampleLogitsToMask(logits, 0, GRID, GRID, RESOLUTION, RESOLUTION, 0);
            const got = input.write(logits);
            expect(Array.from(got.data)).toEqual(Array.from(full.data, (on) => (on ? 10 : -10)));
            expect(got.box).toEqual(maskBox(full));
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
