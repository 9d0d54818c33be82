// An object as the page shows it: label, score, area, box, its mask (RLE and decoded), palette colour, visibility.
import type { BinaryMask } from '../../src/domain/segmentation.js';
import { decodeMask } from './mask-paint.js';

export interface Shown {
  label: string;
  score: number;
  area: number;
  box: [number, number, number, number];
  rle: { size: [number, number]; counts: string };
  mask: BinaryMask;
  colorIndex: number;
  visible: boolean;
}

/** A video object (session frame or RLE document) as shown: coloured by its id, visible. */
export function shownVideoObject(
  o: { id: number; score: number; box: [number, number, number, number]; rle: Shown['rle'] },
  label: string,
  mask: BinaryMask = decodeMask(o.rle),
): Shown {
  return {
    label,
    score: o.score,
    area: mask.data.reduce((n, v) => n + v, 0),
    box: o.box,
    rle: o.rle,
    mask,
    colorIndex: o.id - 1,
    visible: true,
  };
}
