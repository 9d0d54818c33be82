// Sam3Model: owns the bundle's sessions and runs the SAM 3 host loops — image encoding, concept (PCS) and
// object (PVS) decoding — with text-feature and decoder-output caches. Knows tensors, never HTTP or sharp.
import { SamError } from '../../domain/errors.js';
import type { ImageSize } from '../../domain/image.js';
import {
  VISUAL_PROMPT_TEXT,
  type ConceptPrompt,
  type EverythingOptions,
  type ObjectPrompt,
} from '../../domain/prompts.js';
import { throwIfAborted } from '../../domain/abort.js';
import { automaticMasks, type AutomaticMask } from './automatic-masks.js';
import type { StageTimings } from '../../domain/stage-timings.js';
import { LruMap } from '../embedding-cache.js';
import { ort, type Fetches, type GraphSession } from '../ort/graph-session.js';
import { KEPT, KEPT_MARGIN } from './kept-queries-graph.js';
import { PCS, PVS, checkDims, derivedDim, staticDim } from './manifest.js';
import { loadModelBundle, type BundleOptions, type ModelBundle } from './model-bundle.js';
import { encodeExemplars, encodeObject } from './prompt-encoding.js';
import {
  selectConceptInstances,
  selectGridDetections,
  selectObjectCandidates,
  sigmoid,
  type ConceptInstance,
  type GridDetection,
  type ObjectCandidate,
  type PcsOutputs,
} from './postprocess.js';
import { ClipTokenizer } from './tokenizer.js';
import { TrackerGraphs } from './tracker-graphs.js';

export interface ModelInfo {
  name: string;
  label: string;
  dtype: string;
  device: string;
  concepts: {
    resolution: number;
    maskSize: number;
    queries: number;
    textLength: number;
    /** The decoder returns only the kept queries' masks (kept-queries-graph.ts). */
    selectsInGraph: boolean;
  } | null;
  objects: { resolution: number; maskSize: number } | null;
  graphs: Array<{ role: string; contract: string; file: string }>;
  /** The closed concept vocabulary the bundle declares, if any. */
  vocabulary?: readonly string[];
}

/** Vision-encoder outputs for one image; `bytes` is what the embedding cache charges for it. */
export interface ImageEmbedding {
  readonly kind: 'concepts' | 'objects';
  readonly tensors: Fetches;
  readonly bytes: number;
}

export interface ModelCounters {
  conceptVisionRuns: number;
  objectVisionRuns: number;
  textEncoderRuns: number;
  conceptDecoderRuns: number;
  objectDecoderRuns: number;
  objectDecoderCacheHits: number;
}

interface TextFeatures {
  features: ort.Tensor;
  mask: ort.Tensor;
}

export class Sam3Model {
  readonly counters: ModelCounters = {
    conceptVisionRuns: 0,
    objectVisionRuns: 0,
    textEncoderRuns: 0,
    conceptDecoderRuns: 0,
    objectDecoderRuns: 0,
    objectDecoderCacheHits: 0,
  };
  private readonly textCache = new LruMap<string, TextFeatures>(256);
  private readonly objectCache = new LruMap<
    string,
    { iou: Float32Array; masks: Float32Array; objectScore: Float32Array }
  >(64);
  /** The best logits of each decode asked to refine (`refinePrevious`), by image and prompt: the next click's mask. */
  private readonly refinements = new LruMap<string, Float32Array>(64);

  private constructor(
    private readonly bundle: ModelBundle,
    private readonly tokenizer: ClipTokenizer | null,
    readonly info: ModelInfo,
    /** The video memory tracker's graphs, when the bundle has them (else video tracks by detection). */
    readonly tracker: TrackerGraphs | null,
  ) {}

