// Keyboard placement of prompts on the canvas: arrows move a cross (Shift = 10 px), Enter/Space = positive point,
// Shift+Enter = negative point, B = box corner (twice), Backspace or Ctrl+Z = undo, Ctrl+Shift+Z or Ctrl+Y = redo.
// Pure state changes; the page redraws.
export interface KeyPromptState {
  cursor: { x: number; y: number } | undefined;
  boxCorner: { x: number; y: number } | undefined;
  points: Array<{ x: number; y: number; positive: boolean }>;
  boxes: Array<{ box: [number, number, number, number]; mode: 'exemplar' | 'object'; positive: boolean }>;
}

/** What the page does around a change: `record` before it (for undo), and undo/redo themselves. */
export interface KeyActions {
  record(): void;
  undo(): void;
  redo(): void;
}

/** Applies one key; returns false when the key is not one of ours (the browser keeps its default). */
export function applyCanvasKey(
  e: Pick<KeyboardEvent, 'key' | 'shiftKey'> & Partial<Pick<KeyboardEvent, 'ctrlKey' | 'metaKey'>>,
  state: KeyPromptState,
  size: { width: number; height: number },
  boxMode: 'exemplar' | 'object',
  actions: KeyActions,
): boolean {
  if (e.ctrlKey || e.metaKey) {
    const key = e.key.toLowerCase();
    if (key === 'z') (e.shiftKey ? actions.redo : actions.undo)();
    else if (key === 'y') actions.redo();
    else return false;
    return true;
  }
  const c = (state.cursor ??= { x: Math.round(size.width / 2), y: Math.round(size.height / 2) });
  const step = e.shiftKey ? 10 : 1;
  const moves: Record<string, [number, number]> = {
    ArrowLeft: [-step, 0],
    ArrowRight: [step, 0],
    ArrowUp: [0, -step],
    ArrowDown: [0, step],
  };
  const move = moves[e.key];
  if (move) {
    c.x = Math.min(size.width - 1, Math.max(0, c.x + move[0]));
    c.y = Math.min(size.height - 1, Math.max(0, c.y + move[1]));
  } else if (e.key === 'Enter' || e.key === ' ') {
    actions.record();
    state.points.push({ x: c.x, y: c.y, positive: !e.shiftKey });
  } else if (e.key === 'b' || e.key === 'B') {
    if (!state.boxCorner) state.boxCorner = { ...c };
    else {
      const a = state.boxCorner;
      actions.record();
      state.boxes.push({
        box: [Math.min(a.x, c.x), Math.min(a.y, c.y), Math.max(a.x, c.x), Math.max(a.y, c.y)],
        mode: boxMode,
        positive: true,
      });
      state.boxCorner = undefined;
    }
  } else if (e.key === 'Backspace') actions.undo();
  else return false;
  return true;
}
