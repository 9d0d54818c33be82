// The resize split over worker threads equals the single-thread resize bit for bit, at every shape of resize, and
// buffers given back are reused.
import { afterAll, describe, expect, it } from 'vitest';
import { ResizePool } from './resize-pool.js';
import { resizeRowsToPlanesScalar } from './resize-simd.js';

const pool = new ResizePool(3);
afterAll(() => pool.close());
const NORM = { mean: 127.5, std: 127.5 };

const image = (width: number, height: number) => ({
  width,
  height,
  channels: 3 as const,
  data: Uint8Array.from({ length: width * height * 3 }, (_, i) => (i * 37 + ((i / 7) | 0) * 11) & 255),
});

const expected = (src: ReturnType<typeof image>, ow: number, oh: number): Float32Array => {
  const out = new Float32Array(3 * ow * oh);
  resizeRowsToPlanesScalar(src, ow, oh, 0, oh, out, NORM);
  return out;
};
const same = (a: Float32Array, b: Float32Array): boolean =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

describe('ResizePool', () => {
  it('gives the single-thread result for down-, up- and one-axis resizes and odd sizes', async () => {
    for (const [w, h, ow, oh] of [
      [640, 360, 224, 224],
      [97, 53, 200, 130],
      [300, 200, 300, 100],
      [300, 200, 120, 200],
      [31, 1, 10, 7],
      [8, 8, 5, 2],
      [50, 40, 50, 40],
    ] as const) {
      const src = image(w, h);
      const threaded = await pool.planes(src, ow, oh, NORM);
      expect(same(threaded, expected(src, ow, oh)), `${w}×${h} → ${ow}×${oh}`).toBe(true);
      pool.release(threaded);
    }
  });

  it('runs inline with no threads, and reuses a buffer given back', async () => {
    const inline = new ResizePool(0);
    const src = image(50, 40);
    const first = await inline.planes(src, 20, 20, NORM);
    expect(same(first, expected(src, 20, 20))).toBe(true);
    const buffer = first.buffer;
    inline.release(first);
    const second = await inline.planes(image(60, 30), 20, 20, NORM);
    expect(second.buffer).toBe(buffer);
    expect(same(second, expected(image(60, 30), 20, 20))).toBe(true);
    // Not given back: the next image gets other memory, and the planes held stay as they were.
    const held = Float32Array.from(second);
    const third = await inline.planes(image(64, 64), 20, 20, NORM);
    expect(third.buffer).not.toBe(second.buffer);
    expect(same(second, held)).toBe(true);
    expect(same(third, expected(image(64, 64), 20, 20))).toBe(true);
    // Narrower than the kernels take (16 px): the JavaScript fills a plain buffer, given back the same way.
    const narrow = await inline.planes(src, 9, 5, NORM);
    expect(same(narrow, expected(src, 9, 5))).toBe(true);
    inline.release(narrow);
    await inline.close();
  });
});
