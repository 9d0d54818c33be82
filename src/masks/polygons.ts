// Mask → polygons: Roboflow's outer-contour form, and the native form with holes, simplification and min area.
import simplify from 'simplify-js';
import type { PolygonWithHoles, Ring } from '../domain/encoded-mask.js';
import type { BinaryMask } from '../domain/segmentation.js';
import { traceContours, type Contour } from './contours.js';

export interface PolygonOptions {
  /** Ramer–Douglas–Peucker tolerance in pixels; 0 keeps every traced vertex. */
  simplifyTolerancePx?: number;
  /** Drop components (and holes) whose ring area (shoelace, pixel-index frame) is below this many pixels. */
  minAreaPx?: number;
}

function toRing(points: number[]): Ring {
  const ring: Ring = [];
  for (let i = 0; i < points.length; i += 2) ring.push([points[i]!, points[i + 1]!]);
  return ring;
}

/** Shoelace area of a ring (absolute). Rings of one or two points have area 0. */
export function ringArea(ring: Ring): number {
  let a = 0;
  for (let i = 0; i < ring.length; i++) {
    const [x0, y0] = ring[i]!;
    const [x1, y1] = ring[(i + 1) % ring.length]!;
    a += x0 * y1 - x1 * y0;
  }
  return Math.abs(a) / 2;
}

function simplifyRing(ring: Ring, tolerancePx: number): Ring {
  if (tolerancePx <= 0 || ring.length < 4) return ring;
  const pts = ring.map(([x, y]) => ({ x, y }));
  pts.push({ x: ring[0]![0], y: ring[0]![1] }); // close so both ends of the seam are kept
  const out = simplify(pts, tolerancePx, true);
  out.pop();
  return out.length >= 3 ? out.map((p): [number, number] => [p.x, p.y]) : ring;
}

/**
 * Roboflow parity (`cv2.findContours(RETR_EXTERNAL, CHAIN_APPROX_SIMPLE)`): one ring per top-level 8-connected
 * component, holes dropped, integer pixel indices, no simplification, in OpenCV's order (the last component found by
 * the raster scan first); an empty mask gives `[[]]`.
 */
export function maskToOuterPolygons(mask: BinaryMask): Ring[] {
  const rings = traceContours(mask.data, mask.width, mask.height, true, mask.bounds)
    .filter((c) => !c.isHole && c.parent === -1)
    .map((c) => toRing(c.points))
    .reverse();
  return rings.length > 0 ? rings : [[]];
}

/** Every component with its holes (islands inside holes are components of their own). */
export function maskToPolygonsWithHoles(mask: BinaryMask, options: PolygonOptions = {}): PolygonWithHoles[] {
  const tolerance = options.simplifyTolerancePx ?? 0;
  const minArea = options.minAreaPx ?? 0;
  const contours: Contour[] = traceContours(mask.data, mask.width, mask.height, true, mask.bounds);
  const byIndex = new Map<number, PolygonWithHoles>();
  const out: PolygonWithHoles[] = [];
  contours.forEach((c, index) => {
    if (c.isHole) return;
    const outer = toRing(c.points);
    if (minArea > 0 && ringArea(outer) < minArea) return;
    const polygon: PolygonWithHoles = { outer: simplifyRing(outer, tolerance), holes: [] };
    byIndex.set(index, polygon);
    out.push(polygon);
  });
  for (const c of contours) {
    if (!c.isHole) continue;
    const owner = byIndex.get(c.parent);
    if (!owner) continue;
    const hole = toRing(c.points);
    if (minArea > 0 && ringArea(hole) < minArea) continue;
    owner.holes.push(simplifyRing(hole, tolerance));
  }
  return out;
}

/** COCO `segmentation` form: flat `[x1, y1, x2, y2, …]` outer rings with ≥ 3 points (holes cannot be expressed). */
export function toCocoSegmentation(polygons: readonly PolygonWithHoles[]): number[][] {
  return polygons.filter((p) => p.outer.length >= 3).map((p) => p.outer.flat());
}
