// Border following (Suzuki–Abe, as OpenCV's findContours): outer borders and holes of 8-connected components.
import { occupiedBounds } from './mask-ops.js';

/** One traced border in the pixel-index frame: integer (x = column, y = row) of boundary pixels. */
export interface Contour {
  /** Flat [x0, y0, x1, y1, …]; with `simple` compression only the ends of straight runs are kept. */
  readonly points: number[];
  readonly isHole: boolean;
  /** Index of the enclosing contour in the result list, or -1 for a border whose parent is the image frame. */
  readonly parent: number;
}

// Chain codes as OpenCV: 0 = E, 1 = NE, 2 = N, 3 = NW, 4 = W, 5 = SW, 6 = S, 7 = SE (y grows downwards).
const DX = [1, 1, 0, -1, -1, -1, 0, 1];
const DY = [0, -1, -1, -1, 0, 1, 1, 1];

/** All four bytes of a word are unvisited foreground (1). */
const ONES = 0x01010101;

/**
 * Scratch buffers reused across calls (a fresh frame-sized buffer per mask costs page faults). `pixels` is the mask
 * with a zero frame, one byte per pixel: 0 background, 1 unvisited foreground, 2 traced (its label is in `labels`).
 * `labels` is only read where `pixels` is 2, so it is never cleared.
 */
let pixels = new Uint8Array(0);
let words = new Uint32Array(0);
let labels = new Int32Array(0);

function scratch(bytes: number): void {
  if (pixels.length >= bytes) return;
  const size = (Math.max(bytes, Math.ceil(pixels.length * 1.5)) + 3) & ~3;
  pixels = new Uint8Array(size);
  words = new Uint32Array(pixels.buffer);
  labels = new Int32Array(size);
}

/**
 * Traces every border of a binary mask (one byte per pixel, 0 or 1, as `BinaryMask`). Borders on the image edge are traced like
 * any other (the mask is framed by one zero pixel). `simple` = CHAIN_APPROX_SIMPLE (default), else NONE. `bounds`:
 * a rectangle outside which the mask is known to be empty (`BinaryMask.bounds`; `x0`/`x1` optional, ends exclusive):
 * only it is copied into the framed scratch image and scanned, so a small object costs its own size. The raster
 * scan reads four pixels at a time and skips words that can start no border: all background, or all unvisited
 * foreground with foreground on both sides.
 */
