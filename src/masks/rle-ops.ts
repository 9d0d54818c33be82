// Operations on COCO run counts without decoding: area, toBbox, merge (union/intersection), iou — as pycocotools.
import type { RleCounts } from './coco-rle.js';

/** Sum of the foreground runs (pycocotools `area`). */
export function rleArea(rle: RleCounts): number {
  let a = 0;
  for (let j = 1; j < rle.counts.length; j += 2) a += rle.counts[j]!;
  return a;
}

/** pycocotools `toBbox` (the fixed algorithm of 2.0.3+): [x, y, width, height]. */
export function rleToBbox(rle: RleCounts): [number, number, number, number] {
  const h = rle.height;
  const m = Math.floor(rle.counts.length / 2) * 2;
  if (m === 0 || h === 0) return [0, 0, 0, 0];
  let xs = rle.width;
  let ys = h;
  let xe = 0;
  let ye = 0;
  let cc = 0;
  let xp = 0;
  for (let j = 0; j < m; j++) {
    cc += rle.counts[j]!;
    const t = cc - (j % 2);
    const y = t % h;
    const x = (t - y) / h;
    if (j % 2 === 0) xp = x;
    else if (xp < x) {
      ys = 0;
      ye = h - 1;
    }
    xs = Math.min(xs, x);
    xe = Math.max(xe, x);
    ys = Math.min(ys, y);
    ye = Math.max(ye, y);
  }
  return [xs, ys, xe - xs + 1, ye - ys + 1];
}

/** Two-pointer sweep over two run lists, calling `emit` with each (length, a, b) segment. */
function sweep(a: Uint32Array, b: Uint32Array, emit: (len: number, va: number, vb: number) => void): void {
  let ia = 0;
  let ib = 0;
  let ra = a.length > 0 ? a[0]! : 0;
  let rb = b.length > 0 ? b[0]! : 0;
  let va = 0;
  let vb = 0;
  while (ia < a.length && ib < b.length) {
    const c = Math.min(ra, rb);
    if (c > 0) emit(c, va, vb);
    ra -= c;
    rb -= c;
    while (ra === 0 && ia < a.length) {
      ia++;
      if (ia < a.length) {
        ra = a[ia]!;
        va ^= 1;
      }
    }
    while (rb === 0 && ib < b.length) {
      ib++;
      if (ib < b.length) {
        rb = b[ib]!;
        vb ^= 1;
      }
    }
  }
}

function mergeTwo(a: RleCounts, b: RleCounts, intersect: boolean): RleCounts {
  const out: number[] = [];
  let current = 0;
  let run = 0;
  sweep(a.counts, b.counts, (len, va, vb) => {
    const v = intersect ? va & vb : va | vb;
    if (v !== current) {
      out.push(run);
      run = 0;
      current = v;
    }
    run += len;
  });
  out.push(run);
  return { height: a.height, width: a.width, counts: Uint32Array.from(out) };
}

/**
 * Union (default) or intersection of RLEs of one size, as pycocotools `merge`. Unlike pycocotools, which
 * silently returns an empty 0×0 RLE on a size mismatch, this throws.
 */
export function rleMerge(rles: readonly RleCounts[], intersect = false): RleCounts {
  const first = rles[0];
  if (!first) throw new RangeError('rleMerge needs at least one RLE');
  let acc: RleCounts = { height: first.height, width: first.width, counts: first.counts.slice() };
  for (let i = 1; i < rles.length; i++) {
    const next = rles[i]!;
    if (next.height !== acc.height || next.width !== acc.width) {
      throw new RangeError(
        `rleMerge needs RLEs of one size: ${acc.height}×${acc.width} vs ${next.height}×${next.width}`,
      );
    }
    acc = mergeTwo(acc, next, intersect);
  }
  return acc;
}

function bboxIou(a: [number, number, number, number], b: [number, number, number, number], crowd: boolean): number {
  const w = Math.min(a[0] + a[2], b[0] + b[2]) - Math.max(a[0], b[0]);
  if (w <= 0) return 0;
  const h = Math.min(a[1] + a[3], b[1] + b[3]) - Math.max(a[1], b[1]);
  if (h <= 0) return 0;
  const i = w * h;
  const u = crowd ? a[2] * a[3] : a[2] * a[3] + b[2] * b[3] - i;
  return i / u;
}

/**
 * pycocotools `iou(dt, gt, iscrowd)` for one pair: bbox pre-filter, then a run sweep. With `crowd`, the union
 * is the area of `dt`. Returns -1 on a size mismatch, as pycocotools does.
 */
export function rleIou(dt: RleCounts, gt: RleCounts, crowd = false): number {
  if (dt.height !== gt.height || dt.width !== gt.width) return -1;
  if (bboxIou(rleToBbox(dt), rleToBbox(gt), crowd) === 0) return 0;
  let inter = 0;
  let union = 0;
  sweep(dt.counts, gt.counts, (len, va, vb) => {
    if (va & vb) inter += len;
    if (va | vb) union += len;
  });
  if (crowd) union = rleArea(dt);
  return union === 0 ? 0 : inter / union;
}
