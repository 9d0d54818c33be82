// The memory attention's host-side inputs: reusable buffers for the concatenated memories (rows copied only when
// they change) and, for graphs of static memory size, which memories fill the rows.
import { SamError } from '../../domain/errors.js';

/**
 * Buffers for the memory attention's concatenated memory features and positions, grown on demand and reused: the
 * graph reads them only during its run, and the calls of one follower never overlap. Rows are placed so that as
 * few as possible are copied: a memory already in a free row stays there (from one frame to the next, only the
 * newest memory is new), and a row already holding the same (never written) array is not copied again (positions
 * are one shared constant per bank).
 */
/** Marks a row known to hold zeros (padding of a graph with static memory sizes). */
const ZERO_ROW = new Float32Array(0);

export class AttentionInputs {
  private feats = new Float32Array(0);
  private pos = new Float32Array(0);
  /** What each row holds now. */
  private heldFeats: Float32Array[] = [];
  private heldPos: Float32Array[] = [];

  get bytes(): number {
    return this.feats.byteLength + this.pos.byteLength;
  }

  /**
   * Rows for `entries` (`plane` values each): the first `pinned` in their given order, the others in any order.
   * Returns views of `rows` rows (at least `entries.length`; rows past the entries are zero, the padding of a graph
   * with static memory sizes) and `order`: row r holds `entries[order[r]]`.
   */
  fill(
    entries: ReadonlyArray<{ features: Float32Array; pos: Float32Array }>,
    plane: number,
    pinned = entries.length,
    rows = entries.length,
  ): { feats: Float32Array; pos: Float32Array; order: number[] } {
    const m = entries.length;
    const held = this.heldFeats.find((h) => h !== ZERO_ROW);
    if (this.feats.length < rows * plane || (held !== undefined && held.length !== plane)) {
      this.feats = new Float32Array(rows * plane);
      this.pos = new Float32Array(rows * plane);
      this.heldFeats = [];
      this.heldPos = [];
    }
    const order: Array<number | undefined> = Array.from({ length: m }, (_, r) => (r < pinned ? r : undefined));
    const placed = new Set<number>(order.filter((j): j is number => j !== undefined));
    for (let r = pinned; r < m; r++) {
      const j = entries.findIndex((e, k) => k >= pinned && !placed.has(k) && e.features === this.heldFeats[r]);
      if (j < 0) continue;
      order[r] = j;
      placed.add(j);
    }
    let next = pinned;
    for (let r = pinned; r < m; r++) {
      if (order[r] !== undefined) continue;
      while (placed.has(next)) next++;
      order[r] = next;
      placed.add(next);
    }
    order.forEach((j, r) => {
      const e = entries[j!]!;
      if (e.features.length !== plane || e.pos.length !== plane)
        throw new SamError(
          'INTERNAL',
          `A memory holds ${e.features.length} feature and ${e.pos.length} position values, not ${plane} each`,
          {},
        );
      if (this.heldFeats[r] !== e.features) {
        this.feats.set(e.features, r * plane);
        this.heldFeats[r] = e.features;
      }
      if (this.heldPos[r] !== e.pos) {
        this.pos.set(e.pos, r * plane);
        this.heldPos[r] = e.pos;
      }
    });
    for (let r = m; r < rows; r++) {
      if (this.heldFeats[r] !== ZERO_ROW) {
        this.feats.fill(0, r * plane, (r + 1) * plane);
        this.heldFeats[r] = ZERO_ROW;
      }
      if (this.heldPos[r] !== ZERO_ROW) {
        this.pos.fill(0, r * plane, (r + 1) * plane);
        this.heldPos[r] = ZERO_ROW;
      }
    }
    return {
      feats: this.feats.subarray(0, rows * plane),
      pos: this.pos.subarray(0, rows * plane),
      order: order as number[],
    };
  }
}

/**
 * At most `target` spatial memories, chosen as the exporter's runtime chooses them for graphs of static size: the
 * latest conditioning frame, the latest tracked frame, the first conditioning frame, then conditioning and tracked
 * frames from the most recent; the chosen keep their order.
 */
export function limitMemories<T extends { entry: { frame: number; conditioning: boolean } }>(
  masks: readonly T[],
  target: number,
): T[] {
  if (masks.length <= target) return [...masks];
  const cond = masks.filter((s) => s.entry.conditioning);
  const recent = masks.filter((s) => !s.entry.conditioning);
  const byFrame = (a: T, b: T): number => b.entry.frame - a.entry.frame;
  const picked = new Set<T>();
  const add = (s: T | undefined): void => {
    if (s && picked.size < target) picked.add(s);
  };
  add([...cond].sort(byFrame)[0]);
  add([...recent].sort(byFrame)[0]);
  add([...cond].sort((a, b) => a.entry.frame - b.entry.frame)[0]);
  for (const s of [...cond].sort(byFrame)) add(s);
  for (const s of [...recent].sort(byFrame)) add(s);
  return masks.filter((s) => picked.has(s));
}
