// The SAM 3 multi-object video tracker's host logic (after Meta's sam3 video predictor): per-concept association of
// detections with tracks, new ids (monotonic, never reused), re-finding lost tracks, hotstart removal of
// short-lived and duplicate objects, and clicked objects alongside. Works on the S×S mask grid; no ORT here.
import { maskNms } from '../../masks/mask-ops.js';
import { binarize, gridIou, type GridMask } from './grid-mask.js';
import type { GridDetection } from './postprocess.js';

export interface TrackerConfig {
  maskSize: number;
  /** A detection needs this score to start an object (official new_det_thresh 0.7). */
  newObjectThreshold: number;
  /** Detection ↔ track IoU that associates them (official assoc_iou_thresh 0.1). */
  assocIouThreshold: number;
  /** IoU at which a second track counts as a duplicate of a detection's track (official trk_assoc_iou_thresh 0.5). */
  matchIouThreshold: number;
  /** Mask-IoU NMS among one concept's detections (official det_nms_thresh 0.1). */
  nmsIouThreshold: number;
  /** Frames after birth during which an object can still be removed (official hotstart_delay 15). */
  hotstartFrames: number;
  /** Unmatched frames within the hotstart window that remove an object (official 8). */
  hotstartUnmatched: number;
  /** Frames as a duplicate within the hotstart window that remove the later-born object (official 8). */
  hotstartDuplicate: number;
  maxObjects: number;
}

export const DEFAULT_TRACKER: Omit<TrackerConfig, 'maskSize'> = {
  newObjectThreshold: 0.7,
  assocIouThreshold: 0.1,
  matchIouThreshold: 0.5,
  nmsIouThreshold: 0.1,
  hotstartFrames: 15,
  hotstartUnmatched: 8,
  hotstartDuplicate: 8,
  maxObjects: 10_000,
};

/** What a tracker graph (or a clicked object's propagation) predicts for one object on this frame. */
export interface Prediction {
  logits: Float32Array;
  score: number;
}

export interface TrackOutput {
  id: number;
  logits: Float32Array;
  score: number;
}

/** A concept track and the detection assigned to it on this frame (for reconditioning). */
export interface TrackMatch {
  id: number;
  detection: GridDetection;
  iou: number;
}

export interface StepResult {
  outputs: TrackOutput[];
  removedNow: number[];
  /** Objects started from a detection on this frame. */
  born: number[];
  matches: TrackMatch[];
}

interface Track {
  id: number;
  /** Index of the concept, or −1 for a clicked object. */
  concept: number;
  label: string;
  /** The step (frames processed by this tracker, in its own order) that started the object. */
  bornStep: number;
  lastSeenFrame: number;
  lastMask: GridMask | null;
  centroid: [number, number] | null;
  unmatched: number;
  duplicate: number;
}

/**
 * Names a concept object about to be born on `frame` when its owner already knows it (an interactive session's
 * earlier result on that frame); undefined means a new object.
 */
export type IdentifyNewObject = (frame: number, concept: number, mask: GridMask) => number | undefined;

export class MultiObjectTracker {
  private readonly tracks = new Map<number, Track>();
  private readonly removed = new Set<number>();
  private readonly used = new Set<number>();
  private nextId = 1;
  /** Frames stepped so far. Ages count in steps, so a backward pass (frame indices falling) ages objects alike. */
  private steps = 0;

  /**
   * `reservedIds`: ids that new objects must never take (clicked objects named elsewhere, removed objects).
   * `identify`: may give a new concept object an id it already has elsewhere (a reserved one); the id is taken
   * only when no live or removed object of this tracker has it.
   */
  constructor(
    private readonly config: TrackerConfig,
    private readonly conceptLabels: readonly string[],
    reservedIds: Iterable<number> = [],
    private readonly identify?: IdentifyNewObject,
  ) {
    for (const id of reservedIds) this.used.add(id);
  }

  /** Registers a clicked object; `id` names it (or refines an existing one), otherwise a new id is taken. */
  addPromptedObject(label: string, id?: number): number {
    const existing = id !== undefined ? this.tracks.get(id) : undefined;
    if (existing) return existing.id;
    const newId = id ?? this.takeId();
    this.used.add(newId);
    this.removed.delete(newId);
    this.tracks.set(newId, {
      id: newId,
      concept: -1,
      label,
      bornStep: this.steps,
      lastSeenFrame: -1,
      lastMask: null,
      centroid: null,
      unmatched: 0,
      duplicate: 0,
    });
    return newId;
  }

  /** The object's mask on the last frame it was seen (grid), for box propagation. */
  lastMask(id: number): GridMask | null {
    return this.tracks.get(id)?.lastMask ?? null;
  }

  label(id: number): string {
    return this.tracks.get(id)?.label ?? '';
  }

  isRemoved(id: number): boolean {
    return this.removed.has(id);
  }

  /** Live objects of any kind. */
  liveIds(): number[] {
    return [...this.tracks.keys()];
  }

  /** Concept index of a live object (−1 for a clicked one), or undefined. */
  conceptOf(id: number): number | undefined {
    return this.tracks.get(id)?.concept;
  }

  /** Live clicked objects (concept −1). */
  promptedIds(): number[] {
    return [...this.tracks.values()].filter((t) => t.concept < 0).map((t) => t.id);
  }

  private takeId(): number {
    while (this.used.has(this.nextId)) this.nextId++;
    this.used.add(this.nextId);
    return this.nextId++;
  }

