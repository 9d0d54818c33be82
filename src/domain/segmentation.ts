// Segmentation results in domain terms: binary masks at source size, detections, per-prompt results.
import type { PixelBox } from './geometry.js';

/** A binary mask, row-major, one byte per pixel holding 0 or 1. */
export interface BinaryMask {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

export interface Detection {
  readonly mask: BinaryMask;
  /** Tight box of the mask in pixels (xyxy, x1/y1 exclusive), or the model's box when the mask is empty. */
  readonly box: PixelBox;
  readonly score: number;
  readonly area: number;
}

export function emptyMask(width: number, height: number): BinaryMask {
  return { width, height, data: new Uint8Array(width * height) };
}
