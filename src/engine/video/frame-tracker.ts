// One propagation pass's per-frame step (after Meta's sam3 video predictor): the detector per concept, prompts and
// predictions for existing objects, association and hotstart, reconditioning, occlusion suppression, memory
// writes, hole filling. Used by whole-video jobs and by interactive sessions alike.
import { throwIfAborted } from '../inference-queue.js';
import type { ImageSize } from '../../domain/image.js';
import type { StageTimings } from '../../domain/stage-timings.js';
import type { TrackingOptions, VideoObjectPrompt } from '../../domain/video.js';
import { binarize, cleanGridLogits, gridIou } from '../../model/sam3/grid-mask.js';
import type { GridDetection } from '../../model/sam3/postprocess.js';
import type { ImageEmbedding, Sam3Model } from '../../model/sam3/sam3-model.js';
import {
  DEFAULT_TRACKER,
  MultiObjectTracker,
  type IdentifyNewObject,
  type Prediction,
  type TrackOutput,
} from '../../model/sam3/tracker.js';
import { BoxFollower, MemoryFollower, type FollowContext, type ObjectFollower } from './object-followers.js';

/** Official recondition_every_nth_frame, and the confidence a match needs (HIGH_CONF / HIGH_IOU 0.8). */
const RECONDITION_EVERY = 16;
const RECONDITION_MIN = 0.8;
/** Official suppress_overlapping_based_on_recent_occlusion_threshold. */
const OCCLUSION_IOU = 0.7;

export interface FrameTrackerOptions {
  model: Sam3Model;
  concepts: readonly string[];
  tracking: TrackingOptions;
  gridSize: number;
  source: ImageSize;
  /** 1: frames come in increasing order; −1: a backward pass. */
  direction: 1 | -1;
  /** Frames in the video (as processed), when known: the reference scales object-pointer positions by it. */
  frameCount?: number;
  /** Ids new objects must not take (clicked objects of a session, removed objects). */
  reservedIds?: Iterable<number>;
  /** Gives a new concept object the id it already has elsewhere (a session's stored result on its first frame). */
  identify?: IdentifyNewObject;
}

/** What an interactive session already holds on the frame being stepped. */
export interface HeldObjects {
  /** The session's current grid mask per object, for refinements of objects this pass has not followed yet. */
  stored?: ReadonlyMap<number, Float32Array>;
  /**
   * Clicked objects this pass should follow from this frame on although it has no prompt for them here: their
   * stored grid masks stand in for a decode (and become conditioning memories).
   */
  seeds?: ReadonlyMap<number, { label: string; logits: Float32Array }>;
}

export interface FrameStepResult {
  outputs: TrackOutput[];
  removedNow: number[];
}

export class FrameTracker {
  readonly tracker: MultiObjectTracker;
  readonly follower: ObjectFollower;
  private readonly cellsToClean: number;
  private readonly lastOccluded = new Map<number, number>();
  private stepsDone = 0;

  constructor(private readonly options: FrameTrackerOptions) {
    const { model, gridSize, tracking } = options;
    this.tracker = new MultiObjectTracker(
      { ...DEFAULT_TRACKER, maskSize: gridSize, newObjectThreshold: tracking.newObjectThreshold },
      options.concepts,
      options.reservedIds,
      options.identify,
    );
    this.follower = model.tracker
      ? new MemoryFollower(model.tracker, options.direction, options.frameCount)
      : new BoxFollower(model, gridSize);
    this.cellsToClean = Math.round((tracking.fillHoleAreaPx * gridSize * gridSize) / (288 * 288));
  }

  get mode(): ObjectFollower['mode'] {
    return this.follower.mode;
  }

