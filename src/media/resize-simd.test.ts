// The WebAssembly SIMD resize gives PIL's bytes (the JavaScript port's, itself checked against PIL goldens) as planes,
// and the normalised float32 values, at every shape of resize and for any band of output rows.
import { describe, expect, it } from 'vitest';
import type { RawImage } from '../domain/image.js';
import { resizeBilinear } from './resize-bilinear.js';
import { ResizeArena, SimdResize, resizeRowsToPlanes, resizeRowsToPlanesScalar } from './resize-simd.js';

function noise(width: number, height: number, seed: number): RawImage {
  const data = new Uint8Array(width * height * 3);
  let s = seed;
  for (let i = 0; i < data.length; i++) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    data[i] = s >>> 23;
  }
  return { width, height, channels: 3, data };
}

/** Hard edges of 0 and 255 (the clip to 0…255 and the rounding at both ends). */
function extremes(width: number, height: number): RawImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      for (let c = 0; c < 3; c++) data[(y * width + x) * 3 + c] = ((x >> c) + (y >> 1)) % 2 === 0 ? 255 : 0;
  return { width, height, channels: 3, data };
}

/** The JavaScript resize, interleaved, as planes of bytes. */
function expectedPlanes(image: RawImage, outWidth: number, outHeight: number): Uint8Array {
  const rgb = resizeBilinear(image, outWidth, outHeight).data;
  const n = outWidth * outHeight;
  const out = new Uint8Array(3 * n);
  for (let p = 0; p < n; p++) for (let c = 0; c < 3; c++) out[c * n + p] = rgb[p * 3 + c]!;
  return out;
}

const SHAPES = [
  [1920, 1080, 1008, 1008], // the common case: 4 and 2–3 taps
  [3840, 2160, 504, 504], // many taps
  [640, 480, 1008, 1008], // upscaling both axes
  [300, 200, 300, 100], // one axis only
  [300, 200, 120, 200],
  [97, 53, 200, 130],
  [7, 5, 3, 4],
  [1, 1, 5, 3], // one pixel
  [31, 1, 10, 7],
  [5, 9, 1, 1],
  [33, 17, 33, 17], // same size
  [50, 40, 17, 1],
  [640, 480, 1000, 999], // a width not a multiple of 16: the row's last block overlaps the one before
  [90, 70, 31, 45],
] as const;

const simd = new SimdResize();

describe('SimdResize', () => {
  it('runs here (Node has WebAssembly SIMD), so the tests below exercise the kernels', () => {
    expect(SimdResize.supported()).toBe(true);
  });

  it('gives the JavaScript resize byte for byte, as planes, on noise and hard edges', () => {
    for (const [w, h, ow, oh] of SHAPES) {
      for (const image of [noise(w, h, w * 31 + h), extremes(w, h)]) {
        const out = new Uint8Array(3 * ow * oh).fill(7);
        // Outputs narrower than 16 pixels are left to the JavaScript (resizeRowsToPlanes falls back to it).
        expect(simd.resizeRows(image, ow, oh, 0, oh, out)).toBe(ow >= 16);
        if (ow < 16) resizeRowsToPlanes(image, ow, oh, 0, oh, out);
        expect(Buffer.from(out).equals(Buffer.from(expectedPlanes(image, ow, oh))), `${w}×${h} → ${ow}×${oh}`).toBe(
          true,
        );
      }
    }
  });

  it('normalises to float32 (v − mean) / std exactly as the scalar path', () => {
    for (const [w, h, ow, oh] of SHAPES) {
      const image = noise(w, h, 5);
      // The second normalisation on the smaller shapes only (the JavaScript reference is slow on large ones).
      const norms = [{ mean: 127.5, std: 127.5 }, ...(w * h <= 1e6 ? [{ mean: 0, std: 255 }] : [])];
      for (const norm of norms) {
        const fast = new Float32Array(3 * ow * oh);
        const slow = new Float32Array(3 * ow * oh);
        resizeRowsToPlanes(image, ow, oh, 0, oh, fast, norm);
        resizeRowsToPlanesScalar(image, ow, oh, 0, oh, slow, norm);
        expect(Buffer.from(fast.buffer).equals(Buffer.from(slow.buffer)), `${w}×${h} → ${ow}×${oh}`).toBe(true);
        if (ow < 16) continue;
        // Straight into an arena (the model-input path): the same values, in place, whatever the arena held before.
        const arena = new ResizeArena(1);
        new Uint8Array(arena.memory.buffer).fill(0xab);
        const direct = simd.modelInput(image, ow, oh, norm, arena)!;
        expect(direct.buffer).toBe(arena.memory.buffer);
        expect(Buffer.from(direct.buffer, 0, direct.byteLength).equals(Buffer.from(slow.buffer))).toBe(true);
      }
    }
    // Every byte value: (v − 127.5) / 127.5 in float32 is fround(v / 127.5 − 1).
    const ramp = { width: 256, height: 1, channels: 3 as const, data: new Uint8Array(768) };
    for (let v = 0; v < 256; v++) ramp.data.fill(v, 3 * v, 3 * v + 3);
    const out = new Float32Array(768);
    expect(simd.resizeRows(ramp, 256, 1, 0, 1, out, { mean: 127.5, std: 127.5 })).toBe(true);
    for (let v = 0; v < 256; v++) expect(out[v]).toBe(Math.fround(v / 127.5 - 1));
  });

  it('computes any band of output rows alone, leaving the other rows untouched', () => {
    const image = noise(413, 287, 9);
    const [ow, oh] = [150, 101];
    const whole = expectedPlanes(image, ow, oh);
    for (const [from, to] of [
      [0, 1],
      [0, 33],
      [31, 64],
      [64, 101],
      [100, 101],
      [50, 50],
    ] as const) {
      const out = new Uint8Array(3 * ow * oh).fill(7);
      expect(simd.resizeRows(image, ow, oh, from, to, out)).toBe(true);
      for (let c = 0; c < 3; c++)
        for (let y = 0; y < oh; y++) {
          const row = out.subarray(c * ow * oh + y * ow, c * ow * oh + (y + 1) * ow);
          const want = y >= from && y < to ? whole.subarray(c * ow * oh + y * ow, c * ow * oh + (y + 1) * ow) : null;
          if (want) expect(Buffer.from(row).equals(Buffer.from(want)), `band ${from}–${to} row ${y}`).toBe(true);
          else expect(row.every((v) => v === 7)).toBe(true);
        }
    }
  });

  it('resizeRowsToPlanes checks the room it is given', () => {
    expect(() => resizeRowsToPlanes(noise(4, 4, 1), 2, 2, 0, 2, new Float32Array(11))).toThrow(/room for 11/);
  });
});
