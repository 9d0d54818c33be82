// One object's bounded tracker memory for one propagation pass (as Meta's sam3 tracker bounds it): conditioning entries
// and recent frames, the official memory-selection rule (SAM2Long-style eff-IoU filter, 6 spatial memories,
// object pointers by rank), trimmed to exactly what can still be selected. No ORT here.
import { sigmoid } from './postprocess.js';

export interface MemoryEntry {
  frame: number;
  /** A prompt frame or a seeded/reconditioned mask, rather than a tracked one. */
  conditioning: boolean;
  /** maskmem_features [1,C,q,q] */
  features: Float32Array;
  /** maskmem_pos_enc (constant across frames: one copy per bank is kept) */
  pos: Float32Array;
  /** obj_ptr [1,D] */
  objPtr: Float32Array;
  objectScoreLogit: number;
  /** Predicted IoU of the kept mask; 1 when the graphs give none. */
  iou: number;
}

export interface MemoryConfig {
  /** 1 conditioning slot + this−1 recent frames (official num_maskmem 7). */
  numMaskmem: number;
  /** Conditioning frames attended to (official max_cond_frames_in_attn 4). */
  maxCondFramesInAttn: number;
  /** Object pointers attended to (official max_obj_ptrs_in_encoder 16). */
  maxObjPtrs: number;
  /** Memory selection keeps frames with eff-IoU above this (official mf_threshold 0.01). */
  selectionThreshold: number;
  /**
   * Frames in the video, when known: the reference divides pointer positions by min(frames, maxObjPtrs) − 1, the
   * graph by maxObjPtrs − 1, so a shorter clip's positions are scaled up to match.
   */
  frameCount?: number;
}

export const DEFAULT_MEMORY: MemoryConfig = {
  numMaskmem: 7,
  maxCondFramesInAttn: 4,
  maxObjPtrs: 16,
  selectionThreshold: 0.01,
};

export interface MemorySelection {
  /** Spatial memories, conditioning rows first (closest first), each with its temporal-embedding index. */
  masks: Array<{ entry: MemoryEntry; tposIdx: number }>;
  /** Object pointers with their temporal position (frame distance for conditioning, rank for recent). */
  pointers: Array<{ entry: MemoryEntry; tpos: number }>;
}

/** `max(0, 2·sigmoid(score) − 1) × iou`: how much a tracked frame can be trusted as memory. */
export function effectiveIou(entry: Pick<MemoryEntry, 'objectScoreLogit' | 'iou'>): number {
  return Math.max(0, 2 * sigmoid(entry.objectScoreLogit) - 1) * entry.iou;
}

export class ObjectMemoryBank {
  private readonly cond = new Map<number, MemoryEntry>();
  /** Non-conditioning entries, most recent first. */
  private recent: MemoryEntry[] = [];
  private pos: Float32Array | null = null;

  /** `direction` 1: frames are processed in increasing order; −1: decreasing (a backward pass). */
  constructor(
    private readonly config: MemoryConfig,
    readonly direction: 1 | -1,
  ) {}

  /** Frame `a` comes before `b` in processing order. */
  private before(a: number, b: number): boolean {
    return this.direction > 0 ? a < b : a > b;
  }

  get hasConditioning(): boolean {
    return this.cond.size > 0;
  }

  get entryCount(): number {
    return this.cond.size + this.recent.length;
  }

  get bytes(): number {
    let n = this.pos?.byteLength ?? 0;
    for (const e of [...this.cond.values(), ...this.recent]) n += e.features.byteLength + e.objPtr.byteLength;
    return n;
  }

