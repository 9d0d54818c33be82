// Antialiased bilinear stretch-resize of 8-bit RGB, computed exactly as PIL's `Image.resize(size, BILINEAR)`: the
// reference SAM 3 pipelines resize with PIL or torchvision (whose uint8 path was ported from PIL), so this is what
// the model was trained and is evaluated on. Same weights, same 22-bit fixed point, same rounding, same pass order.
//
// Each output sample i of an axis scaled by s = in/out is centred at (i + 0.5)·s in input coordinates; it blends
// the inputs within max(s, 1) of that centre with triangle weights (wider when shrinking: that is the antialiasing),
// normalised to 1 over the inputs that exist (so edges are not darkened). sharp/libvips' `linear` kernel shifts
// upscaled images by half a model pixel, which this replaces.
import type { RawImage } from '../domain/image.js';

const PRECISION_BITS = 32 - 8 - 2;
const HALF = 1 << (PRECISION_BITS - 1);

/** Per output sample: the first input index, the tap count, and fixed-point weights (`taps` per sample, padded). */
export interface AxisCoefficients {
  first: Int32Array;
  count: Int32Array;
  weights: Int32Array;
  taps: number;
}

/** PIL's `precompute_coeffs` + `normalize_coeffs_8bpc` for the bilinear (triangle, support 1) filter. */
export function axisCoefficients(inSize: number, outSize: number): AxisCoefficients {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = filterScale; // bilinear support 1 × filter scale
  const taps = Math.ceil(support) * 2 + 1;
  const first = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Int32Array(outSize * taps);
  const k = new Float64Array(taps);
  for (let o = 0; o < outSize; o++) {
    const centre = (o + 0.5) * scale;
    // PIL truncates toward zero with (int) casts; Math.trunc does the same for the negative values near the start.
    const lo = Math.max(0, Math.trunc(centre - support + 0.5));
    const hi = Math.min(inSize, Math.trunc(centre + support + 0.5));
    const n = hi - lo;
    let sum = 0;
    for (let t = 0; t < n; t++) {
      const x = Math.abs((t + lo - centre + 0.5) / filterScale);
      const w = x < 1 ? 1 - x : 0;
      k[t] = w;
      sum += w;
    }
    for (let t = 0; t < n; t++) {
      const w = sum !== 0 ? k[t]! / sum : k[t]!;
      weights[o * taps + t] =
        w < 0 ? Math.trunc(-0.5 + w * (1 << PRECISION_BITS)) : Math.trunc(0.5 + w * (1 << PRECISION_BITS));
    }
    first[o] = lo;
    count[o] = n;
  }
  return { first, count, weights, taps };
}

/** `value >> 22` clamped to 0…255 (PIL's clip8). */
const clip8 = (value: number): number => {
  const v = value >> PRECISION_BITS;
  return v < 0 ? 0 : v > 255 ? 255 : v;
};

/** Resamples the rows [rowFrom, rowTo) of an interleaved RGB image horizontally to `outWidth`. */
function horizontal(
  src: Uint8Array,
  width: number,
  rowFrom: number,
  rowTo: number,
  c: AxisCoefficients,
  outWidth: number,
): Uint8Array {
  const out = new Uint8Array((rowTo - rowFrom) * outWidth * 3);
  const { first, count, weights, taps } = c;
  // Sums stay below 2^30 (non-negative weights summing to 2^22, samples ≤ 255), exact in doubles; `| 0` at the end
  // keeps V8 on integers. Three and four taps (shrinking by up to 2×) are written out, other counts loop.
  for (let y = rowFrom; y < rowTo; y++) {
    const row = y * width * 3;
    let q = (y - rowFrom) * outWidth * 3;
    for (let x = 0; x < outWidth; x++) {
      const n = count[x]!;
      const wi = x * taps;
      const p = row + first[x]! * 3;
      let r: number;
      let g: number;
      let b: number;
      if (n === 4) {
        const w0 = weights[wi]!;
        const w1 = weights[wi + 1]!;
        const w2 = weights[wi + 2]!;
        const w3 = weights[wi + 3]!;
        r = (HALF + src[p]! * w0 + src[p + 3]! * w1 + src[p + 6]! * w2 + src[p + 9]! * w3) | 0;
        g = (HALF + src[p + 1]! * w0 + src[p + 4]! * w1 + src[p + 7]! * w2 + src[p + 10]! * w3) | 0;
        b = (HALF + src[p + 2]! * w0 + src[p + 5]! * w1 + src[p + 8]! * w2 + src[p + 11]! * w3) | 0;
      } else if (n === 3) {
        const w0 = weights[wi]!;
        const w1 = weights[wi + 1]!;
        const w2 = weights[wi + 2]!;
        r = (HALF + src[p]! * w0 + src[p + 3]! * w1 + src[p + 6]! * w2) | 0;
        g = (HALF + src[p + 1]! * w0 + src[p + 4]! * w1 + src[p + 7]! * w2) | 0;
        b = (HALF + src[p + 2]! * w0 + src[p + 5]! * w1 + src[p + 8]! * w2) | 0;
      } else {
        r = HALF;
        g = HALF;
        b = HALF;
        for (let t = 0, pt = p; t < n; t++, pt += 3) {
          const w = weights[wi + t]!;
          r = (r + src[pt]! * w) | 0;
          g = (g + src[pt + 1]! * w) | 0;
          b = (b + src[pt + 2]! * w) | 0;
        }
      }
      out[q++] = clip8(r);
      out[q++] = clip8(g);
      out[q++] = clip8(b);
    }
  }
  return out;
}

