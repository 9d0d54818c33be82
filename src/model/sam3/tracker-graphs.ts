// The video memory tracker's graphs (sam3-onnx-cpp contract) and `video_constants.npz`: decode an object on a
// frame (from clicks, or from memory-fused features), fuse memories into the frame's features, encode memory.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SamError } from '../../domain/errors.js';
import type { ImageSize } from '../../domain/image.js';
import type { ObjectPrompt } from '../../domain/prompts.js';
import type { StageTimings } from '../../domain/stage-timings.js';
import { ort, type Fetches, type GraphSession } from '../ort/graph-session.js';
import type { MemorySelection } from './memory-bank.js';
import { PVS, TRACKER, declaredDim, derivedDim, staticDim } from './manifest.js';
import type { ModelBundle } from './model-bundle.js';
import { AttentionInputs, limitMemories } from './attention-inputs.js';
import { readNpz, type NpyArray } from './npz-archive.js';

export const VIDEO_CONSTANTS_FILE = 'video_constants.npz';

/** The PVS vision encoder's outputs for one frame (an `ImageEmbedding` of kind 'objects'). */
type ImageEmbedding = { readonly tensors: Fetches };

/** One decoded object on one frame. */
export interface TrackedMask {
  /** S×S logits (pred_mask). */
  gridLogits: Float32Array;
  objectScoreLogit: number;
  objPtr: Float32Array;
  /** Predicted IoU of the kept mask (best of three, or the single mask's); 1 when the graph gives none. */
  iou: number;
}

export interface EncodedMemory {
  features: Float32Array;
  pos: Float32Array;
}

interface Constants {
  noMemEmbed: Float32Array;
  posEmbed: NpyArray;
  numMaskmem: number;
  maxObjPtrs: number;
}

export class TrackerGraphs {
  /** A frame's features + no_mem_embed, made once per frame however many objects decode without memory. */
  private readonly noMemoryFeatures = new WeakMap<ImageEmbedding, ort.Tensor>();

  private constructor(
    private readonly decoder: GraphSession,
    private readonly attention: GraphSession,
    private readonly encoder: GraphSession,
    private readonly constants: Constants,
    /** Model input size R (the memory encoder's mask input is R×R). */
    readonly resolution: number,
    /** Mask grid S. */
    readonly maskSize: number,
    /** The single-mask-token decoder, for prompts of two or more points (a box counts two), as Meta decodes them. */
    private readonly singleMaskDecoder: GraphSession | null = null,
    /** The pointer of an object given as a mask (Meta's _use_mask_as_output), where the bundle has that graph. */
    private readonly maskPointerGraph: GraphSession | null = null,
  ) {
    const declared = declaredDim(encoder.signature, TRACKER.encoder.mask, 2);
    this.encoderMaskSide = declared === maskSize ? maskSize : resolution;
  }

  /**
   * The side of the mask the memory encoder takes: R (sam3-onnx-cpp: the high-res mask) or S (this project's export
   * upsamples the S×S logits inside the graph, as the reference makes its high-res masks).
   */
  readonly encoderMaskSide: number;

  /** Whether `maskPointer` can run (else a mask's pointer comes from a decode prompted with its box). */
  get hasMaskPointer(): boolean {
    return this.maskPointerGraph !== null;
  }

  get numMaskmem(): number {
    return this.constants.numMaskmem;
  }

  get maxObjPtrs(): number {
    return this.constants.maxObjPtrs;
  }

