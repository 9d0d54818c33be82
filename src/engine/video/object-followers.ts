// How existing objects are followed from frame to frame: by the memory tracker graphs (a bounded memory bank per
// object) or, for bundles without them, by re-prompting the PVS decoder with the last mask's box.
import type { PixelBox } from '../../domain/geometry.js';
import type { ImageSize } from '../../domain/image.js';
import type { ObjectPrompt } from '../../domain/prompts.js';
import type { StageTimings } from '../../domain/stage-timings.js';
import { binarize } from '../../model/sam3/grid-mask.js';
import { DEFAULT_MEMORY, ObjectMemoryBank } from '../../model/sam3/memory-bank.js';
import { sigmoid } from '../../model/sam3/postprocess.js';
import type { ImageEmbedding, Sam3Model } from '../../model/sam3/sam3-model.js';
import type { Prediction } from '../../model/sam3/tracker.js';
import { AttentionInputs } from '../../model/sam3/attention-inputs.js';
import type { TrackedMask, TrackerGraphs } from '../../model/sam3/tracker-graphs.js';
import { MemoryMaskInput, type MemoryMask } from './memory-mask-input.js';

/** Box propagation searches the last box grown by this fraction of its larger side on every side (motion room). */
const SEARCH_MARGIN = 0.25;
/** A mask whose object score is ≤ 0 is hidden (official: logits set to −1024). */
const HIDDEN_LOGIT = -1024;

/** The previous frame's grid box → a source-pixel box prompt with room for motion, clamped to the frame. */
function searchBox(
  box: { x0: number; y0: number; x1: number; y1: number },
  gridSize: number,
  size: ImageSize,
): { x0: number; y0: number; x1: number; y1: number } {
  const margin = SEARCH_MARGIN * Math.max(box.x1 - box.x0, box.y1 - box.y0);
  const sx = size.width / gridSize;
  const sy = size.height / gridSize;
  return {
    x0: Math.max(0, (box.x0 - margin) * sx),
    y0: Math.max(0, (box.y0 - margin) * sy),
    x1: Math.min(size.width, (box.x1 + margin) * sx),
    y1: Math.min(size.height, (box.y1 + margin) * sy),
  };
}

/** A prompt that says only what to remove (negative clicks) refines the object where it was last seen. */
export function needsAnchor(prompt: ObjectPrompt): boolean {
  return !prompt.box && !(prompt.points ?? []).some((p) => p.positive);
}

export type MemoryKind = 'tracked' | 'prompted' | 'mask';

export interface FollowContext {
  frame: number;
  embedding: ImageEmbedding;
  source: ImageSize;
  timings: StageTimings;
}

export interface ObjectFollower {
  readonly mode: 'memory-tracker' | 'tracking-by-detection';
  /** Whether concept objects are followed by prediction (else re-detection alone follows them). */
  readonly predictsConceptObjects: boolean;
  /** Whether `id` can be predicted on the next frame. */
  follows(id: number): boolean;
  /** A click/box prompt for `id` on this frame. `last`: the object's grid mask where it was last seen. */
  prompt(id: number, prompt: ObjectPrompt, last: Float32Array | null, ctx: FollowContext): Promise<Prediction>;
  /** `id`'s mask on this frame from what it remembers. `lastBox`: the box of its last grid mask. */
  predict(id: number, lastBox: PixelBox | null, ctx: FollowContext): Promise<Prediction | null>;
  /**
   * After association: what `id` looks like on this frame. `tracked`: this frame's prediction (a recent memory);
   * `prompted`: this frame's prompt decode; `mask`: a mask no decode made — a new object from a detection, a
   * reconditioning, a session's stored result (both kept as conditioning memories).
   */
  remember(
    id: number,
    gridLogits: Float32Array,
    scoreLogit: number,
    kind: MemoryKind,
    ctx: FollowContext,
  ): Promise<void>;
  forget(id: number): void;
  /** Bytes of memory held for all objects. */
  readonly bytes: number;
}

/**
 * Tracking by detection: clicked objects follow by box propagation through the PVS decoder from wherever they were
 * last seen; nothing to remember.
 */
export class BoxFollower implements ObjectFollower {
  readonly mode = 'tracking-by-detection' as const;
  readonly predictsConceptObjects = false;
  readonly bytes = 0;

  constructor(
    private readonly model: Sam3Model,
    private readonly gridSize: number,
  ) {}

