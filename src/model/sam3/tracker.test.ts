// The tracker's host logic on a small grid: per-concept association, re-finding lost objects, monotonic ids,
// hotstart removal of short-lived and duplicate objects, clicked objects alongside concepts.
import { describe, expect, it } from 'vitest';
import type { GridDetection } from './postprocess.js';
import { DEFAULT_TRACKER, MultiObjectTracker } from './tracker.js';

const S = 16;
function rect(x0: number, y0: number, x1: number, y1: number): Float32Array {
  const out = new Float32Array(S * S).fill(-5);
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) out[y * S + x] = 5;
  return out;
}
const det = (logits: Float32Array, score = 0.9): GridDetection => ({ score, logits, maskSize: S });
const tracker = (labels = ['a', 'b']) => new MultiObjectTracker({ ...DEFAULT_TRACKER, maskSize: S }, labels);
const ids = (step: { outputs: Array<{ id: number }> }) => step.outputs.map((o) => o.id).sort((a, b) => a - b);
const none = new Map();

describe('MultiObjectTracker', () => {
  it('keeps ids while objects move and associates only within a concept', () => {
    const t = tracker();
    expect(ids(t.step(0, [[det(rect(0, 0, 4, 4))], [det(rect(8, 8, 12, 12))]], none, none))).toEqual([1, 2]);
    // Concept b's detection now sits where a's object was: it must not take id 1.
    const s = t.step(1, [[det(rect(1, 0, 5, 4))], [det(rect(0, 0, 4, 4))]], none, none);
    expect(s.outputs.map((o) => [o.id, t.label(o.id)])).toEqual([
      [1, 'a'],
      [2, 'b'],
    ]);
  });

  it('re-finds a lost object when its concept is detected again, even far away, instead of minting an id', () => {
    const t = tracker(['a']);
    for (let f = 0; f < 20; f++) t.step(f, [[det(rect(0, 0, 4, 4))]], none, none);
    for (let f = 20; f < 30; f++) expect(t.step(f, [[]], none, none).outputs).toEqual([]);
    expect(ids(t.step(30, [[det(rect(11, 11, 15, 15))]], none, none))).toEqual([1]);
  });

  it('ages objects by frames stepped, so a backward pass keeps an object that was seen long enough', () => {
    // Seen on frames 39…25 (15 frames, the whole hotstart window), then gone for the rest of the backward pass.
    const t = tracker(['a']);
    const removed: number[] = [];
    for (let f = 39; f >= 0; f--)
      removed.push(...t.step(f, [f >= 25 ? [det(rect(0, 0, 4, 4))] : []], none, none).removedNow);
    expect(removed).toEqual([]);
    expect(t.liveIds()).toEqual([1]);
    // The flash rule holds backward too: seen twice, then unmatched for 8 of its first 15 frames.
    const b = tracker(['a']);
    for (let f = 39; f >= 37; f--) b.step(f, [f >= 38 ? [det(rect(0, 0, 4, 4))] : []], none, none);
    for (let f = 36; f >= 30; f--) removed.push(...b.step(f, [[]], none, none).removedNow);
    expect(removed).toEqual([1]);
  });

  it('offers a new concept object to `identify`, which may give it a known id (only one not live or removed)', () => {
    const asked: Array<[number, number, number]> = [];
    const t = new MultiObjectTracker(
      { ...DEFAULT_TRACKER, maskSize: S },
      ['a', 'b'],
      [7, 9],
      (frame, concept, mask) => {
        asked.push([frame, concept, mask.area]);
        return concept === 0 ? 7 : undefined;
      },
    );
    expect(
      t
        .step(5, [[det(rect(0, 0, 4, 4))], [det(rect(8, 8, 12, 12))]], none, none)
        .outputs.map((o) => [o.id, t.label(o.id)]),
    ).toEqual([
      [7, 'a'],
      [1, 'b'],
    ]);
    expect(asked).toEqual([
      [5, 0, 16],
      [5, 1, 16],
    ]);
    // A second object of concept a is offered 7 again, which is live: it gets a fresh id (never the reserved 9).
    expect(
      ids(t.step(6, [[det(rect(0, 0, 4, 4)), det(rect(0, 10, 4, 14))], [det(rect(8, 8, 12, 12))]], none, none)),
    ).toEqual([1, 2, 7]);
  });

  it('needs score ≥ 0.7 for a new object, and never reuses a removed id', () => {
    const t = tracker(['a']);
    expect(t.step(0, [[det(rect(0, 0, 3, 3), 0.6)]], none, none).outputs).toEqual([]);
    // A flash: seen on frames 1–2, unmatched for 8 frames within its first 15 → removed.
    t.step(1, [[det(rect(0, 0, 3, 3))]], none, none);
    t.step(2, [[det(rect(0, 0, 3, 3))]], none, none);
    const removed: number[] = [];
    for (let f = 3; f < 11; f++) removed.push(...t.step(f, [[]], none, none).removedNow);
    expect(removed).toEqual([1]);
    expect(t.isRemoved(1)).toBe(true);
    expect(ids(t.step(11, [[det(rect(8, 8, 12, 12))]], none, none))).toEqual([2]);
  });

  it('removes a later-born duplicate that keeps overlapping the same detection', () => {
    const t = tracker(['a']);
    t.step(0, [[det(rect(0, 0, 6, 6))]], none, none);
    // Frame 1: a second, separate detection starts object 2; from frame 2 both objects sit on one detection.
    t.step(1, [[det(rect(0, 0, 6, 6)), det(rect(9, 9, 15, 15))]], none, none);
    const removed: number[] = [];
    for (let f = 2; f < 12; f++)
      removed.push(
        ...t.step(f, [[det(rect(0, 0, 6, 6))]], new Map([[2, { logits: rect(0, 0, 6, 6), score: 0.9 }]]), none)
          .removedNow,
      );
    expect(removed).toEqual([2]);
  });

  it('outputs clicked objects under their own ids and skips them when their score is low', () => {
    const t = tracker(['a']);
    expect(t.addPromptedObject('ball', 7)).toBe(7);
    expect(t.addPromptedObject('cup')).toBe(1);
    const s = t.step(
      0,
      [[det(rect(10, 10, 14, 14))]],
      none,
      new Map([
        [7, { logits: rect(0, 0, 3, 3), score: 0.9 }],
        [1, { logits: rect(5, 5, 8, 8), score: 0.2 }],
      ]),
    );
    expect(ids(s)).toEqual([2, 7]);
    expect(t.lastMask(7)?.data[0]).toBe(1);
    expect(t.promptedIds().sort()).toEqual([1, 7]);
  });
});