  static async load(dir: string, options: BundleOptions = {}): Promise<Sam3Model> {
    const bundle = await loadModelBundle(dir, options);
    const g = bundle.graphs;
    const hasConcepts = !!(g['pcs-vision'] && g['pcs-text'] && g['pcs-decoder']);
    const hasObjects = !!(g['pvs-vision'] && g['pvs-decoder']);
    if (!hasConcepts && !hasObjects) {
      const roles = Object.keys(g).join(', ') || 'none';
      throw new SamError(
        'MODEL_CONTRACT_MISMATCH',
        `${dir} holds no complete SAM 3 pipeline (graphs found: ${roles}); concept segmentation needs vision, text and decoder graphs, object segmentation needs the tracker vision encoder and decoder`,
        { field: 'model' },
      );
    }
    if (hasConcepts && !bundle.tokenizerPath) {
      throw new SamError(
        'MODEL_NOT_FOUND',
        `${dir} has the concept graphs but no tokenizer.json (the CLIP tokenizer of facebook/sam3)`,
        { field: 'model' },
      );
    }
    const tokenizer = hasConcepts && bundle.tokenizerPath ? await ClipTokenizer.load(bundle.tokenizerPath) : null;
    let concepts: ModelInfo['concepts'] = null;
    if (hasConcepts) {
      const vision = g['pcs-vision']!.session;
      const decoder = g['pcs-decoder']!.session;
      const resolution = staticDim(vision.signature, PCS.vision.images, 2, vision.label);
      if (staticDim(vision.signature, PCS.vision.images, 3, vision.label) !== resolution) {
        throw new SamError('MODEL_CONTRACT_MISMATCH', `${vision.label}: only square model inputs are supported`, {
          field: 'model',
        });
      }
      // torch exports leave some output sizes symbolic: take them from where the graph fixes them, else from the
      // architecture (masks at 4× the ViT's 14-pixel patch grid, 200 queries, 32 text tokens); runs check them.
      const text = g['pcs-text']!.session.signature;
      concepts = {
        resolution,
        maskSize: derivedDim(
          [
            [decoder.signature, PCS.decoder.masks, -1],
            [decoder.signature, PCS.decoder.masks, -2],
            [decoder.signature, PCS.vision.feat0, -1],
            [vision.signature, PCS.vision.feat0, -1],
          ],
          (4 * resolution) / 14,
        ),
        queries: derivedDim(
          [
            [decoder.signature, PCS.decoder.masks, 1],
            [decoder.signature, PCS.decoder.logits, 1],
            [decoder.signature, PCS.decoder.boxesOut, 1],
          ],
          200,
        ),
        textLength: derivedDim(
          [
            [text, PCS.text.inputIds, 1],
            [decoder.signature, PCS.text.features, 1],
          ],
          32,
        ),
        selectsInGraph: decoder.signature.inputs.some((i) => i.name === KEPT.threshold),
      };
    }
    let objects: ModelInfo['objects'] = null;
    if (hasObjects) {
      const vision = g['pvs-vision']!.session;
      const decoder = g['pvs-decoder']!.session;
      const resolution = staticDim(vision.signature, PVS.vision.pixels, 2, vision.label);
      objects = {
        resolution,
        maskSize: derivedDim(
          [
            [decoder.signature, PVS.decoder.masks, -1],
            [decoder.signature, PVS.decoder.masks, -2],
            [decoder.signature, PVS.vision.emb0, -1],
            [vision.signature, PVS.vision.emb0, -1],
          ],
          (4 * resolution) / 14,
        ),
      };
    }
    const graphs = Object.entries(g).map(([role, x]) => ({
      role,
      contract: x!.contract.source,
      file: x!.session.label,
    }));
    const device = Object.values(g)[0]!.session.device;
    // Memory-tracker graphs that cannot be used (part of the set, no constants file) leave images and clicks
    // working; video then tracks by detection.
    const tracker = await TrackerGraphs.open(bundle).catch((error: unknown) => {
      if (!(error instanceof SamError)) throw error;
      options.onWarning?.(`video memory tracker unavailable, video tracks by detection: ${error.message}`);
      return null;
    });
    return new Sam3Model(
      bundle,
      tokenizer,
      {
        name: bundle.name,
        label: bundle.label,
        dtype: bundle.dtype,
        device,
        concepts,
        objects,
        graphs,
        ...(bundle.vocabulary ? { vocabulary: bundle.vocabulary } : {}),
      },
      tracker,
    );
  }