  /** The three graphs and the constants, or null when the bundle has none of them; half a set is refused. */
  static async open(bundle: ModelBundle): Promise<TrackerGraphs | null> {
    const g = bundle.graphs;
    const present = (['tracker-decoder', 'memory-attention', 'memory-encoder'] as const).filter((r) => g[r]);
    if (present.length === 0) return null;
    if (present.length < 3 || !g['pvs-vision']) {
      const missing = (['tracker-decoder', 'memory-attention', 'memory-encoder', 'pvs-vision'] as const).filter(
        (r) => !g[r],
      );
      throw new SamError(
        'MODEL_CONTRACT_MISMATCH',
        `${bundle.dir} has part of the video memory tracker (${present.join(', ')}) but lacks ${missing.join(', ')}`,
        { field: 'model' },
      );
    }
    let path = join(bundle.dir, VIDEO_CONSTANTS_FILE);
    let bytes: Uint8Array | null = null;
    for (const candidate of await constantsCandidates(bundle.dir)) {
      bytes = await readFile(candidate).catch(() => null);
      path = candidate;
      if (bytes) break;
    }
    if (!bytes)
      throw new SamError(
        'MODEL_NOT_FOUND',
        `${bundle.dir} has the video memory tracker graphs but no ${VIDEO_CONSTANTS_FILE} (exported with them; put it in the bundle or its onnx/ folder)`,
        { field: 'model' },
      );
    const npz = readNpz(bytes, path);
    const need = (key: string, ...alternatives: string[]): NpyArray => {
      const found = [key, ...alternatives].map((k) => npz[k]).find((a) => a !== undefined);
      if (!found)
        throw new SamError('MODEL_CONTRACT_MISMATCH', `${path} lacks '${key}' (has ${Object.keys(npz).join(', ')})`, {
          field: 'model',
        });
      return found;
    };
    const decoder = g['tracker-decoder']!.session;
    const vision = g['pvs-vision']!.session;
    const resolution = staticDim(vision.signature, PVS.vision.pixels, 2, vision.label);
    const maskSize = derivedDim(
      [
        [decoder.signature, TRACKER.decoder.mask, -1],
        [vision.signature, PVS.vision.emb0, -1],
      ],
      (4 * resolution) / 14,
    );
    const constants: Constants = {
      noMemEmbed: need('no_mem_embed_bchw', 'no_mem_embed').data,
      posEmbed: need('current_vision_pos_embed'),
      numMaskmem: npz.num_maskmem?.data[0] ?? 7,
      maxObjPtrs: npz.max_obj_ptrs?.data[0] ?? 16,
    };
    return new TrackerGraphs(
      decoder,
      g['memory-attention']!.session,
      g['memory-encoder']!.session,
      constants,
      resolution,
      maskSize,
      g['tracker-decoder-singlemask']?.session ?? null,
      g['tracker-mask-pointer']?.session ?? null,
    );
  }

  private visionFeat(embedding: ImageEmbedding): ort.Tensor {
    return embedding.tensors[PVS.vision.emb2]!;
  }

  /** image_embeddings.2 + no_mem_embed (per channel): the features of a frame decoded without memory. */
  private withoutMemory(embedding: ImageEmbedding): ort.Tensor {
    const known = this.noMemoryFeatures.get(embedding);
    if (known) return known;
    const feat = this.visionFeat(embedding);
    const [, channels, h, w] = feat.dims as [number, number, number, number];
    const add = this.constants.noMemEmbed;
    if (add.length !== channels)
      throw new SamError(
        'MODEL_CONTRACT_MISMATCH',
        `no_mem_embed has ${add.length} values but the vision features have ${channels} channels`,
        { field: 'model' },
      );
    const src = feat.data as Float32Array;
    const out = new Float32Array(src.length);
    const plane = h * w;
    for (let c = 0; c < channels; c++)
      for (let i = 0; i < plane; i++) out[c * plane + i] = src[c * plane + i]! + add[c]!;
    const tensor = new ort.Tensor('float32', out, feat.dims);
    this.noMemoryFeatures.set(embedding, tensor);
    return tensor;
  }

  /** Clicks (labels 1/0) and a box (corners labelled 2/3) in model pixels, as SAM 2's prompt encoder takes them;
   * no prompt as Meta's "no points" (one not-a-point). */
  private promptTensors(prompt: ObjectPrompt | null, size: ImageSize): { points: ort.Tensor; labels: ort.Tensor } {
    const sx = this.resolution / size.width;
    const sy = this.resolution / size.height;
    const coords: number[] = [];
    const labels: number[] = [];
    // A box first, as its two corners (labels 2, 3), then the clicks: the order the reference's processor builds.
    if (prompt?.box) {
      const b = prompt.box;
      coords.push(b.x0 * sx, b.y0 * sy, b.x1 * sx, b.y1 * sy);
      labels.push(2, 3);
    }
    for (const p of prompt?.points ?? []) {
      coords.push(p.x * sx, p.y * sy);
      labels.push(p.positive ? 1 : 0);
    }
    // No clicks: what Meta's _forward_sam_heads builds for point_inputs=None — one point at (0, 0) labelled −1 — so
    // the graph's prompt encoder, which pads one more, sees its two not-a-point tokens (an empty list gives one).
    if (labels.length === 0) {
      coords.push(0, 0);
      labels.push(-1);
    }
    return {
      points: new ort.Tensor('float32', Float32Array.from(coords), [1, labels.length, 2]),
      labels: new ort.Tensor('int32', Int32Array.from(labels), [1, labels.length]),
    };
  }