  /** Stores an entry (a conditioning entry replaces any tracked one of the same frame), then trims. */
  add(entry: MemoryEntry): void {
    if (this.pos && this.pos.length === entry.pos.length) entry = { ...entry, pos: this.pos };
    else this.pos = entry.pos;
    this.recent = this.recent.filter((e) => e.frame !== entry.frame);
    if (entry.conditioning) this.cond.set(entry.frame, entry);
    else if (!this.cond.has(entry.frame)) {
      this.recent.push(entry);
      this.recent.sort((a, b) => (this.before(a.frame, b.frame) ? 1 : -1));
    }
    this.trim(entry.frame);
  }

  /** Conditioning frames for `frame`: the closest before it, the closest at/after it, then the nearest others. */
  private selectConditioning(frame: number): MemoryEntry[] {
    const all = [...this.cond.values()];
    const dist = (e: MemoryEntry) => Math.abs(e.frame - frame);
    const past = all.filter((e) => this.before(e.frame, frame)).sort((a, b) => dist(a) - dist(b));
    const ahead = all.filter((e) => !this.before(e.frame, frame)).sort((a, b) => dist(a) - dist(b));
    const head = [past[0], ahead[0]].filter((e): e is MemoryEntry => e !== undefined);
    const rest = all.filter((e) => !head.includes(e)).sort((a, b) => dist(a) - dist(b) || a.frame - b.frame);
    return [...head, ...rest].slice(0, this.config.maxCondFramesInAttn);
  }

  /** Recent frames before `frame` kept by memory selection, most recent first; the previous frame always. */
  private selectRecent(frame: number): MemoryEntry[] {
    const maxKept = this.config.maxObjPtrs - 1;
    const earlier = this.recent.filter((e) => this.before(e.frame, frame));
    const kept = earlier.filter((e) => effectiveIou(e) > this.config.selectionThreshold).slice(0, maxKept);
    const previous = earlier.find((e) => e.frame === frame - this.direction);
    if (previous && !kept.includes(previous)) kept.unshift(previous);
    return kept;
  }

  /** What `frame` attends to. Empty `masks` means the object has no memory yet. */
  select(frame: number): MemorySelection {
    const cfg = this.config;
    const n = cfg.frameCount;
    const scale = n !== undefined && n >= 2 && n < cfg.maxObjPtrs ? (cfg.maxObjPtrs - 1) / (n - 1) : 1;
    const cond = this.selectConditioning(frame);
    const recent = this.selectRecent(frame);
    const masks = [
      ...cond.map((entry) => ({ entry, tposIdx: cfg.numMaskmem - 1 })),
      ...recent.slice(0, cfg.numMaskmem - 1).map((entry, rank) => ({ entry, tposIdx: rank })),
    ];
    // Every selected conditioning frame's pointer plus up to max_obj_ptrs − 1 recent ones, as Meta's tracker takes
    // them (no cap on the total).
    const pointers = [
      ...cond
        .filter((e) => !this.before(frame, e.frame))
        .map((entry) => ({ entry, tpos: Math.abs(frame - entry.frame) * scale })),
      ...recent.slice(0, cfg.maxObjPtrs - 1).map((entry, rank) => ({ entry, tpos: (rank + 1) * scale })),
    ];
    return { masks, pointers };
  }

  /**
   * After `frame`: keeps every conditioning entry not yet passed plus the closest passed ones that can still be
   * selected, and the recent entries that selection can still reach (the last one and the last eligible ones).
   */
  private trim(frame: number): void {
    const passed = [...this.cond.values()]
      .filter((e) => this.before(e.frame, frame) || e.frame === frame)
      .sort((a, b) => Math.abs(frame - a.frame) - Math.abs(frame - b.frame));
    for (const e of passed.slice(this.config.maxCondFramesInAttn)) this.cond.delete(e.frame);
    const maxKept = this.config.maxObjPtrs - 1;
    let eligible = 0;
    this.recent = this.recent.filter((e, i) => {
      const ok = effectiveIou(e) > this.config.selectionThreshold;
      if (i === 0) {
        if (ok) eligible++;
        return true;
      }
      if (!ok || eligible >= maxKept) return false;
      eligible++;
      return true;
    });
  }
}
