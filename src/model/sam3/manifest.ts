// The SAM 3 ONNX graph contracts we support: the only place tensor names appear. Role detection and validation.
import { SamError } from '../../domain/errors.js';

export type TensorType = 'float32' | 'int64' | 'int32' | 'bool';

export interface TensorSpec {
  readonly name: string;
  readonly type: TensorType;
  readonly rank: number;
}

export type GraphRole =
  | 'pcs-vision'
  | 'pcs-text'
  | 'pcs-decoder'
  | 'pvs-vision'
  | 'pvs-decoder'
  /** The PVS decoder with a mask prompt (`input_masks`: the previous click's logits), this project's exporter. */
  | 'pvs-decoder-refine'
  | 'tracker-decoder'
  /** The exporter's single-mask-token decoder (`image_decoder_singlemask*`), same contract as tracker-decoder. */
  | 'tracker-decoder-singlemask'
  | 'memory-attention'
  | 'memory-encoder'
  /** The object pointer of an object given as a mask (this project's exporter, `mask_pointer`). */
  | 'tracker-mask-pointer';

export interface GraphContract {
  readonly role: GraphRole;
  /** Where the contract comes from (for messages and `GET /v1/models`). */
  readonly source: string;
  readonly inputs: readonly TensorSpec[];
  readonly outputs: readonly TensorSpec[];
}

const f = (name: string, rank: number): TensorSpec => ({ name, type: 'float32', rank });
const i64 = (name: string, rank: number): TensorSpec => ({ name, type: 'int64', rank });
const b = (name: string, rank: number): TensorSpec => ({ name, type: 'bool', rank });
const i32 = (name: string, rank: number): TensorSpec => ({ name, type: 'int32', rank });

/** PCS: jamjamjon/usls v2 three-graph export (HF Sam3Model). */
export const PCS = {
  vision: { images: 'images', feat0: 'fpn_feat_0', feat1: 'fpn_feat_1', feat2: 'fpn_feat_2', pos2: 'fpn_pos_2' },
  text: { inputIds: 'input_ids', attentionMask: 'attention_mask', features: 'text_features', mask: 'text_mask' },
  decoder: {
    boxes: 'input_boxes',
    boxLabels: 'input_boxes_labels',
    masks: 'pred_masks',
    boxesOut: 'pred_boxes',
    logits: 'pred_logits',
    presence: 'presence_logits',
  },
} as const;

/** PVS: onnx-community/sam3-tracker-ONNX (transformers.js Sam3TrackerModel). */
export const PVS = {
  vision: {
    pixels: 'pixel_values',
    emb0: 'image_embeddings.0',
    emb1: 'image_embeddings.1',
    emb2: 'image_embeddings.2',
  },
  decoder: {
    points: 'input_points',
    labels: 'input_labels',
    boxes: 'input_boxes',
    iou: 'iou_scores',
    masks: 'pred_masks',
    objectScore: 'object_score_logits',
    /** The refinement decoder's mask prompt [1,1,S,S]: the previous decode's best low-res logits. */
    previousMask: 'input_masks',
  },
} as const;

/**
 * Video memory tracker: pagarcia/sam3-onnx-cpp dynamic-memory graphs (B = 1 object), fed by the PVS vision encoder
 * (image_embeddings.2 → image_embed / current_vision_feat, .0/.1 → high_res_feats_0/1) and `video_constants.npz`.
 */
export const TRACKER = {
  decoder: {
    points: 'point_coords',
    labels: 'point_labels',
    embed: 'image_embed',
    hr0: 'high_res_feats_0',
    hr1: 'high_res_feats_1',
    objPtr: 'obj_ptr',
    mask: 'pred_mask',
    maskHighRes: 'pred_mask_high_res',
    objectScore: 'object_score_logits',
    /** Optional: the masks' predicted IoU (sam3-onnx-cpp and this project's exporter write it). */
    iou: 'iou_scores',
  },
  attention: {
    feat: 'current_vision_feat',
    pos: 'current_vision_pos_embed',
    ptrs: 'memory_obj_ptrs',
    ptrTpos: 'memory_obj_tpos',
    maskFeats: 'memory_mask_feats',
    maskPos: 'memory_mask_pos',
    maskTposIdx: 'memory_mask_tpos_idx',
    fused: 'fused_feat',
  },
  maskPointer: {
    mask: 'seed_mask',
    /** The frame's raw features (no no_mem_embed); the pointer reads no high-res features. */
    embed: 'image_embed',
    objPtr: 'obj_ptr',
  },
  encoder: {
    mask: 'pred_mask_high_res',
    feat: 'current_vision_feat',
    objectScore: 'object_score_logits',
    fromPoints: 'is_mask_from_points',
    features: 'maskmem_features',
    pos: 'maskmem_pos_enc',
  },
} as const;

/** The PVS decoder's tensors, shared by its refinement variant (which adds the previous mask). */
const PVS_DECODER_INPUTS: readonly TensorSpec[] = [
  f(PVS.decoder.points, 4),
  i64(PVS.decoder.labels, 3),
  f(PVS.decoder.boxes, 3),
  f(PVS.vision.emb0, 4),
  f(PVS.vision.emb1, 4),
  f(PVS.vision.emb2, 4),
];
const PVS_DECODER_OUTPUTS: readonly TensorSpec[] = [
  f(PVS.decoder.iou, 3),
  f(PVS.decoder.masks, 5),
  f(PVS.decoder.objectScore, 3),
];

