// Undo/redo of prompts: each change undoable, redo after undo, a new change drops the redo stack, the cap.
import { describe, expect, it } from 'vitest';
import { PromptHistory, type PromptSnapshot } from './prompt-history.js';

const point = (x: number) => ({ x, y: 1, positive: true });

describe('PromptHistory', () => {
  it('undoes and redoes changes in order, and a new change forgets what was undone', () => {
    const h = new PromptHistory();
    let s: PromptSnapshot = { points: [], boxes: [] };
    const change = (next: PromptSnapshot) => (h.record(s), (s = next));
    change({ points: [point(1)], boxes: [] });
    change({ points: [point(1), point(2)], boxes: [] });
    change({ points: [point(1), point(2)], boxes: [{ box: [0, 0, 5, 5], mode: 'object', positive: true }] });
    expect(h.canRedo).toBe(false);
    s = h.undo(s)!;
    expect(s.boxes).toEqual([]);
    s = h.undo(s)!;
    expect(s.points).toEqual([point(1)]);
    expect(h.canRedo).toBe(true);
    s = h.redo(s)!;
    expect(s.points).toEqual([point(1), point(2)]);
    change({ points: [], boxes: [] }); // Clear is a change too: undoable, and it drops the redo stack
    expect(h.canRedo).toBe(false);
    expect(h.redo(s)).toBeUndefined();
    s = h.undo(s)!;
    expect(s.points).toEqual([point(1), point(2)]);
    s = h.undo(s)!;
    s = h.undo(s)!;
    expect(s).toEqual({ points: [], boxes: [] });
    expect(h.undo(s)).toBeUndefined();
  });

  it('keeps snapshots apart from later edits of the live state, and at most `limit` steps', () => {
    const h = new PromptHistory(2);
    const live: PromptSnapshot = { points: [point(1)], boxes: [] };
    h.record(live);
    live.points[0]!.x = 99;
    expect(h.undo(live)!.points[0]!.x).toBe(1);
    for (let k = 0; k < 5; k++) h.record({ points: [point(k)], boxes: [] });
    const cur = { points: [], boxes: [] };
    expect(h.undo(cur)!.points[0]!.x).toBe(4);
    expect(h.undo(cur)!.points[0]!.x).toBe(3);
    expect(h.undo(cur)).toBeUndefined();
  });
});
