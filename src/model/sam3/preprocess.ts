// Model input tensors from an already resized RGB image: x/127.5 − 1, float32, NCHW [1,3,R,R].
import { SamError } from '../../domain/errors.js';
import type { RawImage } from '../../domain/image.js';

/** x/127.5 − 1 for every byte value (a table read is cheaper than the arithmetic per channel). */
const NORMALIZED = Float32Array.from({ length: 256 }, (_, v) => v / 127.5 - 1);

/** in: RawImage R×R RGB interleaved. out: Float32Array of 3·R·R, planar (NCHW with N = 1). */
export function toNormalizedNchw(image: RawImage, resolution: number): Float32Array {
  if (image.width !== resolution || image.height !== resolution || image.data.length !== resolution * resolution * 3) {
    throw new SamError('INTERNAL', `Expected a ${resolution}×${resolution} RGB image for the model input but received ${image.width}×${image.height}`);
  }
  const plane = resolution * resolution;
  const out = new Float32Array(3 * plane);
  const src = image.data;
  for (let p = 0, s = 0; p < plane; p++, s += 3) {
    out[p] = NORMALIZED[src[s]!]!;
    out[plane + p] = NORMALIZED[src[s + 1]!]!;
    out[2 * plane + p] = NORMALIZED[src[s + 2]!]!;
  }
  return out;
}