  /**
   * The SAM heads on one frame: with `fused` (memory-conditioned features) for a tracked frame, else on the
   * frame's own features + no_mem_embed (a first prompt). `prompt` adds clicks/box (in source pixels of `size`).
   */
  async decode(
    embedding: ImageEmbedding,
    fused: ort.Tensor | null,
    prompt: ObjectPrompt | null,
    size: ImageSize,
    timings: StageTimings,
  ): Promise<TrackedMask> {
    const { points, labels } = this.promptTensors(prompt, size);
    const feeds = {
      [TRACKER.decoder.points]: points,
      [TRACKER.decoder.labels]: labels,
      [TRACKER.decoder.embed]: fused ?? this.withoutMemory(embedding),
      [TRACKER.decoder.hr0]: embedding.tensors[PVS.vision.emb0]!,
      [TRACKER.decoder.hr1]: embedding.tensors[PVS.vision.emb1]!,
    };
    // pred_mask_high_res is left in the graph: memories are written from the final (post-association) grid mask.
    const wanted = [TRACKER.decoder.mask, TRACKER.decoder.objectScore, TRACKER.decoder.objPtr];
    // Meta's _use_multimask: best of three masks for at most one point, the single-mask token for more (a box
    // counts as two points), where the bundle has that decoder.
    const pointCount = (prompt?.points?.length ?? 0) + (prompt?.box ? 2 : 0);
    const single = pointCount >= 2 ? this.singleMaskDecoder : null;
    const graph = single ?? this.decoder;
    // The kept mask's predicted IoU feeds memory selection (Meta's eff-IoU); exports without it count as 1.
    const hasIou = graph.signature.outputs.some((o) => o.name === TRACKER.decoder.iou);
    const out = await timings.time(single ? 'tracker_decoder_singlemask' : 'tracker_decoder', () =>
      graph.run(feeds, hasIou ? [...wanted, TRACKER.decoder.iou] : wanted),
    );
    const ious = hasIou ? (out[TRACKER.decoder.iou]!.data as Float32Array) : null;
    return {
      gridLogits: out[TRACKER.decoder.mask]!.data as Float32Array,
      objectScoreLogit: (out[TRACKER.decoder.objectScore]!.data as Float32Array)[0]!,
      objPtr: out[TRACKER.decoder.objPtr]!.data as Float32Array,
      iou: ious && ious.length > 0 ? Math.max(...ious) : 1,
    };
  }

  /**
   * The object pointer of an object given as a mask (R×R logits, > 0 inside): the SAM heads on the frame's own
   * features with the mask as their dense prompt, as Meta's tracker makes it for masks no decode produced.
   */
  async maskPointer(embedding: ImageEmbedding, maskLogits: Float32Array, timings: StageTimings): Promise<Float32Array> {
    const graph = this.maskPointerGraph;
    if (!graph) throw new SamError('INTERNAL', 'the bundle has no mask_pointer graph', {});
    const r = this.resolution;
    const feeds = {
      [TRACKER.maskPointer.mask]: new ort.Tensor('float32', maskLogits, [1, 1, r, r]),
      [TRACKER.maskPointer.embed]: this.visionFeat(embedding),
    };
    const out = await timings.time('tracker_mask_pointer', () => graph.run(feeds));
    return out[TRACKER.maskPointer.objPtr]!.data as Float32Array;
  }