  private graph(role: keyof ModelBundle['graphs']): GraphSession {
    const found = this.bundle.graphs[role];
    if (!found)
      throw new SamError('CAPABILITY_MISSING', `The model '${this.info.name}' has no ${role} graph`, {
        field: 'model',
      });
    return found.session;
  }

  /** in: pixels [1,3,R,R] float32 normalised. out: the vision encoder's outputs for the requested pipeline. */
  async encodeImage(
    kind: 'concepts' | 'objects',
    pixels: Float32Array,
    timings: StageTimings,
  ): Promise<ImageEmbedding> {
    const spec = kind === 'concepts' ? this.info.concepts : this.info.objects;
    if (!spec)
      throw new SamError(
        'CAPABILITY_MISSING',
        `The model '${this.info.name}' cannot segment ${kind}: its bundle lacks those graphs`,
        { field: 'prompts' },
      );
    const r = spec.resolution;
    const session = this.graph(kind === 'concepts' ? 'pcs-vision' : 'pvs-vision');
    const input = kind === 'concepts' ? PCS.vision.images : PVS.vision.pixels;
    const run = () => session.run({ [input]: new ort.Tensor('float32', pixels, [1, 3, r, r]) });
    const tensors = await timings.time(`${kind === 'concepts' ? 'pcs' : 'pvs'}_vision_encoder`, run);
    if (kind === 'concepts') this.counters.conceptVisionRuns++;
    else this.counters.objectVisionRuns++;
    const bytes = Object.values(tensors).reduce(
      (n, t) => n + (t.data as ArrayLike<number> & { byteLength: number }).byteLength,
      0,
    );
    return { kind, tensors, bytes };
  }

  private async textFeatures(text: string, timings: StageTimings): Promise<TextFeatures> {
    const cached = this.textCache.get(text);
    if (cached) return cached;
    const length = this.info.concepts!.textLength;
    const encoded = this.tokenizer!.encode(text, length);
    const run = () =>
      this.graph('pcs-text').run({
        [PCS.text.inputIds]: new ort.Tensor('int64', encoded.ids, [1, length]),
        [PCS.text.attentionMask]: new ort.Tensor('int64', encoded.attentionMask, [1, length]),
      });
    const out = await timings.time('pcs_text_encoder', run);
    this.counters.textEncoderRuns++;
    const features = { features: out[PCS.text.features]!, mask: out[PCS.text.mask]! };
    this.textCache.set(text, features);
    return features;
  }

  get textCacheStats(): { hits: number; misses: number } {
    return { hits: this.textCache.hits, misses: this.textCache.misses };
  }

  /** The concept decoder; with in-graph selection only queries scoring above `threshold` have their masks copied. */
  private async runConceptDecoder(
    embedding: ImageEmbedding,
    prompt: ConceptPrompt,
    size: ImageSize,
    threshold: number,
    timings: StageTimings,
  ): Promise<Fetches> {
    const text = prompt.text?.trim() ? prompt.text.trim() : VISUAL_PROMPT_TEXT;
    const textFeatures = await this.textFeatures(text, timings);
    const boxes = encodeExemplars(prompt.exemplars ?? [], size);
    const feeds: Record<string, ort.Tensor> = {
      ...embedding.tensors,
      [PCS.text.features]: textFeatures.features,
      [PCS.text.mask]: textFeatures.mask,
      [PCS.decoder.boxes]: new ort.Tensor('float32', boxes.boxes, [1, boxes.count, 4]),
      [PCS.decoder.boxLabels]: new ort.Tensor('int64', boxes.labels, [1, boxes.count]),
    };
    const inGraph = this.info.concepts!.selectsInGraph;
    // A margin far above float32 rounding, so the graph keeps a superset of what the host's exact test keeps.
    if (inGraph) feeds[KEPT.threshold] = new ort.Tensor('float32', Float32Array.of(threshold - KEPT_MARGIN), [1]);
    const outputs = inGraph
      ? [PCS.decoder.logits, PCS.decoder.presence, PCS.decoder.boxesOut, KEPT.queries, KEPT.masks]
      : undefined;
    const out = await timings.time('pcs_decoder', () => this.graph('pcs-decoder').run(feeds, outputs));
    this.counters.conceptDecoderRuns++;
    return out;
  }

