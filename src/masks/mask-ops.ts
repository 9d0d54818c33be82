// Pixel operations on binary masks: area, tight box, IoU, greedy mask NMS, non-overlap, holes and small parts.
import type { PixelBox } from '../domain/geometry.js';
import type { BinaryMask } from '../domain/segmentation.js';

/** Foreground pixels (reads only `bounds` when the mask has them). */
export function maskArea(mask: BinaryMask): number {
  const d = mask.data;
  const { x0, y0, x1, y1 } = mask.bounds ?? { x0: 0, y0: 0, x1: mask.width, y1: mask.height };
  // Four pixels per step: bytes hold 0 or 1, so summing whole words adds them lane by lane without carries for up to
  // 255 words, after which the four lanes are folded into the total.
  const words = d.byteOffset % 4 === 0 ? new Int32Array(d.buffer, d.byteOffset, d.length >>> 2) : null;
  let a = 0;
  for (let y = y0; y < y1; y++) {
    let i = y * mask.width + x0;
    const end = y * mask.width + x1;
    if (words && end - i >= 16) {
      for (; (i & 3) !== 0; i++) a += d[i]!;
      const wordEnd = end >>> 2;
      for (let k = i >>> 2; k < wordEnd;) {
        let lanes = 0;
        for (const stop = Math.min(wordEnd, k + 255); k < stop; k++) lanes = (lanes + words[k]!) | 0;
        a += (lanes & 0xff) + ((lanes >>> 8) & 0xff) + ((lanes >>> 16) & 0xff) + (lanes >>> 24);
      }
      i = wordEnd << 2;
    }
    for (; i < end; i++) a += d[i]!;
  }
  return a;
}

/**
 * A rectangle (ends exclusive; columns word-aligned when rows start on words) outside which `data` is all zero; an
 * empty one for an empty mask. Rows are tested four pixels at a time where they can be; in the rows that hold
 * foreground, the first and last non-zero words bound the columns.
 */
export function occupiedBounds(
  data: Uint8Array,
  width: number,
  height: number,
): { y0: number; y1: number; x0: number; x1: number } {
  // Units of four pixels (an Int32 word) where rows start on words, else of one.
  const unit = width % 4 === 0 && data.byteOffset % 4 === 0 ? 4 : 1;
  const view = unit === 4 ? new Int32Array(data.buffer, data.byteOffset, (width * height) >>> 2) : data;
  const w = width / unit;
  let [y0, y1, k0, k1] = [height, 0, w, 0];
  for (let y = 0; y < height; y++) {
    const row = y * w;
    let first = 0;
    while (first < w && view[row + first] === 0) first++;
    if (first === w) continue;
    // Units left of k1 are inside already: look right of it only (the loop stops on `first` at the latest).
    let last = w - 1;
    while (last >= k1 && view[row + last] === 0) last--;
    if (y < y0) y0 = y;
    y1 = y + 1;
    if (first < k0) k0 = first;
    if (last + 1 > k1) k1 = last + 1;
  }
  return y1 === 0 ? { y0: 0, y1: 0, x0: 0, x1: 0 } : { y0, y1, x0: unit * k0, x1: Math.min(width, unit * k1) };
}

/** Tight box of the foreground in pixel-edge coordinates (x1, y1 exclusive), or null for an empty mask. */
export function maskBox(mask: BinaryMask): PixelBox | null {
  const { width: w, height: h, data } = mask;
  // Columns and rows to read: the producer's bounds, else the occupied rectangle (found four pixels at a time).
  const bounds = mask.bounds ?? occupiedBounds(data, w, h);
  const bx0 = bounds.x0;
  const bx1 = bounds.x1;
  let x0 = w;
  let y0 = h;
  let x1 = -1;
  let y1 = -1;
  for (let y = bounds.y0, yEnd = bounds.y1; y < yEnd; y++) {
    const row = y * w;
    let first = -1;
    for (let x = bx0; x < bx1; x++) {
      if (data[row + x]) {
        first = x;
        break;
      }
    }
    if (first < 0) continue;
    let last = first;
    for (let x = bx1 - 1; x > first; x--) {
      if (data[row + x]) {
        last = x;
        break;
      }
    }
    if (y < y0) y0 = y;
    y1 = y;
    if (first < x0) x0 = first;
    if (last > x1) x1 = last;
  }
  return x1 < 0 ? null : { x0, y0, x1: x1 + 1, y1: y1 + 1 };
}

export function maskIou(a: BinaryMask, b: BinaryMask): number {
  if (a.width !== b.width || a.height !== b.height) throw new RangeError('maskIou needs masks of one size');
  let inter = 0;
  let union = 0;
  for (let i = 0; i < a.data.length; i++) {
    const va = a.data[i]!;
    const vb = b.data[i]!;
    inter += va & vb;
    union += va | vb;
  }
  return union === 0 ? 0 : inter / union;
}

/** Greedy NMS: highest score first, drop any later mask whose IoU with a kept one exceeds `iouThreshold`. */
export function maskNms(items: ReadonlyArray<{ mask: BinaryMask; score: number }>, iouThreshold: number): number[] {
  const order = items.map((_, i) => i).sort((i, j) => items[j]!.score - items[i]!.score);
  const kept: number[] = [];
  for (const i of order) {
    if (kept.every((k) => maskIou(items[i]!.mask, items[k]!.mask) <= iouThreshold)) kept.push(i);
  }
  return kept.sort((a, b) => a - b);
}

