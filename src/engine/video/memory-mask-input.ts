// The memory encoder's mask input: an object's S×S grid logits upsampled (bilinear, > 0) to the tracker's R×R
// input and binarised to ±10, written into one reused buffer and only over the rectangle the mask can reach.
import type { PixelBox } from '../../domain/geometry.js';
import { upsampleLogitsToRegion, type MaskRegion } from '../../masks/upsample-logits.js';
import { binarize } from '../../model/sam3/grid-mask.js';

/** The binarised mask's logit value inside / outside the object. */
const ON = 10;
const OFF = -10;

export interface MemoryMask {
  /** R×R, ±10. Valid until the next `write`. */
  readonly data: Float32Array;
  /** Tight box in R×R pixels (x1, y1 exclusive); null when the mask is empty. */
  readonly box: PixelBox | null;
}

export class MemoryMaskInput {
  private readonly data: Float32Array;
  /** The rectangle the previous write may have set to ON. */
  private dirty: MaskRegion | null = null;

  constructor(
    private readonly gridSize: number,
    private readonly resolution: number,
  ) {
    this.data = new Float32Array(resolution * resolution).fill(OFF);
  }

  write(gridLogits: Float32Array): MemoryMask {
    const r = this.resolution;
    const data = this.data;
    if (this.dirty) {
      const { x0, y0, width, height } = this.dirty;
      for (let y = y0; y < y0 + height; y++) data.fill(OFF, y * r + x0, y * r + x0 + width);
    }
    const region = upsampleLogitsToRegion(
      gridLogits,
      this.gridSize,
      this.gridSize,
      r,
      r,
      binarize(gridLogits, this.gridSize).box,
    );
    this.dirty = region;
    if (!region) return { data, box: null };
    // Each row's runs of on pixels become ±10 runs (Float32Array.fill), and the box comes from the runs' ends.
    const { width: rw, height: rh, data: on } = region;
    let bx0 = rw;
    let by0 = -1;
    let bx1 = -1;
    let by1 = -1;
    for (let y = 0; y < rh; y++) {
      const out = (region.y0 + y) * r + region.x0;
      const row = y * rw;
      let x = 0;
      for (;;) {
        while (x < rw && !on[row + x]) x++;
        if (x === rw) break;
        const start = x;
        while (x < rw && on[row + x]) x++;
        data.fill(ON, out + start, out + x);
        if (start < bx0) bx0 = start;
        if (x - 1 > bx1) bx1 = x - 1;
        if (by0 < 0) by0 = y;
        by1 = y;
      }
    }
    const box =
      by0 < 0 ? null : { x0: region.x0 + bx0, y0: region.y0 + by0, x1: region.x0 + bx1 + 1, y1: region.y0 + by1 + 1 };
    return { data, box };
  }
}