  /**
   * One frame (`pixels`: normalised [1,3,R,R] at the model resolution). `prompts`: clicks/boxes on this frame.
   * `held`: what a session already holds on this frame (seeds are ignored for objects prompted here or already
   * followed by this pass).
   */
  async step(
    frame: number,
    pixels: Float32Array,
    prompts: readonly VideoObjectPrompt[],
    timings: StageTimings,
    held: HeldObjects = {},
    signal?: AbortSignal,
  ): Promise<FrameStepResult> {
    const { model, concepts, tracking, source } = this.options;
    const { stored } = held;
    const detections: GridDetection[][] = [];
    if (concepts.length > 0) {
      const embedding = await model.encodeImage('concepts', pixels, timings);
      for (const text of concepts) {
        throwIfAborted(signal, 'detecting concepts');
        detections.push(await model.detectConcept(embedding, { text }, source, tracking.detectionThreshold, timings));
      }
    }
    const follower = this.follower;
    const live = this.tracker.liveIds();
    const seeds = [...(held.seeds ?? [])].filter(
      ([id]) => !prompts.some((p) => p.objId === id) && !(live.includes(id) && follower.follows(id)),
    );
    const following = live.filter(
      (id) =>
        follower.follows(id) &&
        !prompts.some((p) => p.objId === id) &&
        (follower.predictsConceptObjects || this.tracker.conceptOf(id)! < 0),
    );
    let objects: ImageEmbedding | null = null;
    if (
      prompts.length > 0 ||
      seeds.length > 0 ||
      following.length > 0 ||
      (follower.predictsConceptObjects && concepts.length > 0)
    )
      objects = await model.encodeImage('objects', pixels, timings);
    const ctx = (): FollowContext => ({ frame, embedding: objects!, source, timings });
    const prompted = new Map<number, Prediction>();
    const predicted = new Map<number, Prediction>();
    const promptedIds: number[] = [];
    for (const p of prompts) {
      const id = this.tracker.addPromptedObject(p.label ?? `object ${p.objId ?? ''}`.trim(), p.objId);
      const last = stored?.get(id) ?? this.lastLogits(id);
      prompted.set(
        id,
        await follower.prompt(
          id,
          { ...(p.points ? { points: p.points } : {}), ...(p.box ? { box: p.box } : {}) },
          last,
          ctx(),
        ),
      );
      promptedIds.push(id);
    }
    const seeded = new Set<number>();
    for (const [id, seed] of seeds) {
      prompted.set(this.tracker.addPromptedObject(seed.label, id), { logits: seed.logits, score: 1 });
      seeded.add(id);
    }
    for (const id of following) {
      const p = await follower.predict(id, this.tracker.lastMask(id)?.box ?? null, ctx());
      if (!p) continue;
      if (this.tracker.conceptOf(id)! < 0) prompted.set(id, p);
      else predicted.set(id, p);
    }
    const step = await timings.time('track', () => this.tracker.step(frame, detections, predicted, prompted));
    let outputs = step.outputs;
    for (const id of step.removedNow) follower.forget(id);

    // Reconditioning: a confident detection that agrees with a confident prediction becomes a conditioning memory.
    const reconditioned = new Set<number>();
    if (follower.predictsConceptObjects && this.stepsDone > 0 && this.stepsDone % RECONDITION_EVERY === 0) {
      for (const m of step.matches) {
        const p = predicted.get(m.id);
        if (
          !p ||
          m.detection.score < RECONDITION_MIN ||
          m.iou < RECONDITION_MIN ||
          p.score <= sigmoidOf(RECONDITION_MIN)
        )
          continue;
        reconditioned.add(m.id);
        outputs = outputs.map((o) =>
          o.id === m.id ? { ...o, logits: m.detection.logits, score: m.detection.score } : o,
        );
      }
    }
    outputs = await timings.time('clean', () =>
      outputs.map((o) => ({ ...o, logits: cleanGridLogits(o.logits, this.options.gridSize, this.cellsToClean) })),
    );
    const suppressed = this.suppressRecentlyOccluded(frame, outputs);

    if (objects) {
      const born = new Set(step.born);
      for (const o of outputs) {
        const empty = suppressed.has(o.id);
        const logits = empty ? new Float32Array(o.logits.length).fill(-10) : o.logits;
        const kind = promptedIds.includes(o.id)
          ? 'prompted'
          : born.has(o.id) || reconditioned.has(o.id) || seeded.has(o.id)
            ? 'mask'
            : 'tracked';
        if (kind === 'tracked' && !follower.follows(o.id)) continue;
        await follower.remember(o.id, logits, empty ? -10 : logitOf(o.score), kind, ctx());
      }
      // Followed objects not on this frame: remember them absent, so "the previous frame" says so.
      const shown = new Set(outputs.map((o) => o.id));
      const alive = new Set(this.tracker.liveIds());
      for (const id of [...predicted.keys(), ...prompted.keys()]) {
        if (shown.has(id) || !alive.has(id) || !follower.follows(id)) continue;
        const p = predicted.get(id) ?? prompted.get(id)!;
        await follower.remember(id, p.logits, -10, promptedIds.includes(id) ? 'prompted' : 'tracked', ctx());
      }
    }
    this.stepsDone++;
    return { outputs: outputs.filter((o) => !suppressed.has(o.id)), removedNow: step.removedNow };
  }

  private lastLogits(id: number): Float32Array | null {
    const mask = this.tracker.lastMask(id);
    if (!mask) return null;
    const out = new Float32Array(mask.data.length);
    for (let i = 0; i < out.length; i++) out[i] = mask.data[i] ? 10 : -10;
    return out;
  }

  /**
   * Official occlusion-based suppression: of two objects overlapping with IoU ≥ 0.7, the one that was absent more
   * recently is hidden on this frame. Updates each object's last-absent frame.
   */
  private suppressRecentlyOccluded(frame: number, outputs: readonly TrackOutput[]): Set<number> {
    const shown = new Set(outputs.map((o) => o.id));
    for (const id of this.tracker.liveIds()) if (!shown.has(id)) this.lastOccluded.set(id, frame);
    const hidden = new Set<number>();
    const masks = outputs.map((o) => binarize(o.logits, this.options.gridSize));
    for (let a = 0; a < outputs.length; a++) {
      for (let b = a + 1; b < outputs.length; b++) {
        if (gridIou(masks[a]!, masks[b]!) < OCCLUSION_IOU) continue;
        const ia = outputs[a]!.id;
        const ib = outputs[b]!.id;
        const la = this.lastOccluded.get(ia) ?? Number.NEGATIVE_INFINITY;
        const lb = this.lastOccluded.get(ib) ?? Number.NEGATIVE_INFINITY;
        if (la === lb) continue;
        hidden.add(this.options.direction * (la - lb) > 0 ? ia : ib);
      }
    }
    return hidden;
  }
}

const sigmoidOf = (x: number): number => 1 / (1 + Math.exp(-x));
const logitOf = (p: number): number => Math.log(Math.max(p, 1e-6) / Math.max(1 - p, 1e-6));