/** Resamples output rows [y0, y1) of an interleaved RGB image (rows offset by `rowOffset`) vertically into `out`. */
function vertical(
  src: Uint8Array,
  width: number,
  rowOffset: number,
  c: AxisCoefficients,
  y0: number,
  y1: number,
  out: Uint8Array,
): void {
  const stride = width * 3;
  const { first, count, weights, taps } = c;
  const acc = new Int32Array(stride);
  for (let y = y0; y < y1; y++) {
    const n = count[y]!;
    const base = (first[y]! - rowOffset) * stride;
    const o = y * stride;
    const w0 = weights[y * taps]!;
    const w1 = weights[y * taps + 1]!;
    const w2 = weights[y * taps + 2]!;
    if (n === 2) {
      // The common tap counts in one pass each, straight into the output.
      for (let i = 0; i < stride; i++) {
        const p = base + i;
        out[o + i] = clip8((HALF + src[p]! * w0 + src[p + stride]! * w1) | 0);
      }
      continue;
    }
    if (n === 3) {
      for (let i = 0; i < stride; i++) {
        const p = base + i;
        out[o + i] = clip8((HALF + src[p]! * w0 + src[p + stride]! * w1 + src[p + 2 * stride]! * w2) | 0);
      }
      continue;
    }
    // The first tap initialises the sums (with the rounding half), the others add to them.
    for (let i = 0; i < stride; i++) acc[i] = (HALF + src[base + i]! * w0) | 0;
    for (let t = 1; t < n; t++) {
      const w = weights[y * taps + t]!;
      const row = base + t * stride;
      for (let i = 0; i < stride; i++) acc[i] = (acc[i]! + src[row + i]! * w) | 0;
    }
    for (let i = 0; i < stride; i++) out[o + i] = clip8(acc[i]!);
  }
}

/**
 * Stretch-resizes interleaved 8-bit RGB to outWidth × outHeight (no aspect ratio kept, no padding), bit-exact with
 * PIL `Image.resize((outWidth, outHeight), Image.BILINEAR)`: horizontal pass first (only over the rows the vertical
 * pass reads), rounded to 8 bits, then the vertical pass.
 */
export function resizeBilinear(image: RawImage, outWidth: number, outHeight: number): RawImage {
  if (image.width === outWidth && image.height === outHeight) return image;
  const data = new Uint8Array(outWidth * outHeight * 3);
  resizeBilinearRows(image, outWidth, outHeight, 0, outHeight, data);
  return { width: outWidth, height: outHeight, channels: 3, data };
}

/**
 * Output rows [rowFrom, rowTo) of `resizeBilinear`, written at their place in `out` (outWidth × outHeight × 3): each
 * row depends only on the input rows its vertical taps read, so bands can be computed apart (in worker threads)
 * and give the whole resize bit for bit.
 */
export function resizeBilinearRows(
  image: RawImage,
  outWidth: number,
  outHeight: number,
  rowFrom: number,
  rowTo: number,
  out: Uint8Array,
): void {
  const { width, height } = image;
  const stride = outWidth * 3;
  if (rowTo <= rowFrom) return;
  const v = height !== outHeight ? axisCoefficients(height, outHeight) : undefined;
  const h = width !== outWidth ? axisCoefficients(width, outWidth) : undefined;
  if (!v) {
    // Same height: output row y is input row y, resampled horizontally when the width changes.
    const rows = h
      ? horizontal(image.data, width, rowFrom, rowTo, h, outWidth)
      : image.data.subarray(rowFrom * stride, rowTo * stride);
    out.set(rows, rowFrom * stride);
    return;
  }
  // Only the input rows these output rows read.
  const from = v.first[rowFrom]!;
  const to = v.first[rowTo - 1]! + v.count[rowTo - 1]!;
  const data = h ? horizontal(image.data, width, from, to, h, outWidth) : image.data;
  vertical(data, outWidth, h ? from : 0, v, rowFrom, rowTo, out);
}