/** Pixel-wise non-overlap: each pixel stays only in the highest-scoring mask claiming it. Returns new masks. */
export function removeOverlaps(items: ReadonlyArray<{ mask: BinaryMask; score: number }>): BinaryMask[] {
  const first = items[0];
  if (!first) return [];
  const owner = new Int32Array(first.mask.data.length).fill(-1);
  const order = items.map((_, i) => i).sort((i, j) => items[j]!.score - items[i]!.score);
  for (const i of order) {
    const d = items[i]!.mask.data;
    for (let p = 0; p < d.length; p++) if (d[p] && owner[p] === -1) owner[p] = i;
  }
  return items.map((item, i) => {
    const data = new Uint8Array(item.mask.data.length);
    for (let p = 0; p < data.length; p++) if (owner[p] === i) data[p] = 1;
    return { width: item.mask.width, height: item.mask.height, data };
  });
}

/**
 * Labels connected components of pixels equal to `value`; returns labels (0 = other; components numbered in the
 * raster order of their first pixel) and per-label areas. Works on runs: each row's runs of `value` are joined
 * (union-find) with the runs of the row above that touch them — overlapping columns, or also diagonal neighbours
 * when 8-connected — so the cost follows the number of runs rather than pixels × neighbours.
 */
function labelComponents(
  mask: BinaryMask,
  value: 0 | 1,
  eightConnected: boolean,
): { labels: Int32Array; areas: number[] } {
  const { width: w, height: h, data } = mask;
  const starts: number[] = [];
  const ends: number[] = [];
  const parent: number[] = [];
  const find = (r: number): number => {
    while (parent[r] !== r) {
      parent[r] = parent[parent[r]!]!;
      r = parent[r]!;
    }
    return r;
  };
  const reach = eightConnected ? 1 : 0;
  let above = 0;
  let aboveEnd = 0;
  for (let y = 0; y < h; y++) {
    const row = y * w;
    const first = starts.length;
    for (let x = 0; x < w;) {
      if (data[row + x] !== value) {
        x++;
        continue;
      }
      const runStart = x;
      while (x < w && data[row + x] === value) x++;
      const run = starts.length;
      starts.push(row + runStart);
      ends.push(row + x);
      parent.push(run);
      // Runs of the row above that end before this one's reach cannot touch it or any later run of this row.
      while (above < aboveEnd && ends[above]! - (row - w) + reach <= runStart) above++;
      for (let k = above; k < aboveEnd && starts[k]! - (row - w) < x + reach; k++) {
        const a = find(k);
        const b = find(run);
        if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
      }
    }
    above = first;
    aboveEnd = starts.length;
  }
  const labels = new Int32Array(w * h);
  const areas: number[] = [0];
  const labelOf = new Int32Array(starts.length);
  for (let run = 0; run < starts.length; run++) {
    const root = find(run);
    // A root is its component's first run (unions keep the smaller index), so labels follow raster order.
    if (root === run) {
      labelOf[run] = areas.length;
      areas.push(0);
    }
    const label = labelOf[root]!;
    labelOf[run] = label;
    areas[label]! += ends[run]! - starts[run]!;
    labels.fill(label, starts[run]!, ends[run]!);
  }
  return { labels, areas };
}

/** Removes 8-connected foreground components smaller than `minAreaPx`. */
export function removeSmallComponents(mask: BinaryMask, minAreaPx: number): BinaryMask {
  if (minAreaPx <= 1) return mask;
  const { labels, areas } = labelComponents(mask, 1, true);
  const data = new Uint8Array(mask.data.length);
  for (let i = 0; i < data.length; i++) if (labels[i]! > 0 && areas[labels[i]!]! >= minAreaPx) data[i] = 1;
  return { width: mask.width, height: mask.height, data };
}

/** Fills holes (4-connected background regions not touching the border) up to `maxHoleAreaPx` pixels. */
export function fillHoles(mask: BinaryMask, maxHoleAreaPx: number): BinaryMask {
  if (maxHoleAreaPx <= 0) return mask;
  const { width: w, height: h } = mask;
  const { labels, areas } = labelComponents(mask, 0, false);
  const touchesBorder = new Uint8Array(areas.length);
  for (let x = 0; x < w; x++) {
    touchesBorder[labels[x]!] = 1;
    touchesBorder[labels[(h - 1) * w + x]!] = 1;
  }
  for (let y = 0; y < h; y++) {
    touchesBorder[labels[y * w]!] = 1;
    touchesBorder[labels[y * w + w - 1]!] = 1;
  }
  const data = mask.data.slice();
  for (let i = 0; i < data.length; i++) {
    const l = labels[i]!;
    if (l > 0 && !touchesBorder[l] && areas[l]! <= maxHoleAreaPx) data[i] = 1;
  }
  return { width: w, height: h, data };
}

/** Pixelwise OR of masks of one size; no masks → an empty mask of the given size. */
export function unionMask(masks: readonly BinaryMask[], width: number, height: number): BinaryMask {
  const data = new Uint8Array(width * height);
  for (const m of masks) {
    const d = m.data;
    for (let i = 0; i < data.length; i++) if (d[i]) data[i] = 1;
  }
  return { width, height, data };
}
