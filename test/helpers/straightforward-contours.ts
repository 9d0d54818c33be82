// The straightforward Suzuki–Abe border follower (a padded Int32 copy of the mask, scanned pixel by pixel): the
// reference the word-scanning tracer in src/masks/contours.ts is property-tested against.

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

/**
 * Traces every border of a binary mask. The mask is copied into a frame padded with one zero pixel so that
 * borders on the image edge are traced like any other. `simple` = CHAIN_APPROX_SIMPLE (default), else NONE.
 */
export function traceContours(data: Uint8Array, width: number, height: number, simple = true): Contour[] {
  const W = width + 2;
  const H = height + 2;
  // Labels: 0 background, 1 unvisited foreground, ±(nbd) visited border pixels (negative = right border).
  const f = new Int32Array(W * H);
  for (let y = 0; y < height; y++) {
    const src = y * width;
    const dst = (y + 1) * W + 1;
    for (let x = 0; x < width; x++) if (data[src + x]) f[dst + x] = 1;
  }
  const offsets = DX.map((dx, s) => dx + DY[s]! * W);
  const contours: Contour[] = [];
  const borderOf: number[] = [-1, -1]; // nbd → contour index; nbd 1 is the frame
  let nbd = 1;
  for (let y = 1; y < H - 1; y++) {
    let lnbd = 1;
    for (let x = 1; x < W - 1; x++) {
      const i0 = y * W + x;
      const v = f[i0]!;
      if (v === 0) continue;
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
      const points = follow(f, W, i0, x - 1, y - 1, isHole, nbd, offsets, simple);
      borderOf[nbd] = contours.length;
      contours.push({ points, isHole, parent });
      const after = f[i0]!;
      if (after !== 1) lnbd = Math.abs(after);
    }
  }
  return contours;
}

function follow(
  f: Int32Array,
  W: number,
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
    f[i0] = -nbd; // isolated pixel
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
    if (t > 8 && t - 8 <= sEnd)
      f[i3] = -nbd; // the east neighbour was examined and is zero: right border
    else if (f[i3] === 1) f[i3] = nbd;
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
