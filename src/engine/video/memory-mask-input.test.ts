// MemoryMaskInput writes the full-frame upsampled logits (whose positive pixels are the output mask) and their box,
// write after write on the reused buffer.
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

/** PyTorch's bilinear (align_corners = false) at one output pixel, written out directly. */
function bilinearAt(logits: Float32Array, x: number, y: number): number {
  const scale = GRID / RESOLUTION;
  const src = (o: number) => Math.max(0, (o + 0.5) * scale - 0.5);
  const sx = src(x);
  const sy = src(y);
  const x0 = Math.min(Math.floor(sx), GRID - 1);
  const y0 = Math.min(Math.floor(sy), GRID - 1);
  const x1 = Math.min(x0 + 1, GRID - 1);
  const y1 = Math.min(y0 + 1, GRID - 1);
  const wx = sx - x0;
  const wy = sy - y0;
  const at = (cx: number, cy: number) => logits[cy * GRID + cx]!;
  const top = at(x0, y0) + (at(x1, y0) - at(x0, y0)) * wx;
  const bottom = at(x0, y1) + (at(x1, y1) - at(x0, y1)) * wx;
  return top + (bottom - top) * wy;
}

describe('MemoryMaskInput', () => {
  it('holds the bilinear logits of the whole frame, positive exactly on the output mask, with its tight box', () => {
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
            expect(Array.from(got.data, (v) => (v > 0 ? 1 : 0))).toEqual(Array.from(full.data));
            for (const [x, y] of [
              [0, 0],
              [RESOLUTION - 1, RESOLUTION - 1],
              [17, 40],
              [40, 3],
            ] as const)
              expect(got.data[y * RESOLUTION + x]).toBeCloseTo(bilinearAt(logits, x, y), 4);
            const box = maskBox(full);
            expect(got.box).toEqual(box);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