  /** Any object with a last box can be followed; `predict` answers null for one without. */
  follows(): boolean {
    return true;
  }

  async prompt(_id: number, prompt: ObjectPrompt, last: Float32Array | null, ctx: FollowContext): Promise<Prediction> {
    const lastBox = last ? binarize(last, this.gridSize).box : null;
    const anchored =
      needsAnchor(prompt) && lastBox ? { ...prompt, box: searchBox(lastBox, this.gridSize, ctx.source) } : prompt;
    const out = await this.model.decodeObjectGrid(ctx.embedding, anchored, ctx.source, ctx.timings);
    return { logits: out.logits, score: out.objectScore };
  }

  async predict(_id: number, lastBox: PixelBox | null, ctx: FollowContext): Promise<Prediction | null> {
    if (!lastBox) return null;
    const out = await this.model.decodeObjectGrid(
      ctx.embedding,
      { box: searchBox(lastBox, this.gridSize, ctx.source) },
      ctx.source,
      ctx.timings,
    );
    return { logits: out.logits, score: out.objectScore };
  }

  async remember(): Promise<void> {}

  forget(): void {}
}

/** Memory attention inputs kept for reuse across objects (SAM 3: 7 rows × 2 × 1.3 MB = 18 MB per object). */
const ATTENTION_INPUT_BYTES = 64 * 1024 * 1024;

/** SAM 2-style memory tracking: one bounded bank per object for this pass's direction. */
export class MemoryFollower implements ObjectFollower {
  readonly mode = 'memory-tracker' as const;
  readonly predictsConceptObjects = true;
  private readonly banks = new Map<number, ObjectMemoryBank>();
  /** Each object's latest decode (pointer, predicted object score and IoU), used when that frame is remembered. */
  private readonly decoded = new Map<
    number,
    { frame: number; objPtr: Float32Array; scoreLogit: number; iou: number }
  >();
  /**
   * Each object's concatenated memories for the memory attention, kept from frame to frame so only its newest
   * memory is copied in (each call runs before the next is made); least recently used first, at most
   * ATTENTION_INPUT_BYTES in all (an object beyond that gets fresh buffers and copies every row).
   */
  private readonly attentionInputs = new Map<number, AttentionInputs>();
  /** The memory encoder's mask input, reused for every write (each is encoded before the next is made). */
  private maskInput: MemoryMaskInput | undefined;

  constructor(
    private readonly graphs: TrackerGraphs,
    private readonly direction: 1 | -1,
    /** Frames in the video, when known (pointer positions depend on it for short clips; see MemoryConfig). */
    private readonly frameCount?: number,
  ) {}

  get bytes(): number {
    let n = 0;
    for (const b of this.banks.values()) n += b.bytes;
    for (const inputs of this.attentionInputs.values()) n += inputs.bytes;
    return n;
  }

  private inputsFor(id: number): AttentionInputs {
    const inputs = this.attentionInputs.get(id) ?? new AttentionInputs();
    this.attentionInputs.delete(id);
    this.attentionInputs.set(id, inputs);
    let total = 0;
    for (const kept of this.attentionInputs.values()) total += kept.bytes;
    for (const [other, kept] of this.attentionInputs) {
      if (total <= ATTENTION_INPUT_BYTES || other === id) break;
      total -= kept.bytes;
      this.attentionInputs.delete(other);
    }
    return inputs;
  }

  private bank(id: number): ObjectMemoryBank {
    let bank = this.banks.get(id);
    if (!bank) {
      bank = new ObjectMemoryBank(
        {
          ...DEFAULT_MEMORY,
          numMaskmem: this.graphs.numMaskmem,
          maxObjPtrs: this.graphs.maxObjPtrs,
          ...(this.frameCount !== undefined ? { frameCount: this.frameCount } : {}),
        },
        this.direction,
      );
      this.banks.set(id, bank);
    }
    return bank;
  }

  follows(id: number): boolean {
    return this.banks.get(id)?.hasConditioning ?? false;
  }

  private toPrediction(gridLogits: Float32Array, scoreLogit: number): Prediction {
    return {
      logits: scoreLogit > 0 ? gridLogits : new Float32Array(gridLogits.length).fill(HIDDEN_LOGIT),
      score: sigmoid(scoreLogit),
    };
  }

