// Undo and redo of the prompts placed on the image (points and boxes): snapshots taken before each change, a redo
// stack cleared by any new change, at most `limit` steps kept. Pure; the page restores what it returns.
export interface PromptSnapshot {
  points: Array<{ x: number; y: number; positive: boolean }>;
  boxes: Array<{ box: [number, number, number, number]; mode: 'exemplar' | 'object'; positive: boolean }>;
}

const copy = (s: PromptSnapshot): PromptSnapshot => ({
  points: s.points.map((p) => ({ ...p })),
  boxes: s.boxes.map((b) => ({ ...b, box: [...b.box] as PromptSnapshot['boxes'][number]['box'] })),
});

export class PromptHistory {
  private past: PromptSnapshot[] = [];
  private future: PromptSnapshot[] = [];

  constructor(private readonly limit = 200) {}

  /** Call before changing the prompts, with them as they are. */
  record(current: PromptSnapshot): void {
    this.past.push(copy(current));
    if (this.past.length > this.limit) this.past.shift();
    this.future = [];
  }

  /** The prompts before the last change, or undefined when there is nothing to undo. */
  undo(current: PromptSnapshot): PromptSnapshot | undefined {
    const previous = this.past.pop();
    if (previous) this.future.push(copy(current));
    return previous;
  }

  /** The prompts of the last undone change, or undefined when there is nothing to redo. */
  redo(current: PromptSnapshot): PromptSnapshot | undefined {
    const next = this.future.pop();
    if (next) this.past.push(copy(current));
    return next;
  }

  get canUndo(): boolean {
    return this.past.length > 0;
  }

  get canRedo(): boolean {
    return this.future.length > 0;
  }

  /** A new image: nothing to undo or redo. */
  reset(): void {
    this.past = [];
    this.future = [];
  }
}