  /**
   * Memory attention: the frame's features conditioned on the selected memories and object pointers. `inputs`: the
   * caller's reusable buffers for the concatenated memories (one per sequence of calls that never overlap).
   */
  async attend(
    embedding: ImageEmbedding,
    selection: MemorySelection,
    timings: StageTimings,
    inputs = new AttentionInputs(),
  ): Promise<ort.Tensor> {
    const feat = this.visionFeat(embedding);
    // Graphs exported with static memory sizes take exactly that many rows: the best ones (as the exporter's runtime
    // picks them), then zero rows.
    const staticMasks = declaredDim(this.attention.signature, TRACKER.attention.maskFeats, 0);
    const staticPointers = declaredDim(this.attention.signature, TRACKER.attention.ptrs, 0);
    const masks = staticMasks === undefined ? selection.masks : limitMemories(selection.masks, staticMasks);
    const pointers = staticPointers === undefined ? selection.pointers : selection.pointers.slice(0, staticPointers);
    const m = masks.length;
    if (m === 0) throw new SamError('INTERNAL', 'memory attention needs at least one memory', {});
    const plane = masks[0]!.entry.features.length;
    // Conditioning rows first, in the selection's order; recent rows wherever they already are (each row carries its
    // own temporal index, and attention over memory rows does not depend on their order).
    const leading = masks.findIndex((s) => !s.entry.conditioning);
    const conditioning = leading < 0 ? m : leading;
    const rows = staticMasks ?? m;
    const {
      order,
      feats: maskFeats,
      pos: maskPos,
    } = inputs.fill(
      masks.map((s) => s.entry),
      plane,
      conditioning,
      rows,
    );
    const memDims = [rows, ...this.memoryShape(plane, feat)];
    const p = staticPointers ?? pointers.length;
    const ptrDim = pointers[0]?.entry.objPtr.length ?? this.pointerDim();
    const ptrs = new Float32Array(p * ptrDim);
    pointers.forEach((s, i) => ptrs.set(s.entry.objPtr, i * ptrDim));
    const ptrTpos = new Float32Array(p);
    pointers.forEach((s, i) => (ptrTpos[i] = s.tpos));
    const tposIdx = new BigInt64Array(rows);
    order.forEach((j, r) => (tposIdx[r] = BigInt(masks[j]!.tposIdx)));
    const pos = this.constants.posEmbed;
    const feeds = {
      [TRACKER.attention.feat]: feat,
      [TRACKER.attention.pos]: new ort.Tensor('float32', pos.data, pos.shape),
      [TRACKER.attention.ptrs]: new ort.Tensor('float32', ptrs, [p, ptrDim]),
      [TRACKER.attention.ptrTpos]: new ort.Tensor('float32', ptrTpos, [p]),
      [TRACKER.attention.maskFeats]: new ort.Tensor('float32', maskFeats, memDims),
      [TRACKER.attention.maskPos]: new ort.Tensor('float32', maskPos, memDims),
      [TRACKER.attention.maskTposIdx]: new ort.Tensor('int64', tposIdx, [rows]),
    };
    const out = await timings.time('memory_attention', () => this.attention.run(feeds));
    return out[TRACKER.attention.fused]!;
  }

  /** A stored memory's [C,q,q] from its length and the frame's q×q feature grid. */
  private memoryShape(plane: number, feat: ort.Tensor): number[] {
    const [, , h, w] = feat.dims as [number, number, number, number];
    return [plane / (h * w), h, w];
  }

  private pointerDim(): number {
    const declared = this.attention.signature.inputs.find((t) => t.name === TRACKER.attention.ptrs)?.shape[1];
    return typeof declared === 'number' ? declared : 256;
  }

  /** Memory encoder: the mask's logits on this frame (`encoderMaskSide` square) → the memory stored for it. */
  async encodeMemory(
    embedding: ImageEmbedding,
    maskLogits: Float32Array,
    objectScoreLogit: number,
    fromPoints: boolean,
    timings: StageTimings,
  ): Promise<EncodedMemory> {
    const side = this.encoderMaskSide;
    const feeds = {
      [TRACKER.encoder.mask]: new ort.Tensor('float32', maskLogits, [1, 1, side, side]),
      [TRACKER.encoder.feat]: this.visionFeat(embedding),
      [TRACKER.encoder.objectScore]: new ort.Tensor('float32', Float32Array.of(objectScoreLogit), [1, 1]),
      [TRACKER.encoder.fromPoints]: new ort.Tensor('float32', Float32Array.of(fromPoints ? 1 : 0), [1]),
    };
    const out = await timings.time('memory_encoder', () => this.encoder.run(feeds));
    return {
      features: out[TRACKER.encoder.features]!.data as Float32Array,
      pos: out[TRACKER.encoder.pos]!.data as Float32Array,
    };
  }
}

/**
 * Where the video constants may be: `video_constants.npz` in the bundle or its onnx/ folder, then the exporter's
 * profile names (`video_constants_single.npz`, `video_constants_multi_fp16.npz`, …) in name order.
 */
async function constantsCandidates(dir: string): Promise<string[]> {
  const out = [join(dir, VIDEO_CONSTANTS_FILE), join(dir, 'onnx', VIDEO_CONSTANTS_FILE)];
  for (const folder of [dir, join(dir, 'onnx')]) {
    const names = await readdir(folder).catch(() => [] as string[]);
    for (const name of names.filter((n) => /^video_constants_.+\.npz$/.test(n)).sort()) out.push(join(folder, name));
  }
  return out;
}
