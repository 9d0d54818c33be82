// Model input tensors from an already resized RGB image: x/127.5 − 1, float32, NCHW [1,3,R,R].
import { SamError } from '../../domain/errors.js';
import type { PlanarRgb, RawImage } from '../../domain/image.js';
import { simdKernels } from './simd-kernels.js';

/** x/127.5 − 1 for every byte value (a table read is cheaper than the arithmetic per channel). */
const NORMALIZED = Float32Array.from({ length: 256 }, (_, v) => v / 127.5 - 1);

/** in: RawImage R×R RGB interleaved. out: Float32Array of 3·R·R, planar (NCHW with N = 1). */
export function toNormalizedNchw(image: RawImage, resolution: number): Float32Array {
  if (image.width !== resolution || image.height !== resolution || image.data.length !== resolution * resolution * 3) {
    throw new SamError(
      'INTERNAL',
      `Expected a ${resolution}×${resolution} RGB image for the model input but received ${image.width}×${image.height}`,
    );
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

/**
 * `out[i]` = `bytes[i]`/127.5 − 1 (equal lengths): the WebAssembly SIMD kernel, or the table loop with
 * `useSimd: false` or where SIMD is missing (same values either way). A video worker converts a frame in slices
 * with this, reading ffmpeg's pipe between them.
 */
export function normalizeBytes(bytes: Uint8Array, out: Float32Array, useSimd = true): void {
  if (bytes.length !== out.length)
    throw new SamError('INTERNAL', `Normalising ${bytes.length} bytes into room for ${out.length} values`);
  const simd = useSimd ? simdKernels() : null;
  if (simd) {
    simd.normalize(bytes, out);
    return;
  }
  const lut = NORMALIZED;
  for (let i = 0; i < bytes.length; i++) out[i] = lut[bytes[i]!]!;
}

/**
 * As `toNormalizedNchw`, from separate R, G and B planes (video frames decoded planar), into `into` when given (a
 * video loop reuses its buffers: allocating and zeroing 12 MB per frame costs as much as the conversion). Runs the
 * WebAssembly SIMD kernel (same values), or the table loop with `useSimd: false` or where SIMD is missing.
 */
export function planarToNormalizedNchw(
  image: PlanarRgb,
  resolution: number,
  into?: Float32Array,
  useSimd = true,
): Float32Array {
  const plane = resolution * resolution;
  const { r, g, b } = image;
  if (
    image.width !== resolution ||
    image.height !== resolution ||
    r.length !== plane ||
    g.length !== plane ||
    b.length !== plane
  ) {
    throw new SamError(
      'INTERNAL',
      `Expected ${resolution}×${resolution} RGB planes for the model input but received ${image.width}×${image.height}`,
    );
  }
  if (into && into.length !== 3 * plane)
    throw new SamError('INTERNAL', `The preprocessing buffer holds ${into.length} values, not ${3 * plane}`);
  const out = into ?? new Float32Array(3 * plane);
  [r, g, b].forEach((bytes, c) => normalizeBytes(bytes, out.subarray(c * plane, (c + 1) * plane), useSimd));
  return out;
}

/** SAM 3's pixel normalisation, (v − mean) / std on 0…255 values (mean 0.5, std 0.5 of the unit range). */
export const PIXEL_NORMALIZATION = { mean: 127.5, std: 127.5 } as const;
