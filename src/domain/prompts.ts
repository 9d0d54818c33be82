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
}

/** The text SAM 3 uses for exemplar-only concepts (Meta Sam3Processor, HF processor, usls). */
export const VISUAL_PROMPT_TEXT = 'visual';

/** Most clicks one object prompt may carry, on every surface (the decoder's cost grows with each). */
export const MAX_POINTS_PER_OBJECT = 64;
/** Most exemplar boxes one concept may carry, on every surface. */
export const MAX_BOXES_PER_CONCEPT = 64;
/** Longest concept text, in characters (the tokenizer keeps 32 tokens; longer text is only work). */
export const MAX_CONCEPT_TEXT_CHARS = 1000;
