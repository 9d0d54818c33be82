// Keyboard prompt placement: moving the cross, points of both signs, a box from two corners, bounds, undo/redo keys.
import { describe, expect, it } from 'vitest';
import { applyCanvasKey, type KeyActions, type KeyPromptState } from './canvas-keys.js';

const fresh = (): KeyPromptState => ({ cursor: undefined, boxCorner: undefined, points: [], boxes: [] });
const calls: string[] = [];
const actions: KeyActions = {
  record: () => calls.push('record'),
  undo: () => calls.push('undo'),
  redo: () => calls.push('redo'),
};
const size = { width: 100, height: 80 };

describe('applyCanvasKey', () => {
  it('moves the cross from the centre, 10 px with Shift, and places points', () => {
    const s = fresh();
    applyCanvasKey({ key: 'ArrowRight', shiftKey: true }, s, size, 'object', actions);
    applyCanvasKey({ key: 'ArrowUp', shiftKey: false }, s, size, 'object', actions);
    applyCanvasKey({ key: 'Enter', shiftKey: false }, s, size, 'object', actions);
    applyCanvasKey({ key: 'Enter', shiftKey: true }, s, size, 'object', actions);
    expect(s.points).toEqual([
      { x: 60, y: 39, positive: true },
      { x: 60, y: 39, positive: false },
    ]);
    expect(calls.splice(0)).toEqual(['record', 'record']);
  });

  it('draws a box from two corners in the chosen mode, and stays inside the image', () => {
    const s = fresh();
    applyCanvasKey({ key: 'b', shiftKey: false }, s, size, 'exemplar', actions);
    for (let k = 0; k < 10; k++) applyCanvasKey({ key: 'ArrowDown', shiftKey: true }, s, size, 'exemplar', actions);
    applyCanvasKey({ key: 'B', shiftKey: false }, s, size, 'exemplar', actions);
    expect(s.boxes).toEqual([{ box: [50, 40, 50, 79], mode: 'exemplar', positive: true }]);
    expect(applyCanvasKey({ key: 'x', shiftKey: false }, s, size, 'exemplar', actions)).toBe(false);
  });

  it('records once per box, not per corner; Backspace and Ctrl+Z undo, Ctrl+Shift+Z and Ctrl+Y redo', () => {
    const s = fresh();
    calls.splice(0);
    applyCanvasKey({ key: 'b', shiftKey: false }, s, size, 'object', actions);
    applyCanvasKey({ key: 'b', shiftKey: false }, s, size, 'object', actions);
    applyCanvasKey({ key: 'Backspace', shiftKey: false }, s, size, 'object', actions);
    applyCanvasKey({ key: 'z', shiftKey: false, ctrlKey: true }, s, size, 'object', actions);
    applyCanvasKey({ key: 'Z', shiftKey: true, ctrlKey: true }, s, size, 'object', actions);
    applyCanvasKey({ key: 'y', shiftKey: false, metaKey: true }, s, size, 'object', actions);
    expect(calls).toEqual(['record', 'undo', 'undo', 'redo', 'redo']);
    expect(applyCanvasKey({ key: 'c', shiftKey: false, ctrlKey: true }, s, size, 'object', actions)).toBe(false);
  });
});
