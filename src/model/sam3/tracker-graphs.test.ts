// AttentionInputs: the rows always hold exactly the selection (pinned rows in order, the others as `order` says),
// whatever rows were held before (rows kept in place, changed rows rewritten, growth and a new row size reallocate),
// and rows past the selection are zero when a static row count is asked for.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AttentionInputs } from './attention-inputs.js';

describe('AttentionInputs', () => {
  it('holds exactly the selection after any sequence of selections', () => {
    const plane = 6;
    const pool = Array.from({ length: 9 }, (_, k) => Float32Array.from({ length: plane }, (_, i) => k * 10 + i));
    const pos = Float32Array.from({ length: plane }, (_, i) => -i);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.uniqueArray(fc.integer({ min: 0, max: 8 }), { minLength: 1, maxLength: 7 }), fc.nat()), {
          minLength: 1,
          maxLength: 12,
        }),
        (selections) => {
          const inputs = new AttentionInputs();
          for (const [picked, pinnedSeed] of selections) {
            const pinned = pinnedSeed % (picked.length + 1);
            const entries = picked.map((k) => ({ features: pool[k]!, pos }));
            const got = inputs.fill(entries, plane, pinned);
            expect([...got.order].sort((a, b) => a - b)).toEqual(picked.map((_, j) => j));
            expect(got.order.slice(0, pinned)).toEqual(picked.slice(0, pinned).map((_, j) => j));
            expect(Array.from(got.feats)).toEqual(got.order.flatMap((j) => Array.from(pool[picked[j]!]!)));
            expect(Array.from(got.pos)).toEqual(picked.flatMap(() => Array.from(pos)));
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('pads to a static row count with zero rows, whatever those rows held before', () => {
    const plane = 6;
    const pool = Array.from({ length: 9 }, (_, k) => Float32Array.from({ length: plane }, (_, i) => k * 10 + i + 1));
    const pos = Float32Array.from({ length: plane }, (_, i) => i + 1);
    fc.assert(
      fc.property(
        fc.array(fc.uniqueArray(fc.integer({ min: 0, max: 8 }), { minLength: 1, maxLength: 4 }), {
          minLength: 1,
          maxLength: 8,
        }),
        (selections) => {
          const inputs = new AttentionInputs();
          for (const picked of selections) {
            const entries = picked.map((k) => ({ features: pool[k]!, pos }));
            const got = inputs.fill(entries, plane, 0, 4);
            expect(got.feats.length).toBe(4 * plane);
            expect(Array.from(got.feats)).toEqual([
              ...got.order.flatMap((j) => Array.from(pool[picked[j]!]!)),
              ...new Array((4 - picked.length) * plane).fill(0),
            ]);
            expect(Array.from(got.pos.subarray(picked.length * plane))).toEqual(
              new Array((4 - picked.length) * plane).fill(0),
            );
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('keeps a sliding window of recent memories in place: only the newest row is written', () => {
    const inputs = new AttentionInputs();
    const rows = Array.from({ length: 8 }, (_, k) => Float32Array.of(k, k));
    const pos = Float32Array.of(0, 0);
    const window = (newest: number) =>
      [rows[0]!, ...[0, 1, 2].map((age) => rows[newest - age]!)].map((features) => ({ features, pos }));
    const before = inputs.fill(window(4), 2, 1);
    const after = inputs.fill(window(5), 2, 1);
    expect(after.order[0]).toBe(0);
    // rows 3 and 4 stay where they were; 5 takes the row that held 2
    const rowOf = (o: { order: number[] }, entry: number) => o.order.indexOf(entry);
    expect(rowOf(after, 2)).toBe(rowOf(before, 1));
    expect(rowOf(after, 3)).toBe(rowOf(before, 2));
    expect(rowOf(after, 1)).toBe(rowOf(before, 3));
  });

  it('starts over when the row size changes, and refuses a row of another size', () => {
    const inputs = new AttentionInputs();
    const a = Float32Array.of(1, 2, 3, 4);
    inputs.fill([{ features: a, pos: a }], 4);
    const b = Float32Array.of(5, 6);
    expect(
      Array.from(
        inputs.fill(
          [
            { features: b, pos: b },
            { features: b, pos: b },
          ],
          2,
        ).feats,
      ),
    ).toEqual([5, 6, 5, 6]);
    expect(() => inputs.fill([{ features: a, pos: b }], 4)).toThrow(/4 feature and 2 position values, not 4 each/);
  });
});
