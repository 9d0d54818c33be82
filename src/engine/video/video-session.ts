// One interactive video session: its frames on disk, its prompts (text concepts and clicked objects by frame),
// the latest result of every visited frame (as RLE), prompt-and-see on one frame, and propagation passes.
import { validateObjectPrompt } from '../validate-request.js';
import { SamError } from '../../domain/errors.js';
import { StageTimings } from '../../domain/stage-timings.js';
import {
  DEFAULT_TRACKING,
  type TrackingOptions,
  type VideoFrameResult,
  type VideoInfo,
  type VideoObjectInfo,
  type VideoObjectPrompt,
} from '../../domain/video.js';
import { decodeCocoRle } from '../../masks/coco-rle.js';
import { binarize, gridIou } from '../../model/sam3/grid-mask.js';
import { planarToNormalizedNchw } from '../../model/sam3/preprocess.js';
import type { Sam3Model } from '../../model/sam3/sam3-model.js';
import type { IdentifyNewObject } from '../../model/sam3/tracker.js';
import type { InferenceQueue } from '../inference-queue.js';
import type {
  PropagateEvents,
  PropagateRequest,
  SessionPrompt,
  VideoSessionInfo,
  VideoSummary,
} from '../video-engine.js';
import { renderFrame, withOutlines } from './frame-output.js';
import { FrameTracker, type FrameStepResult, type HeldObjects } from './frame-tracker.js';
import type { SessionFrames } from './session-frames.js';

export interface SessionContext {
  model: Sam3Model;
  queue: InferenceQueue;
  /** Model input size R and mask grid S of the object pipeline. */
  resolution: number;
  gridSize: number;
  memoryBudgetBytes: number;
  idleTtlMs: number;
  /** Most concepts one session may hold (SAM3_MAX_PROMPTS): each is detected on every frame. */
  maxConcepts: number;
  /** Tracking settings besides the defaults (the output delay is always 0 in a session). */
  tracking?: Partial<TrackingOptions>;
}

/** Grid IoU at which a new concept object of a pass is the session's stored object of that concept on that frame. */
const SAME_OBJECT_IOU = 0.5;

/** Per stored object: its RLE string plus bookkeeping, roughly. */
const OBJECT_OVERHEAD_BYTES = 96;

function resultBytes(frame: VideoFrameResult): number {
  return frame.objects.reduce((n, o) => n + OBJECT_OVERHEAD_BYTES + o.rle.counts.length, 0);
}

/** A stored mask (source pixels) sampled at the centres of the S×S grid, as ±10 logits. */
function rleToGrid(rle: VideoFrameResult['objects'][number]['rle'], size: number): Float32Array {
  const mask = decodeCocoRle(rle);
  const out = new Float32Array(size * size).fill(-10);
  for (let gy = 0; gy < size; gy++) {
    const y = Math.min(mask.height - 1, Math.floor(((gy + 0.5) * mask.height) / size));
    for (let gx = 0; gx < size; gx++) {
      const x = Math.min(mask.width - 1, Math.floor(((gx + 0.5) * mask.width) / size));
      if (mask.data[y * mask.width + x]) out[gy * size + gx] = 10;
    }
  }
  return out;
}

export class VideoSession {
  private readonly concepts: Array<{ text: string; frameIndex: number }> = [];
  private readonly prompts: VideoObjectPrompt[] = [];
  private readonly labels = new Map<number, string>();
  private readonly removed = new Set<number>();
  private readonly results = new Map<number, VideoFrameResult>();
  private storedBytes = 0;
  private passBytes = 0;
  private lastUsedMs = Date.now();
  private busy = false;

  constructor(
    readonly id: string,
    readonly info: VideoInfo,
    readonly frames: SessionFrames,
    private readonly ctx: SessionContext,
  ) {}

  get idleSinceMs(): number {
    return this.busy ? Date.now() : this.lastUsedMs;
  }

