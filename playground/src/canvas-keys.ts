// Keyboard placement of prompts on the canvas: arrows move a cross (Shift = 10 px), Enter/Space = positive point,
// Shift+Enter = negative point, B = box corner (twice), Backspace = undo. Pure state changes; the page redraws.
export interface KeyPromptState {
  cursor: { x: number; y: number } | undefined;
  boxCorner: { x: number; y: number } | undefined;
  points: Array<{ x: number; y: number; positive: boolean }>;
  boxes: Array<{ box: [number, number, number, number]; mode: 'exemplar' | 'object'; positive: boolean }>;
  history: Array<'point' | 'box'>;
}

/** Applies one key; returns false when the key is not one of ours (the browser keeps its default). */
export function applyCanvasKey(
  e: Pick<KeyboardEvent, 'key' | 'shiftKey'>,
  state: KeyPromptState,
  size: { width: number; height: number },
  boxMode: 'exemplar' | 'object',
  undo: () => void,
): boolean {
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
    state.points.push({ x: c.x, y: c.y, positive: !e.shiftKey });
    state.history.push('point');
  } else if (e.key === 'b' || e.key === 'B') {
    if (!state.boxCorner) state.boxCorner = { ...c };
    else {
      const a = state.boxCorner;
      state.boxes.push({
        box: [Math.min(a.x, c.x), Math.min(a.y, c.y), Math.max(a.x, c.x), Math.max(a.y, c.y)],
        mode: boxMode,
        positive: true,
      });
      state.history.push('box');
      state.boxCorner = undefined;
    }
  } else if (e.key === 'Backspace') undo();
  else return false;
  return true;
}
