// Prompt types in source-image pixels: concepts (text and/or exemplar boxes) and objects (points and/or a box).
import type { PixelBox } from './geometry.js';

export interface ExemplarBox {
  readonly box: PixelBox;
  /** true = find everything like this; false = exclude things like this. */
  readonly positive: boolean;
}

/** Promptable Concept Segmentation: every instance of a concept. */
export interface ConceptPrompt {
  readonly text?: string;
  readonly exemplars?: readonly ExemplarBox[];
  /** Score threshold for this concept (0..1); overrides the request's. */
  readonly threshold?: number;
}

export interface ClickPoint {
  readonly x: number;
  readonly y: number;
  readonly positive: boolean;
}

/** Promptable Visual Segmentation: one object from clicks and/or one box. */
export interface ObjectPrompt {
  readonly points?: readonly ClickPoint[];
  readonly box?: PixelBox;
  /**
   * SAM's interactive refinement: when this image's earlier request decoded the same prompt less its last click,
   * that decode's best logits become the decoder's mask prompt. Needs a bundle with the refinement decoder; else, or
   * with no such earlier request on the engine, the prompt decodes as usual.
   */
  readonly refinePrevious?: boolean;
}

/** The text SAM 3 uses for exemplar-only concepts (Meta Sam3Processor, HF processor, usls). */
export const VISUAL_PROMPT_TEXT = 'visual';

/** Most clicks one object prompt may carry, on every surface (the decoder's cost grows with each). */
export const MAX_POINTS_PER_OBJECT = 64;
/** Most exemplar boxes one concept may carry, on every surface. */
export const MAX_BOXES_PER_CONCEPT = 64;
/** Longest concept text, in characters (the tokenizer keeps 32 tokens; longer text is only work). */
export const MAX_CONCEPT_TEXT_CHARS = 1000;

/**
 * "Segment everything" (the automatic mask generator of SAM 1/2): a grid of single clicks on the tracker decoder,
 * candidates kept by predicted IoU and stability, deduplicated by box NMS, small regions dropped.
 */
export interface EverythingOptions {
  /** Clicks per side of the grid (n² decoder runs). */
  readonly pointsPerSide?: number;
  /** Keep candidates whose predicted IoU is at least this. */
  readonly predIouThreshold?: number;
  /** Keep candidates whose stability (area at logit > 1 ÷ area at logit > −1) is at least this. */
  readonly stabilityThreshold?: number;
  /** Drop a candidate whose box overlaps a better one's by more than this IoU. */
  readonly boxNmsThreshold?: number;
  /** Drop masks smaller than this many pixels. */
  readonly minAreaPx?: number;
}

/** SAM's automatic mask generator defaults (points_per_side 32 there; 16 here, a quarter of the decoder runs). */
export const EVERYTHING_DEFAULTS: Required<EverythingOptions> = {
  pointsPerSide: 16,
  predIouThreshold: 0.88,
  stabilityThreshold: 0.95,
  boxNmsThreshold: 0.7,
  minAreaPx: 0,
};

/** Most clicks per grid side (64² = 4 096 decoder runs). */
export const MAX_EVERYTHING_POINTS_PER_SIDE = 64;
