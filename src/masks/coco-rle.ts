// COCO RLE, exact to pycocotools: column-major run counts from row-major masks, the compressed string, decoding.
import { SamError } from '../domain/errors.js';
import type { CocoRle } from '../domain/encoded-mask.js';
import type { BinaryMask } from '../domain/segmentation.js';
import { columnMajorChanges } from './rle-transitions.js';
import type { MaskRegion } from './upsample-logits.js';

/** pycocotools' RLE with numeric counts (the "uncompressed" form in COCO json, `size` is [h, w]). */
export interface RleCounts {
  readonly height: number;
  readonly width: number;
  readonly counts: Uint32Array;
}

/**
 * Encodes a row-major binary mask into column-major run counts, identical to
 * `pycocotools.mask.encode(np.asfortranarray(m))`. One row-wise pass records, per column, the rows where the
 * value changes against the pixel above (cache-friendly on row-major memory); a counting sort by column then
 * yields the transitions in column-major order. The pass runs in WebAssembly SIMD (rle-transitions.ts), or in
 * JavaScript with `useSimd: false` or where SIMD is missing (same counts).
 */
export function encodeRle(mask: BinaryMask, useSimd = true): RleCounts {
  const { width: w, height: h, data } = mask;
  if (data.length !== w * h)
    throw new SamError('INVALID_ARGUMENT', `Expected mask data of ${w * h} bytes but received ${data.length}`);
  const perColumn = new Uint32Array(w + 1);
  let xs = new Uint32Array(1024);
  let ys = new Uint32Array(1024);
  let n = 0;
  const push = (x: number, y: number): void => {
    if (n === xs.length) {
      const nx = new Uint32Array(n * 2);
      nx.set(xs);
      xs = nx;
      const ny = new Uint32Array(n * 2);
      ny.set(ys);
      ys = ny;
    }
    xs[n] = x;
    ys[n] = y;
    n++;
    perColumn[x + 1]!++;
  };
  if (h > 0) {
    // Row 0: pixel (x, 0) follows pixel (x-1, h-1) in column-major order; (0, 0) follows the initial 0.
    const lastRow = (h - 1) * w;
    for (let x = 0; x < w; x++) {
      const prev = x === 0 ? 0 : data[lastRow + x - 1]! ? 1 : 0;
      if ((data[x]! ? 1 : 0) !== prev) push(x, 0);
    }
  }
  // With bounds, rows y0..y1 (y1 compares its zeros with the last row inside) and columns x0..x1 hold every change.
  const b = mask.bounds;
  const yFrom = b ? Math.max(1, b.y0) : 1;
  const yEnd = b ? Math.min(h, b.y1 + 1) : h;
  const simd = useSimd ? columnMajorChanges(data, w, h, yFrom, yEnd, b ? b.x0 : 0, b ? b.x1 : w, { xs, ys, n }) : null;
  const positions = simd ?? scalarChanges(mask, yFrom, yEnd, perColumn, push, () => ({ xs, ys, n }));
  const total = positions.length;
  const counts = new Uint32Array(total + 1);
  let prev = 0;
  for (let i = 0; i < total; i++) {
    counts[i] = positions[i]! - prev;
    prev = positions[i]!;
  }
  counts[total] = w * h - prev;
  return { height: h, width: w, counts };
}

/** The JavaScript scan where WebAssembly SIMD is missing: transitions of rows [yFrom, yEnd), sorted by column. */
function scalarChanges(
  mask: BinaryMask,
  yFrom: number,
  yEnd: number,
  perColumn: Uint32Array,
  push: (x: number, y: number) => void,
  found: () => { xs: Uint32Array; ys: Uint32Array; n: number },
): Uint32Array {
  const { width: w, height: h, data } = mask;
  const aligned = w % 4 === 0 && data.byteOffset % 4 === 0;
  const words = aligned ? new Int32Array(data.buffer, data.byteOffset, (w * h) >>> 2) : null; // Int32: stays in small-integer range
  const wordsPerRow = w >>> 2;
  const b = mask.bounds;
  const xFrom = b ? b.x0 : 0;
  const xTo = b ? b.x1 : w;
  const kFrom = xFrom >>> 2;
  const kTo = b ? Math.min(wordsPerRow, (b.x1 + 3) >>> 2) : wordsPerRow;
  for (let y = yFrom; y < yEnd; y++) {
    const row = y * w;
    if (words) {
      const wrow = row >>> 2;
      for (let k = kFrom; k < kTo; k++) {
        if (words[wrow + k] === words[wrow - wordsPerRow + k]) continue;
        const x0 = k << 2;
        for (let x = x0; x < x0 + 4; x++) if ((data[row + x]! ? 1 : 0) !== (data[row - w + x]! ? 1 : 0)) push(x, y);
      }
    } else {
      for (let x = xFrom; x < xTo; x++) if ((data[row + x]! ? 1 : 0) !== (data[row - w + x]! ? 1 : 0)) push(x, y);
    }
  }
  for (let x = 0; x < w; x++) perColumn[x + 1]! += perColumn[x]!;
  const { xs, ys, n } = found();
  const positions = new Uint32Array(n);
  const cursor = perColumn.slice(0, w);
  for (let i = 0; i < n; i++) {
    const x = xs[i]!;
    positions[cursor[x]!++] = x * h + ys[i]!;
  }
  return positions;
}