  private pcsOutputs(out: Fetches): PcsOutputs {
    const spec = this.info.concepts!;
    const label = this.graph('pcs-decoder').label;
    checkDims(label, PCS.decoder.logits, out[PCS.decoder.logits]!.dims, [1, spec.queries]);
    const base = {
      logits: out[PCS.decoder.logits]!.data as Float32Array,
      presence: out[PCS.decoder.presence]!.data as Float32Array,
      boxes: out[PCS.decoder.boxesOut]!.data as Float32Array,
      queryCount: spec.queries,
      maskSize: spec.maskSize,
    };
    const kept = out[KEPT.queries];
    if (!kept) {
      checkDims(label, PCS.decoder.masks, out[PCS.decoder.masks]!.dims, [
        1,
        spec.queries,
        spec.maskSize,
        spec.maskSize,
      ]);
      return { ...base, masks: out[PCS.decoder.masks]!.data as Float32Array };
    }
    const queries = kept.data as BigInt64Array;
    checkDims(label, KEPT.masks, out[KEPT.masks]!.dims, [1, queries.length, spec.maskSize, spec.maskSize]);
    const rows = new Int32Array(spec.queries).fill(-1);
    queries.forEach((q, row) => (rows[Number(q)] = row));
    return { ...base, masks: out[KEPT.masks]!.data as Float32Array, rows };
  }

  /** One concept on an encoded image: text (or "visual") + exemplars → instances above `threshold`. */
  async segmentConcept(
    embedding: ImageEmbedding,
    prompt: ConceptPrompt,
    size: ImageSize,
    threshold: number,
    maxDetections: number | undefined,
    timings: StageTimings,
  ): Promise<ConceptInstance[]> {
    const out = await this.runConceptDecoder(embedding, prompt, size, threshold, timings);
    return timings.time('postprocess', () =>
      selectConceptInstances(this.pcsOutputs(out), size, threshold, maxDetections),
    );
  }

  /** One concept at mask resolution, for the video tracker: queries scoring above `threshold`, logits kept. */
  async detectConcept(
    embedding: ImageEmbedding,
    prompt: ConceptPrompt,
    size: ImageSize,
    threshold: number,
    timings: StageTimings,
  ): Promise<GridDetection[]> {
    const out = await this.runConceptDecoder(embedding, prompt, size, threshold, timings);
    return selectGridDetections(this.pcsOutputs(out), threshold);
  }

  /**
   * The PVS decoder on one prompt: predicted IoUs [3], candidate logits [3,S,S], object score logit [1]. With
   * `previousMask` (S×S logits) the refinement decoder takes it as its mask prompt.
   */
  private async runObjectDecoder(
    embedding: ImageEmbedding,
    prompt: ObjectPrompt,
    size: ImageSize,
    timings: StageTimings,
    previousMask?: Float32Array,
  ): Promise<{ iou: Float32Array; masks: Float32Array; objectScore: Float32Array }> {
    const feeds = encodeObject(prompt, size, this.info.objects!.resolution);
    const s = this.info.objects!.maskSize;
    const run = () =>
      this.graph(previousMask ? 'pvs-decoder-refine' : 'pvs-decoder').run({
        ...embedding.tensors,
        [PVS.decoder.points]: new ort.Tensor('float32', feeds.points, [1, 1, feeds.pointCount, 2]),
        [PVS.decoder.labels]: new ort.Tensor('int64', feeds.labels, [1, 1, feeds.pointCount]),
        [PVS.decoder.boxes]: new ort.Tensor('float32', feeds.boxes, [1, feeds.boxCount, 4]),
        ...(previousMask ? { [PVS.decoder.previousMask]: new ort.Tensor('float32', previousMask, [1, 1, s, s]) } : {}),
      });
    const out = await timings.time('pvs_decoder', run);
    this.counters.objectDecoderRuns++;
    const spec = this.info.objects!;
    checkDims(this.graph('pvs-decoder').label, PVS.decoder.masks, out[PVS.decoder.masks]!.dims, [
      1,
      1,
      3,
      spec.maskSize,
      spec.maskSize,
    ]);
    return {
      iou: out[PVS.decoder.iou]!.data as Float32Array,
      masks: out[PVS.decoder.masks]!.data as Float32Array,
      objectScore: out[PVS.decoder.objectScore]!.data as Float32Array,
    };
  }

