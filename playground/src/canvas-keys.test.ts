// Keyboard prompt placement: moving the cross, points of both signs, a box from two corners, bounds.
import { describe, expect, it } from 'vitest';
import { applyCanvasKey, type KeyPromptState } from './canvas-keys.js';

const fresh = (): KeyPromptState => ({ cursor: undefined, boxCorner: undefined, points: [], boxes: [], history: [] });
const size = { width: 100, height: 80 };

describe('applyCanvasKey', () => {
  it('moves the cross from the centre, 10 px with Shift, and places points', () => {
    const s = fresh();
    applyCanvasKey({ key: 'ArrowRight', shiftKey: true }, s, size, 'object', () => undefined);
    applyCanvasKey({ key: 'ArrowUp', shiftKey: false }, s, size, 'object', () => undefined);
    applyCanvasKey({ key: 'Enter', shiftKey: false }, s, size, 'object', () => undefined);
    applyCanvasKey({ key: 'Enter', shiftKey: true }, s, size, 'object', () => undefined);
    expect(s.points).toEqual([
      { x: 60, y: 39, positive: true },
      { x: 60, y: 39, positive: false },
    ]);
    expect(s.history).toEqual(['point', 'point']);
  });

  it('draws a box from two corners in the chosen mode, and stays inside the image', () => {
    const s = fresh();
    applyCanvasKey({ key: 'b', shiftKey: false }, s, size, 'exemplar', () => undefined);
    for (let k = 0; k < 10; k++)
      applyCanvasKey({ key: 'ArrowDown', shiftKey: true }, s, size, 'exemplar', () => undefined);
    applyCanvasKey({ key: 'B', shiftKey: false }, s, size, 'exemplar', () => undefined);
    expect(s.boxes).toEqual([{ box: [50, 40, 50, 79], mode: 'exemplar', positive: true }]);
    expect(applyCanvasKey({ key: 'x', shiftKey: false }, s, size, 'exemplar', () => undefined)).toBe(false);
  });
});