  describe(): VideoSessionInfo {
    const objects = new Map<number, VideoObjectInfo>();
    for (const p of this.prompts)
      if (!objects.has(p.objId!))
        objects.set(p.objId!, { id: p.objId!, label: this.labels.get(p.objId!) ?? '', firstFrame: p.frameIndex });
    for (const f of [...this.results.values()].sort((a, b) => a.index - b.index)) {
      for (const o of f.objects) {
        const known = objects.get(o.id);
        if (!known) objects.set(o.id, { id: o.id, label: this.labels.get(o.id) ?? '', firstFrame: f.index });
        else if (f.index < known.firstFrame) known.firstFrame = f.index;
      }
    }
    return {
      id: this.id,
      info: this.info,
      frameCount: this.frames.count,
      objects: [...objects.values()].sort((a, b) => a.id - b.id),
      concepts: this.concepts.map((c) => c.text),
      memoryBytes: this.storedBytes + this.passBytes,
      memoryBudgetBytes: this.ctx.memoryBudgetBytes,
      expiresAt: new Date(this.idleSinceMs + this.ctx.idleTtlMs).toISOString(),
    };
  }

  private checkFrame(index: number, field: string): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.frames.count) {
      throw new SamError('INVALID_ARGUMENT', `${field} must be a frame index from 0 to ${this.frames.count - 1}`, {
        field,
        expected: `integer in [0, ${this.frames.count - 1}]`,
        received: index,
      });
    }
  }

  private store(result: VideoFrameResult): void {
    const before = this.results.get(result.index);
    this.storedBytes += resultBytes(result) - (before ? resultBytes(before) : 0);
    this.results.set(result.index, result);
    if (this.storedBytes + this.passBytes > this.ctx.memoryBudgetBytes) {
      throw new SamError(
        'SESSION_MEMORY_EXCEEDED',
        `Session ${this.id} would hold ${this.storedBytes + this.passBytes} bytes, over its budget of ${this.ctx.memoryBudgetBytes}`,
        { limit: this.ctx.memoryBudgetBytes },
      );
    }
  }

  /**
   * A pass's tracker. Ids are the session's: a new object takes an id no object of the session has had, unless it
   * is a concept object the session already holds on that frame (same concept, grid IoU ≥ 0.5 with the stored
   * mask), which keeps its id, so two passes, or two propagations, name one object alike.
   */
  private tracker(direction: 1 | -1, concepts: readonly string[]): FrameTracker {
    const clicked = new Set(this.prompts.map((p) => p.objId!));
    const reservedIds = new Set([...clicked, ...this.removed, ...this.labels.keys()]);
    for (const f of this.results.values()) for (const o of f.objects) reservedIds.add(o.id);
    const size = this.ctx.gridSize;
    const identify: IdentifyNewObject = (frame, concept, mask) => {
      let best: number | undefined;
      let bestIou = SAME_OBJECT_IOU;
      for (const o of this.results.get(frame)?.objects ?? []) {
        if (clicked.has(o.id) || this.labels.get(o.id) !== concepts[concept]) continue;
        const iou = gridIou(binarize(rleToGrid(o.rle, size), size), mask);
        if (iou >= bestIou) [best, bestIou] = [o.id, iou];
      }
      return best;
    };
    const tracking = { ...DEFAULT_TRACKING, ...this.ctx.tracking, outputDelayFrames: 0 };
    return new FrameTracker({
      model: this.ctx.model,
      concepts,
      tracking,
      gridSize: size,
      source: this.info,
      direction,
      frameCount: this.frames.count,
      reservedIds,
      identify,
    });
  }

  private async step(
    tracker: FrameTracker,
    index: number,
    prompts: readonly VideoObjectPrompt[],
    timings: StageTimings,
    signal: AbortSignal | undefined,
    held?: HeldObjects,
    pixelBuffer?: Float32Array,
  ): Promise<FrameStepResult> {
    return this.ctx.queue.run(async () => {
      const r = this.ctx.resolution;
      const planes = await this.frames.read(index);
      const pixels = await timings.time('preprocess', () => planarToNormalizedNchw(planes, r, pixelBuffer));
      return tracker.step(index, pixels, prompts, timings, held, signal);
    }, signal);
  }

  private render(index: number, step: FrameStepResult): VideoFrameResult {
    const outputs = step.outputs.filter((o) => !this.removed.has(o.id));
    return renderFrame(
      { index, timeS: this.frames.timesS[index]!, outputs },
      this.ctx.gridSize,
      this.info.width,
      this.info.height,
    );
  }

  /** The stored masks of `ids` on frame `index`, on the S×S grid: what a refinement there starts from. */
  private storedGrids(index: number, ids: readonly number[]): Map<number, Float32Array> {
    const frame = this.results.get(index);
    const grids = new Map<number, Float32Array>();
    for (const o of frame?.objects ?? []) if (ids.includes(o.id)) grids.set(o.id, rleToGrid(o.rle, this.ctx.gridSize));
    return grids;
  }

  /**
   * What a pass starting on frame `index` holds there: the stored masks of the objects prompted there, and as seeds
   * the clicked objects stored there without a prompt there (a pass would not otherwise know them).
   */
  private heldAt(index: number, here: readonly VideoObjectPrompt[], withSeeds: boolean): HeldObjects {
    const stored = this.storedGrids(
      index,
      here.map((p) => p.objId!),
    );
    if (!withSeeds) return { stored };
    const clicked = new Set(this.prompts.map((p) => p.objId!));
    const seeds = new Map<number, { label: string; logits: Float32Array }>();
    for (const o of this.results.get(index)?.objects ?? []) {
      if (clicked.has(o.id) && !here.some((p) => p.objId === o.id))
        seeds.set(o.id, {
          label: this.labels.get(o.id) ?? `object ${o.id}`,
          logits: rleToGrid(o.rle, this.ctx.gridSize),
        });
    }
    return { stored, seeds };
  }

  /** The visited frame nearest to `index` on the side a pass in `direction` comes from, if any. */
  private visitedBehind(index: number, direction: 1 | -1): number | undefined {
    let best: number | undefined;
    for (const v of this.results.keys())
      if (direction * (index - v) > 0 && (best === undefined || direction * (v - best) > 0)) best = v;
    return best;
  }

  private nextObjectId(): number {
    const known = [
      ...this.prompts.map((p) => p.objId!),
      ...this.removed,
      ...[...this.results.values()].flatMap((f) => f.objects.map((o) => o.id)),
    ];
    return known.length === 0 ? 1 : Math.max(...known) + 1;
  }

  /** A text prompt adds concepts (detected on this frame now, on every visited frame when propagating); clicks and
   * boxes create or refine one object on this frame. Returns the frame with the stored objects updated. */
  async prompt(p: SessionPrompt, signal?: AbortSignal): Promise<{ frame: VideoFrameResult; objId?: number }> {
    this.checkFrame(p.frameIndex, 'frame_index');
    this.lastUsedMs = Date.now();
    const timings = new StageTimings();
    const stored = this.results.get(p.frameIndex);
    if (p.text !== undefined) {
      const texts = p.text
        .split(',')
        .map((t) => t.trim())
        .filter((t) => t.length > 0);
      if (texts.length === 0)
        throw new SamError('PROMPT_REQUIRED', 'text must name at least one concept', {
          field: 'text',
          received: p.text,
        });
      const { concepts, objects } = this.ctx.model.info;
      if (!concepts)
        throw new SamError(
          'CAPABILITY_MISSING',
          `The model '${this.ctx.model.info.name}' cannot segment concepts: its bundle lacks those graphs`,
          { field: 'text' },
        );
      if (objects && (concepts.resolution !== objects.resolution || concepts.maskSize !== objects.maskSize)) {
        throw new SamError(
          'MODEL_CONTRACT_MISMATCH',
          `The concept graphs (${concepts.resolution}px, ${concepts.maskSize}² masks) and the tracker graphs (${objects.resolution}px, ${objects.maskSize}² masks) differ; a session's frames are decoded for the tracker, so text prompts cannot run on them`,
          { field: 'text' },
        );
      }
      const added = [...new Set(texts)].filter((text) => !this.concepts.some((c) => c.text === text));
      if (this.concepts.length + added.length > this.ctx.maxConcepts) {
        const total = this.concepts.length + added.length;
        throw new SamError(
          'PROMPT_BATCH_TOO_LARGE',
          `Expected at most ${this.ctx.maxConcepts} concepts in a session (SAM3_MAX_PROMPTS) but this prompt would make ${total}`,
          { field: 'text', limit: this.ctx.maxConcepts, received: total },
        );
      }
      const tracker = this.tracker(1, texts);
      const step = await this.step(tracker, p.frameIndex, [], timings, signal);
      // Only a prompt that ran (not one past its deadline or cancelled) adds its concepts to the session.
      for (const text of added) this.concepts.push({ text, frameIndex: p.frameIndex });
      const found = this.render(p.frameIndex, step);
      for (const o of found.objects) this.labels.set(o.id, tracker.tracker.label(o.id));
      // Objects found again (the same concept prompted twice) replace their stored masks.
      const foundIds = new Set(found.objects.map((o) => o.id));
      const merged = {
        ...found,
        objects: [...(stored?.objects ?? []).filter((o) => !foundIds.has(o.id)), ...found.objects].sort(
          (a, b) => a.id - b.id,
        ),
      };
      this.store(merged);
      return { frame: p.outlines ? withOutlines(merged) : merged };
    }
    if (!p.points?.length && !p.box)
      throw new SamError('PROMPT_REQUIRED', 'A prompt needs text, points or a box', { field: 'prompt' });
    validateObjectPrompt({ ...(p.points ? { points: p.points } : {}), ...(p.box ? { box: p.box } : {}) }, 'prompt', {
      points: 'points',
      box: 'box',
    });
    const objId = p.objId ?? this.nextObjectId();
    this.removed.delete(objId);
    if (p.label !== undefined || !this.labels.has(objId))
      this.labels.set(objId, p.label ?? this.labels.get(objId) ?? `object ${objId}`);
    const same = this.prompts.find((q) => q.objId === objId && q.frameIndex === p.frameIndex);
    const prompt: VideoObjectPrompt = {
      frameIndex: p.frameIndex,
      objId,
      label: this.labels.get(objId)!,
      ...(same?.points || p.points
        ? { points: p.replacePoints && p.points ? [...p.points] : [...(same?.points ?? []), ...(p.points ?? [])] }
        : {}),
      ...((p.box ?? same?.box) ? { box: (p.box ?? same?.box)! } : {}),
    };
    if (same) this.prompts.splice(this.prompts.indexOf(same), 1, prompt);
    else this.prompts.push(prompt);
    const step = await this.step(this.tracker(1, []), p.frameIndex, [prompt], timings, signal, {
      stored: this.storedGrids(p.frameIndex, [objId]),
    });
    const mine = this.render(p.frameIndex, step).objects.filter((o) => o.id === objId);
    const frame: VideoFrameResult = {
      index: p.frameIndex,
      timeS: this.frames.timesS[p.frameIndex]!,
      objects: [...(stored?.objects ?? []).filter((o) => o.id !== objId), ...mine].sort((a, b) => a.id - b.id),
    };
    this.store(frame);
    return { frame: p.outlines ? withOutlines(frame) : frame, objId };
  }

  /** Visits frames from the start in one or both directions, storing and sending each frame's result. */
  async propagate(
    request: PropagateRequest,
    events: PropagateEvents,
  ): Promise<{ framesDone: number; mode: VideoSummary['mode'] }> {
    if (this.busy) throw new SamError('SESSION_BUSY', `Session ${this.id} is already propagating`, {});
    const anchors = [...this.prompts.map((p) => p.frameIndex), ...this.concepts.map((c) => c.frameIndex)];
    if (anchors.length === 0)
      throw new SamError('PROMPT_REQUIRED', 'Add a prompt to the session before propagating', { field: 'prompts' });
    const start =
      request.startFrame ?? (request.direction === 'backward' ? Math.max(...anchors) : Math.min(...anchors));
    this.checkFrame(start, 'start_frame');
    const max = request.maxFrames ?? this.frames.count;
    if (!Number.isInteger(max) || max < 1)
      throw new SamError('INVALID_ARGUMENT', 'max_frames must be a positive integer', {
        field: 'max_frames',
        expected: 'integer ≥ 1',
        received: max,
      });
    this.busy = true;
    const timings = new StageTimings();
    let framesDone = 0;
    let mode: VideoSummary['mode'] = 'tracking-by-detection';
    const cancelled = (): SamError =>
      request.signal?.reason instanceof SamError
        ? request.signal.reason
        : new SamError('REQUEST_CANCELLED', 'Propagation was cancelled', {});
    try {
      const passes: Array<{ direction: 1 | -1; skipFirst: boolean }> = [];
      if (request.direction !== 'backward') passes.push({ direction: 1, skipFirst: false });
      if (request.direction !== 'forward') passes.push({ direction: -1, skipFirst: request.direction === 'both' });
      for (const pass of passes) {
        const tracker = this.tracker(
          pass.direction,
          this.concepts.map((c) => c.text),
        );
        mode = tracker.mode;
        const visited: number[] = [];
        const pixelBuffer = new Float32Array(3 * this.ctx.resolution * this.ctx.resolution);
        // A pass starting where the session has not been (the next chunk of a propagation cut by max_frames) first
        // steps, unseen, on the nearest visited frame behind it: there its objects are found under their ids and
        // clicked objects are picked up from their stored masks, so the pass continues them.
        const leadIn = this.results.has(start) ? undefined : this.visitedBehind(start, pass.direction);
        if (leadIn !== undefined) {
          if (request.signal?.aborted) throw cancelled();
          const here = this.prompts.filter((p) => p.frameIndex === leadIn);
          await this.step(tracker, leadIn, here, timings, request.signal, this.heldAt(leadIn, here, true), pixelBuffer);
        }
        for (let k = 0; k < max; k++) {
          const index = start + pass.direction * k;
          if (index < 0 || index >= this.frames.count) break;
          if (request.signal?.aborted) throw cancelled();
          const here = this.prompts.filter((p) => p.frameIndex === index);
          const step = await this.step(
            tracker,
            index,
            here,
            timings,
            request.signal,
            this.heldAt(index, here, k === 0 && leadIn === undefined),
            pixelBuffer,
          );
          for (const id of tracker.tracker.liveIds())
            if (!this.labels.has(id)) this.labels.set(id, tracker.tracker.label(id));
          this.passBytes = tracker.follower.bytes;
          if (step.removedNow.length > 0) {
            const gone = new Set(step.removedNow);
            for (const v of visited) {
              const f = this.results.get(v)!;
              this.store({ ...f, objects: f.objects.filter((o) => !gone.has(o.id)) });
            }
            await events.removed?.(step.removedNow);
          }
          if (pass.skipFirst && k === 0) continue; // the forward pass already sent the start frame
          const result = this.render(index, step);
          this.store(result);
          visited.push(index);
          await events.frame(request.outlines ? withOutlines(result) : result);
          framesDone++;
        }
      }
      return { framesDone, mode };
    } finally {
      this.passBytes = 0;
      this.busy = false;
      this.lastUsedMs = Date.now();
    }
  }

  /** Forgets an object: its prompts, its masks on every stored frame; its id is never given to another object. */
  removeObject(objId: number): void {
    const known =
      this.prompts.some((p) => p.objId === objId) ||
      [...this.results.values()].some((f) => f.objects.some((o) => o.id === objId));
    if (!known)
      throw new SamError('SESSION_OBJECT_NOT_FOUND', `Session ${this.id} has no object ${objId}`, {
        field: 'obj_id',
        received: objId,
      });
    if (this.busy)
      throw new SamError('SESSION_BUSY', `Session ${this.id} is propagating; remove the object when it is done`, {});
    for (let i = this.prompts.length - 1; i >= 0; i--) if (this.prompts[i]!.objId === objId) this.prompts.splice(i, 1);
    this.removed.add(objId);
    for (const f of [...this.results.values()])
      if (f.objects.some((o) => o.id === objId)) this.store({ ...f, objects: f.objects.filter((o) => o.id !== objId) });
    this.lastUsedMs = Date.now();
  }

  /** Forgets every prompt, concept, label and stored result (SAM's reset_session); ids start again from 1. */
  reset(): void {
    if (this.busy)
      throw new SamError('SESSION_BUSY', `Session ${this.id} is propagating; reset it when it is done`, {});
    this.concepts.length = 0;
    this.prompts.length = 0;
    this.labels.clear();
    this.removed.clear();
    this.results.clear();
    this.storedBytes = 0;
    this.lastUsedMs = Date.now();
  }

  get isBusy(): boolean {
    return this.busy;
  }
}
