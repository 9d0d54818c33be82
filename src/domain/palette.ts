// The one object palette: the same colour for object n in the playground's list and canvas, PNG and overlay
// downloads, `sam3 segment --overlay` and the video overlay MP4. Saturated hues in an order that keeps neighbours
// apart, not starting at red (the colour most objects and most demo shapes share).

export type Rgb = readonly [number, number, number];

export const OBJECT_PALETTE: readonly Rgb[] = [
  [30, 136, 229],
  [255, 145, 0],
  [0, 200, 83],
  [213, 0, 249],
  [255, 214, 0],
  [0, 229, 255],
  [255, 23, 68],
  [174, 234, 0],
  [101, 31, 255],
  [255, 64, 129],
  [0, 191, 165],
  [141, 110, 99],
];

/** The colour of the object at 0-based position `index` (composite order; video: its id − 1). */
export function paletteColor(index: number): Rgb {
  const n = OBJECT_PALETTE.length;
  return OBJECT_PALETTE[((Math.trunc(index) % n) + n) % n]!;
}

/** Black or white, whichever is farther from a pixel (its luminance): the halo drawn around an outline. */
export function haloFor(r: number, g: number, b: number): Rgb {
  return 0.299 * r + 0.587 * g + 0.114 * b >= 128 ? [0, 0, 0] : [255, 255, 255];
}