  async prompt(id: number, prompt: ObjectPrompt, last: Float32Array | null, ctx: FollowContext): Promise<Prediction> {
    // A refinement of an object with memory decodes on memory-conditioned features (SAM 2: not the init frame).
    // A session's stored mask for this frame stands in for memory the pass does not have.
    if (!this.follows(id) && last && needsAnchor(prompt)) await this.remember(id, last, 10, 'mask', ctx);
    const fused = this.follows(id)
      ? await this.graphs.attend(ctx.embedding, this.bank(id).select(ctx.frame), ctx.timings, this.inputsFor(id))
      : null;
    const out = await this.graphs.decode(ctx.embedding, fused, prompt, ctx.source, ctx.timings);
    this.keep(id, ctx.frame, out);
    return this.toPrediction(out.gridLogits, out.objectScoreLogit);
  }

  private keep(id: number, frame: number, out: TrackedMask): void {
    this.decoded.set(id, { frame, objPtr: out.objPtr, scoreLogit: out.objectScoreLogit, iou: out.iou });
  }

  async predict(id: number, _lastBox: PixelBox | null, ctx: FollowContext): Promise<Prediction | null> {
    if (!this.follows(id)) return null;
    const fused = await this.graphs.attend(
      ctx.embedding,
      this.bank(id).select(ctx.frame),
      ctx.timings,
      this.inputsFor(id),
    );
    const out = await this.graphs.decode(ctx.embedding, fused, null, ctx.source, ctx.timings);
    this.keep(id, ctx.frame, out);
    return this.toPrediction(out.gridLogits, out.objectScoreLogit);
  }

  async remember(
    id: number,
    gridLogits: Float32Array,
    scoreLogit: number,
    kind: MemoryKind,
    ctx: FollowContext,
  ): Promise<void> {
    const conditioning = kind !== 'tracked';
    const graphs = this.graphs;
    const r = graphs.resolution;
    // The R×R logits (bilinear from the grid, as the reference's high-res masks) are made only where a graph takes
    // them: encoders that upsample the grid themselves, and the pointer of a mask no decode produced, do not need them.
    let upsampled: MemoryMask | undefined;
    const highRes = (): MemoryMask => {
      this.maskInput ??= new MemoryMaskInput(graphs.maskSize, r);
      return (upsampled ??= this.maskInput.write(gridLogits));
    };
    // The encoder binarises a conditioning mask and takes a tracked one's sigmoid (Meta's _encode_new_memory); the
    // object score it sees becomes ±10 by whether the final mask is empty (Meta's video model), only its sign matters.
    const encoderTakesHighRes = graphs.encoderMaskSide === r;
    const empty = encoderTakesHighRes ? highRes().box === null : binarize(gridLogits, graphs.maskSize).area === 0;
    const score = !empty && scoreLogit > 0 ? 10 : -10;
    // The pointer comes from the SAM heads on this frame: this frame's decode, or for a mask that no decode produced
    // (a new object from a detection, a reconditioning, a session's stored mask) the mask-prompted heads (Meta's
    // _use_mask_as_output) where the bundle has that graph, else a decode prompted with the mask's box.
    const own = this.decoded.get(id);
    const decodedHere = own?.frame === ctx.frame && kind !== 'mask' ? own : null;
    let objPtr = decodedHere?.objPtr ?? null;
    if (!objPtr && graphs.hasMaskPointer) objPtr = await graphs.maskPointer(ctx.embedding, highRes().data, ctx.timings);
    if (!objPtr) {
      const box = highRes().box;
      const sx = ctx.source.width / r;
      const sy = ctx.source.height / r;
      const prompt = box ? { box: { x0: box.x0 * sx, y0: box.y0 * sy, x1: box.x1 * sx, y1: box.y1 * sy } } : null;
      objPtr = (await graphs.decode(ctx.embedding, null, prompt, ctx.source, ctx.timings)).objPtr;
    }
    const encoderInput = encoderTakesHighRes ? highRes().data : gridLogits;
    const bank = this.bank(id);
    const memory = await graphs.encodeMemory(ctx.embedding, encoderInput, score, conditioning, ctx.timings);
    bank.add({
      frame: ctx.frame,
      conditioning,
      features: memory.features,
      pos: memory.pos,
      objPtr,
      // Memory selection weighs a tracked frame by what its decode predicted (object score, IoU), as Meta's does.
      objectScoreLogit: decodedHere?.scoreLogit ?? score,
      iou: decodedHere?.iou ?? 1,
    });
  }

  forget(id: number): void {
    this.banks.delete(id);
    this.decoded.delete(id);
    this.attentionInputs.delete(id);
  }
}
