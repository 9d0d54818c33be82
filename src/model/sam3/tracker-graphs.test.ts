// AttentionInputs: the concatenated memory rows always equal a fresh concatenation of the selection, whatever
// rows were held before (reused rows skipped, changed rows rewritten, growth and a new row size reallocate).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AttentionInputs } from './tracker-graphs.js';

describe('AttentionInputs', () => {
  it('holds exactly the selection after any sequence of selections', () => {
    const plane = 6;
    const pool = Array.from({ length: 9 }, (_, k) => Float32Array.from({ length: plane }, (_, i) => k * 10 + i));
    const pos = Float32Array.from({ length: plane }, (_, i) => -i);
    fc.assert(
      fc.property(fc.array(fc.array(fc.integer({ min: 0, max: 8 }), { minLength: 1, maxLength: 7 }), { minLength: 1, maxLength: 12 }), (selections) => {
        const inputs = new AttentionInputs();
        for (const picked of selections) {
          const entries = picked.map((k) => ({ features: pool[k]!, pos }));
          const got = inputs.fill(entries, plane);
          expect(Array.from(got.feats)).toEqual(picked.flatMap((k) => Array.from(pool[k]!)));
          expect(Array.from(got.pos)).toEqual(picked.flatMap(() => Array.from(pos)));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('starts over when the row size changes, and refuses a row of another size', () => {
    const inputs = new AttentionInputs();
    const a = Float32Array.of(1, 2, 3, 4);
    inputs.fill([{ features: a, pos: a }], 4);
    const b = Float32Array.of(5, 6);
    expect(Array.from(inputs.fill([{ features: b, pos: b }, { features: b, pos: b }], 2).feats)).toEqual([5, 6, 5, 6]);
    expect(() => inputs.fill([{ features: a, pos: b }], 4)).toThrow(/4 feature and 2 position values, not 4 each/);
  });
});