  /**
   * One object's best candidate at mask resolution, uncached (video frames are never repeated): logits of the
   * candidate with the highest predicted IoU, that IoU, and the object presence probability.
   */
  async decodeObjectGrid(
    embedding: ImageEmbedding,
    prompt: ObjectPrompt,
    size: ImageSize,
    timings: StageTimings,
  ): Promise<{ logits: Float32Array; iou: number; objectScore: number }> {
    const raw = await this.runObjectDecoder(embedding, prompt, size, timings);
    const best = bestCandidate(raw.iou);
    return {
      logits: this.candidateLogits(raw.masks, best),
      iou: raw.iou[best]!,
      objectScore: sigmoid(raw.objectScore[0]!),
    };
  }

  /** Candidate `c`'s S×S logits, copied out of the decoder's [3,S,S] output. */
  private candidateLogits(masks: Float32Array, c: number): Float32Array {
    const plane = this.info.objects!.maskSize ** 2;
    return masks.slice(c * plane, (c + 1) * plane);
  }

  /**
   * One object on an encoded image. Decoder outputs are cached per (image, prompt), so repeating a click
   * sequence (undo/redo in an editor) does not run the decoder again.
   */
  async segmentObject(
    embedding: ImageEmbedding,
    imageKey: string,
    prompt: ObjectPrompt,
    size: ImageSize,
    allCandidates: boolean,
    timings: StageTimings,
  ): Promise<{ candidates: ObjectCandidate[]; objectScore: number }> {
    const spec = this.info.objects!;
    const promptKey = (p: ObjectPrompt) =>
      `${imageKey}|${size.width}x${size.height}|${JSON.stringify({ points: p.points ?? [], box: p.box ?? null })}`;
    const key = promptKey(prompt);
    // Refinement: the previous click's best logits, if this engine decoded that prompt for this image.
    const points = prompt.points ?? [];
    const refine = prompt.refinePrevious === true && this.bundle.graphs['pvs-decoder-refine'] !== undefined;
    const previous =
      refine && points.length > 0
        ? this.refinements.get(promptKey({ ...prompt, points: points.slice(0, -1) }))
        : undefined;
    const cacheKey = previous ? `${key}|refined` : key;
    let raw = this.objectCache.get(cacheKey);
    if (raw) this.counters.objectDecoderCacheHits++;
    else {
      raw = await this.runObjectDecoder(embedding, prompt, size, timings, previous);
      this.objectCache.set(cacheKey, raw);
    }
    if (refine) this.refinements.set(key, this.candidateLogits(raw.masks, bestCandidate(raw.iou)));
    const select = () => selectObjectCandidates({ ...raw, maskSize: spec.maskSize }, size, allCandidates);
    return timings.time('postprocess', select);
  }

  /** Segment everything on an encoded image: a grid of clicks on the tracker decoder (automatic-masks.ts). */
  segmentEverything(
    embedding: ImageEmbedding,
    size: ImageSize,
    options: EverythingOptions,
    timings: StageTimings,
    signal?: AbortSignal,
  ): Promise<AutomaticMask[]> {
    return automaticMasks(
      (x, y) => this.runObjectDecoder(embedding, { points: [{ x, y, positive: true }] }, size, timings),
      size,
      this.info.objects!.maskSize,
      options,
      () => throwIfAborted(signal, 'segmenting everything'),
    );
  }

  async close(): Promise<void> {
    for (const g of Object.values(this.bundle.graphs)) await g?.session.release();
  }
}

/** The candidate with the highest predicted IoU (the first of equals). */
function bestCandidate(iou: Float32Array): number {
  let best = 0;
  for (let c = 1; c < iou.length; c++) if (iou[c]! > iou[best]!) best = c;
  return best;
}