/** Checks that counts cover exactly height·width pixels (pycocotools reads garbage or crashes otherwise). */
export function assertRleCoversImage(rle: RleCounts): void {
  let total = 0;
  for (let i = 0; i < rle.counts.length; i++) total += rle.counts[i]!;
  const expected = rle.height * rle.width;
  if (total !== expected) {
    throw new SamError(
      'MASK_RLE_INVALID',
      `Expected RLE counts summing to ${expected} (height ${rle.height} × width ${rle.width}) but they sum to ${total}`,
      { field: 'counts', expected: String(expected), received: total },
    );
  }
}

/** Calls `visit(x, y)` for each per-column start and end (exclusive, when inside the image) of foreground runs. */
function forEachToggle(rle: RleCounts, visit: (x: number, y: number) => void): void {
  const { height: h, counts } = rle;
  let pos = 0;
  for (let j = 0; j < counts.length; j++) {
    const len = counts[j]!;
    if (j % 2 === 1 && len > 0) {
      let start = pos;
      const end = pos + len;
      while (start < end) {
        const x = Math.floor(start / h);
        const y0 = start - x * h;
        const y1 = Math.min(h, y0 + (end - start));
        visit(x, y0);
        if (y1 < h) visit(x, y1);
        start += y1 - y0;
      }
    }
    pos += len;
  }
}

/**
 * Decodes run counts to a row-major mask. Sparse counts (objects): foreground runs are cut into per-column segments
 * whose first row and end row toggle the pixel; toggles are bucketed by row, and each row is the row above (one
 * memcpy) with its toggled pixels flipped — O(h·w / memcpy speed + number of runs), no column walks. Dense counts
 * (runs of 32 pixels or fewer on average: noise, textures): the runs are written in column-major order, where they
 * are contiguous, and the result transposed in cache-sized tiles. `dense` forces one way (for the tests).
 */
export function decodeRle(rle: RleCounts, dense?: boolean): BinaryMask {
  assertRleCoversImage(rle);
  const { height: h, width: w } = rle;
  if (dense ?? rle.counts.length * 32 > w * h) return decodeDense(rle);
  const perRow = new Int32Array(h + 1);
  forEachToggle(rle, (_x, y) => perRow[y + 1]!++);
  for (let y = 0; y < h; y++) perRow[y + 1]! += perRow[y]!;
  const xs = new Int32Array(perRow[h]!);
  const cursor = perRow.slice(0, h);
  forEachToggle(rle, (x, y) => (xs[cursor[y]!++] = x));
  const data = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const row = y * w;
    if (y > 0) data.copyWithin(row, row - w, row);
    for (let k = perRow[y]!; k < perRow[y + 1]!; k++) data[row + xs[k]!]! ^= 1;
  }
  return { width: w, height: h, data };
}

/** Column-major fill of the runs, then a tiled transpose to row-major (counts already checked to cover h·w). */
function decodeDense(rle: RleCounts): BinaryMask {
  const { height: h, width: w, counts } = rle;
  const columns = new Uint8Array(w * h);
  let pos = 0;
  for (let j = 0; j < counts.length; j++) {
    const len = counts[j]!;
    if (j & 1) {
      if (len > 32) columns.fill(1, pos, pos + len);
      else for (let i = pos, end = pos + len; i < end; i++) columns[i] = 1;
    }
    pos += len;
  }
  const data = new Uint8Array(w * h);
  const TILE = 32;
  for (let x0 = 0; x0 < w; x0 += TILE) {
    const x1 = Math.min(w, x0 + TILE);
    for (let y0 = 0; y0 < h; y0 += TILE) {
      const y1 = Math.min(h, y0 + TILE);
      for (let x = x0; x < x1; x++) {
        const column = x * h;
        for (let y = y0; y < y1; y++) data[y * w + x] = columns[column + y]!;
      }
    }
  }
  return { width: w, height: h, data };
}

const ZERO = 48;

const ASCII = new TextDecoder('latin1');