export const CONTRACTS: readonly GraphContract[] = [
  {
    role: 'pcs-vision',
    source: 'usls v2 vision-encoder',
    inputs: [f(PCS.vision.images, 4)],
    outputs: [f(PCS.vision.feat0, 4), f(PCS.vision.feat1, 4), f(PCS.vision.feat2, 4), f(PCS.vision.pos2, 4)],
  },
  {
    role: 'pcs-text',
    source: 'usls v2 text-encoder',
    inputs: [i64(PCS.text.inputIds, 2), i64(PCS.text.attentionMask, 2)],
    outputs: [f(PCS.text.features, 3), b(PCS.text.mask, 2)],
  },
  {
    role: 'pcs-decoder',
    source: 'usls v2 geo-encoder-mask-decoder',
    inputs: [
      f(PCS.vision.feat0, 4),
      f(PCS.vision.feat1, 4),
      f(PCS.vision.feat2, 4),
      f(PCS.vision.pos2, 4),
      f(PCS.text.features, 3),
      b(PCS.text.mask, 2),
      f(PCS.decoder.boxes, 3),
      i64(PCS.decoder.boxLabels, 2),
    ],
    outputs: [
      f(PCS.decoder.masks, 4),
      f(PCS.decoder.boxesOut, 3),
      f(PCS.decoder.logits, 2),
      f(PCS.decoder.presence, 2),
    ],
  },
  {
    role: 'pvs-vision',
    source: 'onnx-community/sam3-tracker-ONNX vision_encoder',
    inputs: [f(PVS.vision.pixels, 4)],
    outputs: [f(PVS.vision.emb0, 4), f(PVS.vision.emb1, 4), f(PVS.vision.emb2, 4)],
  },
  {
    role: 'pvs-decoder',
    source: 'onnx-community/sam3-tracker-ONNX prompt_encoder_mask_decoder',
    inputs: PVS_DECODER_INPUTS,
    outputs: PVS_DECODER_OUTPUTS,
  },
  {
    role: 'pvs-decoder-refine',
    source: 'sam3-server exporter prompt_encoder_mask_decoder_refine',
    inputs: [...PVS_DECODER_INPUTS, f(PVS.decoder.previousMask, 4)],
    outputs: PVS_DECODER_OUTPUTS,
  },
  {
    role: 'tracker-decoder',
    source: 'sam3-onnx-cpp image_decoder',
    inputs: [
      f(TRACKER.decoder.points, 3),
      i32(TRACKER.decoder.labels, 2),
      f(TRACKER.decoder.embed, 4),
      f(TRACKER.decoder.hr0, 4),
      f(TRACKER.decoder.hr1, 4),
    ],
    outputs: [
      f(TRACKER.decoder.objPtr, 2),
      f(TRACKER.decoder.mask, 4),
      f(TRACKER.decoder.maskHighRes, 4),
      f(TRACKER.decoder.objectScore, 2),
    ],
  },
  {
    role: 'memory-attention',
    source: 'sam3-onnx-cpp memory_attention',
    inputs: [
      f(TRACKER.attention.feat, 4),
      f(TRACKER.attention.pos, 3),
      f(TRACKER.attention.ptrs, 2),
      f(TRACKER.attention.ptrTpos, 1),
      f(TRACKER.attention.maskFeats, 4),
      f(TRACKER.attention.maskPos, 4),
      i64(TRACKER.attention.maskTposIdx, 1),
    ],
    outputs: [f(TRACKER.attention.fused, 4)],
  },
  {
    role: 'tracker-mask-pointer',
    source: 'sam3-server exporter mask_pointer',
    inputs: [f(TRACKER.maskPointer.mask, 4), f(TRACKER.maskPointer.embed, 4)],
    outputs: [f(TRACKER.maskPointer.objPtr, 2)],
  },
  {
    role: 'memory-encoder',
    source: 'sam3-onnx-cpp memory_encoder',
    inputs: [
      f(TRACKER.encoder.mask, 4),
      f(TRACKER.encoder.feat, 4),
      f(TRACKER.encoder.objectScore, 2),
      f(TRACKER.encoder.fromPoints, 1),
    ],
    outputs: [f(TRACKER.encoder.features, 4), f(TRACKER.encoder.pos, 4)],
  },
];

/** What a graph declares (from ORT session metadata). `shape` entries are numbers or symbolic names. */
export interface GraphSignature {
  readonly inputs: ReadonlyArray<{ name: string; type: string; shape: ReadonlyArray<number | string> }>;
  readonly outputs: ReadonlyArray<{ name: string; type: string; shape: ReadonlyArray<number | string> }>;
}

function overlap(contract: GraphContract, sig: GraphSignature): number {
  const names = new Set([...sig.inputs, ...sig.outputs].map((t) => t.name));
  return [...contract.inputs, ...contract.outputs].filter((t) => names.has(t.name)).length;
}

