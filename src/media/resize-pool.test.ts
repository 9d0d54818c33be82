// The resize split over worker threads equals the single-thread resize bit for bit, at every shape of resize.
import { afterAll, describe, expect, it } from 'vitest';
import { resizeBilinear } from './resize-bilinear.js';
import { ResizePool } from './resize-pool.js';

const pool = new ResizePool(3);
afterAll(() => pool.close());

const image = (width: number, height: number) => ({
  width,
  height,
  channels: 3 as const,
  data: Uint8Array.from({ length: width * height * 3 }, (_, i) => (i * 37 + ((i / 7) | 0) * 11) & 255),
});

describe('ResizePool', () => {
  it('gives the single-thread result for down-, up- and one-axis resizes and odd sizes', async () => {
    for (const [w, h, ow, oh] of [
      [640, 360, 224, 224],
      [97, 53, 200, 130],
      [300, 200, 300, 100],
      [300, 200, 120, 200],
      [31, 1, 10, 7],
      [8, 8, 5, 2],
    ] as const) {
      const src = image(w, h);
      const threaded = await pool.resize(src, ow, oh);
      expect(
        Buffer.from(threaded.data).equals(Buffer.from(resizeBilinear(src, ow, oh).data)),
        `${w}×${h} → ${ow}×${oh}`,
      ).toBe(true);
    }
  });

  it('runs inline with no threads, and returns the image itself when the size already matches', async () => {
    const inline = new ResizePool(0);
    const src = image(50, 40);
    expect(
      Buffer.from((await inline.resize(src, 20, 20)).data).equals(Buffer.from(resizeBilinear(src, 20, 20).data)),
    ).toBe(true);
    expect(await pool.resize(src, 50, 40)).toBe(src);
  });
});
