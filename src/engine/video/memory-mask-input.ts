// The memory encoder's mask input: an object's S×S grid logits upsampled (bilinear) to the tracker's R×R input, as
// the reference's high-resolution masks are; the encoder graph binarises them (masks from prompts) or takes their
// sigmoid (tracked masks). Written into one reused buffer.
import type { PixelBox } from '../../domain/geometry.js';
import { upsampleLogitsInto } from '../../masks/upsample-logits.js';

export interface MemoryMask {
  /** R×R logits. Valid until the next `write`. */
  readonly data: Float32Array;
  /** Tight box of the positive logits in R×R pixels (x1, y1 exclusive); null when the mask is empty. */
  readonly box: PixelBox | null;
}

export class MemoryMaskInput {
  private readonly data: Float32Array;

  constructor(
    private readonly gridSize: number,
    private readonly resolution: number,
  ) {
    this.data = new Float32Array(resolution * resolution);
  }

  write(gridLogits: Float32Array): MemoryMask {
    const r = this.resolution;
    const box = upsampleLogitsInto(gridLogits, this.gridSize, this.gridSize, r, r, this.data);
    return { data: this.data, box };
  }
}
