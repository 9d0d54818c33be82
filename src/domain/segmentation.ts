// Segmentation results in domain terms: binary masks at source size, detections, per-prompt results.
import type { PixelBox } from './geometry.js';

/** A binary mask, row-major, one byte per pixel holding 0 or 1. */
export interface BinaryMask {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
  /**
   * Where its producer knows every pixel outside [x0, x1) × [y0, y1) is 0 (not necessarily tight): area, box, RLE
   * and contours then read only this rectangle. Absent: the whole frame is read.
   */
  readonly bounds?: MaskBounds;
}

/** A pixel rectangle, x1 and y1 exclusive. */
export interface MaskBounds {
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
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
