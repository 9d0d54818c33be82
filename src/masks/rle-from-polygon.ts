// Polygon and box rasterisation to COCO runs with pycocotools' exact rule (rleFrPoly / rleFrBbox).
import type { RleCounts } from './coco-rle.js';

/**
 * pycocotools `frPyObjects` for one polygon `[x1, y1, x2, y2, …]` (COCO continuous frame, pixel (i, j) covers
 * [j, j+1]×[i, i+1]). Vertices are scaled ×5, edges walked with a DDA, crossings of pixel-centre columns kept,
 * and the even-odd fill done down each column.
 */
export function rleFromPolygon(xy: readonly number[], height: number, width: number): RleCounts {
  const k = Math.floor(xy.length / 2);
  const scale = 5;
  const x = new Int32Array(k + 1);
  const y = new Int32Array(k + 1);
  for (let j = 0; j < k; j++) {
    x[j] = Math.trunc(scale * xy[2 * j]! + 0.5);
    y[j] = Math.trunc(scale * xy[2 * j + 1]! + 0.5);
  }
  x[k] = x[0]!;
  y[k] = y[0]!;
  const u: number[] = [];
  const v: number[] = [];
  for (let j = 0; j < k; j++) {
    let xs = x[j]!;
    let xe = x[j + 1]!;
    let ys = y[j]!;
    let ye = y[j + 1]!;
    const dx = Math.abs(xe - xs);
    const dy = Math.abs(ys - ye);
    const flip = (dx >= dy && xs > xe) || (dx < dy && ys > ye);
    if (flip) {
      [xs, xe] = [xe, xs];
      [ys, ye] = [ye, ys];
    }
    const s = dx >= dy ? (ye - ys) / dx : (xe - xs) / dy;
    if (dx >= dy) {
      for (let d = 0; d <= dx; d++) {
        const t = flip ? dx - d : d;
        u.push(t + xs);
        v.push(Math.trunc(ys + s * t + 0.5));
      }
    } else {
      for (let d = 0; d <= dy; d++) {
        const t = flip ? dy - d : d;
        v.push(t + ys);
        u.push(Math.trunc(xs + s * t + 0.5));
      }
    }
  }
  const positions: number[] = [];
  for (let j = 1; j < u.length; j++) {
    if (u[j] === u[j - 1]) continue;
    let xd = u[j]! < u[j - 1]! ? u[j]! : u[j]! - 1;
    xd = (xd + 0.5) / scale - 0.5;
    if (Math.floor(xd) !== xd || xd < 0 || xd > width - 1) continue;
    let yd = v[j]! < v[j - 1]! ? v[j]! : v[j - 1]!;
    yd = (yd + 0.5) / scale - 0.5;
    if (yd < 0) yd = 0;
    else if (yd > height) yd = height;
    yd = Math.ceil(yd);
    positions.push(xd * height + yd);
  }
  positions.push(height * width);
  positions.sort((p, q) => p - q);
  const a: number[] = [];
  let prev = 0;
  for (const p of positions) {
    a.push(p - prev);
    prev = p;
  }
  // Fold zero-length runs: a 0 merges its neighbours, keeping the parity of the even-odd fill.
  const b: number[] = [a[0]!];
  let j = 1;
  while (j < a.length) {
    if (a[j]! > 0) b.push(a[j++]!);
    else {
      j++;
      if (j < a.length) b[b.length - 1]! += a[j++]!;
    }
  }
  return { height, width, counts: Uint32Array.from(b) };
}

/** pycocotools `frBbox([x, y, w, h])`: the rectangle as a polygon through `rleFromPolygon`. */
export function rleFromBbox(bbox: readonly [number, number, number, number], height: number, width: number): RleCounts {
  const [xs, ys, w, h] = bbox;
  const xe = xs + w;
  const ye = ys + h;
  return rleFromPolygon([xs, ys, xs, ye, xe, ye, xe, ys], height, width);
}
