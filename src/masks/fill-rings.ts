// Ring → mask rasterisation in the pixel-index frame (inverse of contour tracing, as cv2.fillPoly).
import type { BinaryMask } from '../domain/segmentation.js';
import type { PolygonWithHoles, Ring } from '../domain/encoded-mask.js';
import { ringArea } from './polygons.js';

/** Marks the ring's own pixels (the traced boundary, walking each straight segment). */
function drawRing(ring: Ring, out: Uint8Array, width: number, height: number, value: number): void {
  for (let i = 0; i < ring.length; i++) {
    const [x0, y0] = ring[i]!;
    const [x1, y1] = ring[(i + 1) % ring.length]!;
    const steps = Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0));
    for (let s = 0; s <= steps; s++) {
      const x = steps === 0 ? x0 : Math.round(x0 + ((x1 - x0) * s) / steps);
      const y = steps === 0 ? y0 : Math.round(y0 + ((y1 - y0) * s) / steps);
      if (x >= 0 && y >= 0 && x < width && y < height) out[y * width + x] = value;
    }
  }
}

/** Even-odd fill of pixel centres strictly or on-edge inside the ring, with half-open edge rule on y. */
function fillInterior(ring: Ring, out: Uint8Array, width: number, height: number, value: number): void {
  for (let y = 0; y < height; y++) {
    const xs: number[] = [];
    for (let i = 0; i < ring.length; i++) {
      const [ax, ay] = ring[i]!;
      const [bx, by] = ring[(i + 1) % ring.length]!;
      if (ay === by) continue;
      const lo = Math.min(ay, by);
      const hi = Math.max(ay, by);
      if (y < lo || y >= hi) continue;
      xs.push(ax + ((y - ay) * (bx - ax)) / (by - ay));
    }
    xs.sort((a, b) => a - b);
    for (let k = 0; k + 1 < xs.length; k += 2) {
      const from = Math.max(0, Math.ceil(xs[k]!));
      const to = Math.min(width - 1, Math.floor(xs[k + 1]!));
      for (let x = from; x <= to; x++) out[y * width + x] = value;
    }
  }
}

/**
 * Rasterises polygons with holes: each outer ring inclusive of its boundary, then its hole interiors cleared.
 * Polygons are painted largest first, so an island inside another polygon's hole is painted after that hole.
 */
export function fillPolygons(polygons: readonly PolygonWithHoles[], width: number, height: number): BinaryMask {
  const data = new Uint8Array(width * height);
  const ordered = [...polygons].sort((a, b) => ringArea(b.outer) - ringArea(a.outer));
  for (const p of ordered) {
    fillInterior(p.outer, data, width, height, 1);
    drawRing(p.outer, data, width, height, 1);
    for (const hole of p.holes) {
      const cut = new Uint8Array(width * height);
      fillInterior(hole, cut, width, height, 1);
      drawRing(hole, cut, width, height, 0);
      for (let i = 0; i < cut.length; i++) if (cut[i]) data[i] = 0;
    }
  }
  return { width, height, data };
}