/** pycocotools `rleToString`: 6-bit LEB128-like chars 48..111, counts from index 3 delta-coded against i-2. */
export function countsToString(counts: Uint32Array): string {
  const out = new Uint8Array(counts.length * 7 + 1);
  let p = 0;
  for (let i = 0; i < counts.length; i++) {
    let x = counts[i]!;
    if (i > 2) x -= counts[i - 2]!;
    for (;;) {
      let c = x & 0x1f;
      // Arithmetic shift by 5: `>>` where x fits 32 bits signed (every delta of a real mask), else on the double.
      x = x >= -0x80000000 && x <= 0x7fffffff ? x >> 5 : Math.floor(x / 32);
      const more = c & 0x10 ? x !== -1 : x !== 0;
      if (more) c |= 0x20;
      out[p++] = c + ZERO;
      if (!more) break;
    }
  }
  return ASCII.decode(out.subarray(0, p)); // every char is 48..111, so any single-byte decoding is exact
}

/** 32^k for the chunks of a count (further chunks, which only malformed strings have, are computed). */
const CHUNK_SCALE = Array.from({ length: 12 }, (_, k) => 2 ** (5 * k));

/** pycocotools `rleFrString`, with validation of the alphabet (the C code accepts any byte). */
export function countsFromString(s: string): Uint32Array {
  // At most one count per character: written into one array, no growth.
  const out = new Uint32Array(s.length);
  const n = s.length;
  let m = 0;
  let p = 0;
  while (p < n) {
    let x = 0;
    let k = 0;
    let c: number;
    do {
      if (p >= n)
        throw new SamError(
          'MASK_RLE_INVALID',
          'Expected a complete RLE counts string but it ends in the middle of a count',
          { field: 'counts' },
        );
      const code = s.charCodeAt(p);
      if (code < 48 || code > 111) {
        throw new SamError(
          'MASK_RLE_INVALID',
          `Expected RLE counts characters in '0'..'o' but received ${JSON.stringify(s[p])} at offset ${p}`,
          { field: 'counts', received: s[p] },
        );
      }
      c = code - ZERO;
      x += (c & 0x1f) * (CHUNK_SCALE[k] ?? 2 ** (5 * k));
      p++;
      k++;
    } while (c & 0x20);
    if (c & 0x10) x -= CHUNK_SCALE[k] ?? 2 ** (5 * k);
    if (m > 2) x += out[m - 2]!;
    if (x < 0 || x > 0xffffffff)
      throw new SamError('MASK_RLE_INVALID', `Expected non-negative RLE counts but count ${m} decodes to ${x}`, {
        field: 'counts',
      });
    out[m++] = x;
  }
  return out.slice(0, m);
}

export function toCocoRle(rle: RleCounts): CocoRle {
  return { size: [rle.height, rle.width], counts: countsToString(rle.counts) };
}

export function fromCocoRle(rle: CocoRle): RleCounts {
  const [height, width] = rle.size;
  return { height, width, counts: countsFromString(rle.counts) };
}

/** Convenience: mask → `{size, counts}` exactly as pycocotools encodes it. */
export function encodeCocoRle(mask: BinaryMask): CocoRle {
  return toCocoRle(encodeRle(mask));
}

/** Convenience: `{size, counts}` → row-major mask; throws MASK_RLE_INVALID when the counts do not fit h·w. */
export function decodeCocoRle(rle: CocoRle): BinaryMask {
  return decodeRle(fromCocoRle(rle));
}

/**
 * COCO RLE of a `width`×`height` mask that is empty outside `region` (same counts as `encodeRle` of the full
 * mask), in time proportional to the region: column-major order visits only the region's columns.
 */
export function encodeRleRegion(region: MaskRegion, width: number, height: number): RleCounts {
  const { x0, y0, width: rw, height: rh, data } = region;
  const positions: number[] = [];
  let prev = 0;
  const step = (position: number, value: number): void => {
    if (value !== prev) {
      positions.push(position);
      prev = value;
    }
  };
  for (let xr = 0; xr < rw; xr++) {
    const base = (x0 + xr) * height;
    if (y0 > 0) step(base, 0);
    for (let y = 0; y < rh; y++) step(base + y0 + y, data[y * rw + xr] ? 1 : 0);
    if (y0 + rh < height) step(base + y0 + rh, 0);
  }
  if (x0 + rw < width) step((x0 + rw) * height, 0);
  const counts = new Uint32Array(positions.length + 1);
  let last = 0;
  positions.forEach((p, i) => {
    counts[i] = p - last;
    last = p;
  });
  counts[positions.length] = width * height - last;
  return { height, width, counts };
}