export function traceContours(
  data: Uint8Array,
  width: number,
  height: number,
  simple = true,
  bounds?: { readonly y0: number; readonly y1: number; readonly x0?: number; readonly x1?: number },
): Contour[] {
  const clamp = (v: number, hi: number) => Math.max(0, Math.min(hi, v));
  // Without bounds (a decoded or drawn mask), find the rectangle that holds every foreground pixel first: one read of
  // four pixels at a time, far cheaper than copying and scanning the whole frame around a small object.
  bounds ??= occupiedBounds(data, width, height);
  const r0 = bounds ? clamp(bounds.y0, height) : 0;
  const r1 = bounds ? Math.max(r0, clamp(bounds.y1, height)) : height;
  const c0 = bounds?.x0 !== undefined ? clamp(bounds.x0, width) : 0;
  const c1 = bounds?.x1 !== undefined ? Math.max(c0, clamp(bounds.x1, width)) : width;
  if (r1 === r0 || c1 === c0) return [];
  // The crop framed by zeros, rows padded to a multiple of four bytes (at least one zero column each side) so each
  // row starts on a word. Frame pixel (x, y) is mask pixel (x − 1 + c0, y − 1 + r0).
  const cw = c1 - c0;
  const W = (cw + 2 + 3) & ~3;
  const H = r1 - r0 + 2;
  scratch(W * H);
  const f = pixels;
  f.fill(0, 0, W);
  f.fill(0, (H - 1) * W, H * W);
  for (let y = r0; y < r1; y++) {
    const row = (y - r0 + 1) * W;
    f[row] = 0;
    f.set(data.subarray(y * width + c0, y * width + c1), row + 1);
    f.fill(0, row + 1 + cw, row + W);
  }
  const lab = labels;
  const offsets = DX.map((dx, s) => dx + DY[s]! * W);
  const contours: Contour[] = [];
  const borderOf: number[] = [-1, -1]; // nbd → contour index; nbd 1 is the frame
  let nbd = 1;
  const wordsPerRow = W >> 2;
  for (let y = 1; y < H - 1; y++) {
    let lnbd = 1;
    const rowWord = y * wordsPerRow;
    // The first and last words of a row hold frame zeros, so neither is a skippable run of ones.
    let prev = 0;
    for (let k = rowWord, end = rowWord + wordsPerRow; k < end; k++) {
      const w = words[k]!;
      if (w === 0 || (w === ONES && prev >>> 24 !== 0 && (words[k + 1]! & 0xff) !== 0)) {
        prev = w;
        continue;
      }
      const base = k << 2;
      for (let b = 0; b < 4; b++) {
        const i0 = base + b;
        const p = f[i0]!;
        if (p === 0) continue;
        const v = p === 1 ? 1 : lab[i0]!;
        let isHole: boolean;
        if (v === 1 && f[i0 - 1] === 0) isHole = false;
        else if (v >= 1 && f[i0 + 1] === 0) isHole = true;
        else {
          if (v !== 1) lnbd = Math.abs(v);
          continue;
        }
        if (isHole && v > 1) lnbd = v;
        nbd++;
        const lnbdIndex = borderOf[lnbd] ?? -1;
        const lnbdIsHole = lnbdIndex >= 0 ? contours[lnbdIndex]!.isHole : true; // the frame acts as a hole
        const lnbdParent = lnbdIndex >= 0 ? contours[lnbdIndex]!.parent : -1;
        const parent = isHole === lnbdIsHole ? lnbdParent : lnbdIndex;
        const x = i0 - y * W;
        const points = follow(f, lab, i0, x - 1 + c0, y - 1 + r0, isHole, nbd, offsets, simple);
        borderOf[nbd] = contours.length;
        contours.push({ points, isHole, parent });
        const after = f[i0] === 1 ? 1 : lab[i0]!;
        if (after !== 1) lnbd = Math.abs(after);
      }
      // Tracing may have changed this word: the next word's test reads its last byte afresh.
      prev = words[k]!;
    }
  }
  return contours;
}

function follow(
  f: Uint8Array,
  lab: Int32Array,
  i0: number,
  x0: number,
  y0: number,
  isHole: boolean,
  nbd: number,
  offsets: number[],
  simple: boolean,
): number[] {
  const points: number[] = [];
  // Clockwise search around the start for the first non-zero neighbour, starting after the zero pixel (W or E).
  const sEnd0 = isHole ? 0 : 4;
  let s = sEnd0;
  let i1 = -1;
  do {
    s = (s - 1) & 7;
    if (f[i0 + offsets[s]!] !== 0) {
      i1 = i0 + offsets[s]!;
      break;
    }
  } while (s !== sEnd0);
  if (i1 < 0) {
    f[i0] = 2; // isolated pixel
    lab[i0] = -nbd;
    points.push(x0, y0);
    return points;
  }
  let i3 = i0;
  let px = x0;
  let py = y0;
  let prevS = s ^ 4;
  for (;;) {
    // Counter-clockwise search around i3, starting after the direction we came from.
    const sEnd = s;
    let t = s;
    let i4 = i3;
    for (;;) {
      t++;
      i4 = i3 + offsets[t & 7]!;
      if (f[i4] !== 0) break;
    }
    const dir = t & 7;
    if (t > 8 && t - 8 <= sEnd) {
      // the east neighbour was examined and is zero: right border
      f[i3] = 2;
      lab[i3] = -nbd;
    } else if (f[i3] === 1) {
      f[i3] = 2;
      lab[i3] = nbd;
    }
    if (!simple || dir !== prevS) {
      points.push(px, py);
      prevS = dir;
    }
    px += DX[dir]!;
    py += DY[dir]!;
    if (i4 === i0 && i3 === i1) break;
    i3 = i4;
    s = (dir + 4) & 7;
  }
  return points;
}