function describe(sig: GraphSignature): string {
  const fmt = (t: { name: string; type: string; shape: ReadonlyArray<number | string> }) =>
    `${t.name}:${t.type}[${t.shape.join(',')}]`;
  return `inputs ${sig.inputs.map(fmt).join(', ') || '(none)'}; outputs ${sig.outputs.map(fmt).join(', ') || '(none)'}`;
}

/**
 * Finds the contract a graph fits, from its tensor names (never from its file name), and checks every tensor's
 * dtype and rank. A graph that fits no contract is refused with a message listing what is missing or unexpected.
 */
export function detectContract(sig: GraphSignature, graphLabel: string): GraphContract {
  const ranked = CONTRACTS.map((c) => ({ c, score: overlap(c, sig) })).sort((x, y) => y.score - x.score);
  const best = ranked[0];
  if (!best || best.score === 0) {
    throw new SamError(
      'MODEL_CONTRACT_MISMATCH',
      `${graphLabel} fits no supported SAM 3 graph contract (${describe(sig)}); supported: ${CONTRACTS.map((c) => c.source).join('; ')}`,
      {
        field: graphLabel,
      },
    );
  }
  const contract = best.c;
  const problems: string[] = [];
  const check = (specs: readonly TensorSpec[], actual: GraphSignature['inputs'], kind: string) => {
    const byName = new Map(actual.map((t) => [t.name, t]));
    for (const spec of specs) {
      const t = byName.get(spec.name);
      if (!t) problems.push(`missing ${kind} '${spec.name}' (${spec.type}, rank ${spec.rank})`);
      // float16 I/O (some published variants) is converted at the graph boundary, so it fits a float32 contract.
      else if (t.type !== spec.type && !(spec.type === 'float32' && t.type === 'float16'))
        problems.push(`${kind} '${spec.name}' is ${t.type}, expected ${spec.type}`);
      else if (t.shape.length !== spec.rank)
        problems.push(`${kind} '${spec.name}' has rank ${t.shape.length}, expected ${spec.rank}`);
    }
    const known = new Set(specs.map((s) => s.name));
    const extra = actual.filter((t) => !known.has(t.name)).map((t) => `'${t.name}'`);
    if (kind === 'input' && extra.length > 0)
      problems.push(`unexpected input${extra.length > 1 ? 's' : ''} ${extra.join(', ')} (renamed?)`);
  };
  check(contract.inputs, sig.inputs, 'input');
  check(contract.outputs, sig.outputs, 'output');
  if (problems.length > 0) {
    throw new SamError(
      'MODEL_CONTRACT_MISMATCH',
      `${graphLabel} looks like ${contract.source} but does not fit its contract: ${problems.join('; ')}`,
      {
        field: graphLabel,
        problems,
        role: contract.role,
      },
    );
  }
  return contract;
}

/** Reads a static dimension from declared metadata; symbolic where a number is needed is a contract error. */
/** A dimension if the graph fixes it, else undefined (symbolic, as torch exports often leave output sizes). */
export function declaredDim(sig: GraphSignature, tensor: string, axis: number): number | undefined {
  const shape = [...sig.inputs, ...sig.outputs].find((x) => x.name === tensor)?.shape ?? [];
  const dim = shape[axis < 0 ? shape.length + axis : axis];
  return typeof dim === 'number' && dim > 0 ? dim : undefined;
}

/**
 * The first of several places that fixes one size (the output itself, then the tensors it is derived from), or
 * `fallback` (the size the architecture implies), checked against real outputs on every run.
 */
export function derivedDim(candidates: ReadonlyArray<[GraphSignature, string, number]>, fallback: number): number {
  for (const [sig, tensor, axis] of candidates) {
    const dim = declaredDim(sig, tensor, axis);
    if (dim !== undefined) return dim;
  }
  return fallback;
}

/** Refuses an output whose actual dims differ from the sizes the host derived at load time. */
export function checkDims(
  graphLabel: string,
  tensor: string,
  actual: readonly number[],
  expected: ReadonlyArray<number | undefined>,
): void {
  const ok = actual.length === expected.length && expected.every((d, i) => d === undefined || d === actual[i]);
  if (!ok) {
    throw new SamError(
      'MODEL_CONTRACT_MISMATCH',
      `${graphLabel}: '${tensor}' came out as [${actual.join(', ')}], expected [${expected.map((d) => d ?? '*').join(', ')}]`,
      { field: graphLabel },
    );
  }
}

export function staticDim(sig: GraphSignature, tensor: string, axis: number, graphLabel: string): number {
  const t = [...sig.inputs, ...sig.outputs].find((x) => x.name === tensor);
  const shape = t?.shape ?? [];
  const dim = shape[axis < 0 ? shape.length + axis : axis];
  if (typeof dim !== 'number' || dim <= 0) {
    throw new SamError(
      'MODEL_CONTRACT_MISMATCH',
      `${graphLabel}: expected a fixed size on axis ${axis} of '${tensor}' but it is ${JSON.stringify(dim)}`,
      {
        field: graphLabel,
      },
    );
  }
  return dim;
}
