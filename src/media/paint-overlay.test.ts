// Overlays keep every object visible: its border in its palette colour and a contrasting halo just outside, even on
// an image of the object's own colour; colours come from the one shared palette.
import { describe, expect, it } from 'vitest';
import { OBJECT_PALETTE, paletteColor } from '../domain/palette.js';
import { colorForId, paintOverlay } from './paint-overlay.js';

describe('paintOverlay', () => {
  it('outlines an object of its own colour so that the halo differs by at least 60 levels from the image', () => {
    const w = 40;
    const h = 30;
    for (const [r, g, b] of [OBJECT_PALETTE[0]!, [255, 0, 0] as const, [128, 128, 128] as const, [0, 0, 0] as const]) {
      const rgb = new Uint8Array(w * h * 3);
      for (let p = 0; p < w * h; p++) rgb.set([r, g, b], p * 3);
      const original = rgb.slice();
      const data = new Uint8Array(w * h);
      for (let y = 10; y < 20; y++) for (let x = 10; x < 30; x++) data[y * w + x] = 1;
      paintOverlay(rgb, w, h, [{ id: 1, mask: { width: w, height: h, data } }]);
      const at = (x: number, y: number, image: Uint8Array) =>
        Array.from(image.subarray((y * w + x) * 3, (y * w + x) * 3 + 3));
      const diff = (x: number, y: number) =>
        Math.max(...at(x, y, rgb).map((v, c) => Math.abs(v - at(x, y, original)[c]!)));
      // The halo just outside each side, and the border pixel in the palette colour.
      for (const [x, y] of [
        [9, 15],
        [30, 15],
        [20, 9],
        [20, 20],
      ] as const)
        expect(diff(x, y)).toBeGreaterThanOrEqual(60);
      expect(at(10, 15, rgb)).toEqual([...colorForId(1)]);
      // Far from the object the image is untouched.
      expect(at(2, 2, rgb)).toEqual([r, g, b]);
    }
  });

  it('numbers objects from 1 in the shared palette, which does not start at red', () => {
    expect(colorForId(1)).toEqual([...paletteColor(0)]);
    expect(colorForId(13)).toEqual([...paletteColor(0)]);
    const [r, g, b] = paletteColor(0);
    expect(r > 200 && g < 60 && b < 60).toBe(false);
  });
});