  /**
   * One frame. `detections[c]`: concept c's detections above the detection threshold. `predicted`: tracker-graph
   * predictions for existing objects (none in tracking-by-detection, where a track's last mask stands in).
   * `prompted`: clicked objects' masks on this frame. Returns the objects to output and the ids removed now.
   */
  step(
    frame: number,
    detections: ReadonlyArray<readonly GridDetection[]>,
    predicted: ReadonlyMap<number, Prediction>,
    prompted: ReadonlyMap<number, Prediction>,
  ): StepResult {
    const cfg = this.config;
    const outputs: TrackOutput[] = [];
    const removedNow: number[] = [];
    const born: number[] = [];
    const matches: TrackMatch[] = [];
    const see = (track: Track, logits: Float32Array, score: number) => {
      const mask = binarize(logits, cfg.maskSize);
      if (mask.area === 0) return;
      track.lastMask = mask;
      track.centroid = mask.centroid;
      track.lastSeenFrame = frame;
      outputs.push({ id: track.id, logits, score });
    };
    for (const [id, p] of prompted) {
      const track = this.tracks.get(id);
      if (track && !this.removed.has(id) && p.score > 0.5) see(track, p.logits, p.score);
    }
    detections.forEach((raw, concept) => {
      const found = raw
        .map((det) => ({ det, mask: binarize(det.logits, cfg.maskSize), score: det.score }))
        .filter((c) => c.mask.area > 0);
      const dets = maskNms(found, cfg.nmsIouThreshold)
        .sort((a, b) => found[b]!.score - found[a]!.score)
        .map((k) => found[k]!);
      const tracks = [...this.tracks.values()].filter((t) => t.concept === concept);
      const trackMask = (t: Track): GridMask | null => {
        const p = predicted.get(t.id);
        return p ? binarize(p.logits, cfg.maskSize) : t.lastMask;
      };
      const masksOfTracks = tracks.map(trackMask);
      const iou = dets.map((d) => masksOfTracks.map((m) => (m ? gridIou(d.mask, m) : 0)));
      // Greedy one-to-one assignment by IoU (≥ the association threshold), best pairs first.
      const pairs: Array<[number, number, number]> = [];
      iou.forEach((row, d) => row.forEach((v, t) => v >= cfg.assocIouThreshold && pairs.push([v, d, t])));
      pairs.sort((a, b) => b[0] - a[0] || tracks[a[2]]!.bornStep - tracks[b[2]]!.bornStep);
      const detOf = new Map<number, number>();
      const trackOf = new Map<number, number>();
      for (const [, d, t] of pairs) {
        if (detOf.has(t) || trackOf.has(d)) continue;
        detOf.set(t, d);
        trackOf.set(d, t);
      }
      // Duplicates: another, later-born track overlapping an assigned detection as well as its own track does.
      for (const [t, d] of detOf) {
        iou[d]!.forEach((v, other) => {
          if (other !== t && v >= cfg.matchIouThreshold && tracks[other]!.bornStep > tracks[t]!.bornStep)
            tracks[other]!.duplicate++;
        });
      }
      // Unassigned confident detections: re-find a lost track of this concept (nearest last position), else a new object.
      const lost = tracks.map((t, i) => i).filter((i) => !detOf.has(i) && !predicted.has(tracks[i]!.id));
      dets.forEach((d, k) => {
        if (trackOf.has(k) || d.det.score < cfg.newObjectThreshold) return;
        if (iou[k]!.some((v) => v >= cfg.assocIouThreshold)) return;
        const c = d.mask.centroid!;
        const distance = (i: number) => {
          const p = tracks[i]!.centroid;
          return p ? Math.hypot(p[0] - c[0], p[1] - c[1]) : Number.POSITIVE_INFINITY;
        };
        const candidates = lost.filter((i) => !detOf.has(i)).sort((a, b) => distance(a) - distance(b));
        if (candidates[0] !== undefined) {
          detOf.set(candidates[0], k);
          trackOf.set(k, candidates[0]);
          return;
        }
        if (this.tracks.size >= cfg.maxObjects) return;
        const known = this.identify?.(frame, concept, d.mask);
        const id = known !== undefined && !this.tracks.has(known) && !this.removed.has(known) ? known : this.takeId();
        this.used.add(id);
        const track: Track = {
          id,
          concept,
          label: this.conceptLabels[concept] ?? '',
          bornStep: this.steps,
          lastSeenFrame: -1,
          lastMask: null,
          centroid: null,
          unmatched: 0,
          duplicate: 0,
        };
        this.tracks.set(track.id, track);
        born.push(track.id);
        see(track, d.det.logits, d.det.score);
      });
      tracks.forEach((t, i) => {
        const d = detOf.get(i);
        const p = predicted.get(t.id);
        if (d !== undefined) matches.push({ id: t.id, detection: dets[d]!.det, iou: iou[d]![i] ?? 0 });
        if (p) see(t, p.logits, p.score);
        else if (d !== undefined) see(t, dets[d]!.det.logits, dets[d]!.det.score);
        const young = this.steps - t.bornStep < cfg.hotstartFrames;
        if (d === undefined && young) t.unmatched++;
        if (young && (t.unmatched >= cfg.hotstartUnmatched || t.duplicate >= cfg.hotstartDuplicate)) {
          this.tracks.delete(t.id);
          this.removed.add(t.id);
          removedNow.push(t.id);
        }
      });
    });
    this.steps++;
    return { outputs: outputs.filter((o) => !this.removed.has(o.id)), removedNow, born, matches };
  }
}
