// Coordinate types and conversions: pixel boxes (xyxy, EXIF-rotated source pixels), normalised boxes, points.

/** Box in source-image pixels, corners (x0, y0) top-left and (x1, y1) bottom-right, continuous coordinates. */
export interface PixelBox {
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
}

/** Box normalised to [0, 1] as centre x, centre y, width, height (the PCS graph's exemplar convention). */
export interface NormalizedCxCyWh {
  readonly cx: number;
  readonly cy: number;
  readonly w: number;
  readonly h: number;
}

/** A click in source-image pixels. */
export interface PixelPoint {
  readonly x: number;
  readonly y: number;
}

export function boxFromXywh(x: number, y: number, width: number, height: number): PixelBox {
  return { x0: x, y0: y, x1: x + width, y1: y + height };
}

export function boxFromCenterXywh(cx: number, cy: number, width: number, height: number): PixelBox {
  return { x0: cx - width / 2, y0: cy - height / 2, x1: cx + width / 2, y1: cy + height / 2 };
}

export function normalizeBoxCxCyWh(box: PixelBox, width: number, height: number): NormalizedCxCyWh {
  const x0 = box.x0 / width;
  const x1 = box.x1 / width;
  const y0 = box.y0 / height;
  const y1 = box.y1 / height;
  return { cx: (x0 + x1) / 2, cy: (y0 + y1) / 2, w: x1 - x0, h: y1 - y0 };
}

export function clampBox(box: PixelBox, width: number, height: number): PixelBox {
  const clamp = (v: number, hi: number): number => Math.min(Math.max(v, 0), hi);
  return { x0: clamp(box.x0, width), y0: clamp(box.y0, height), x1: clamp(box.x1, width), y1: clamp(box.y1, height) };
}

/** Scales a point from source pixels to a model space of size `modelWidth`×`modelHeight` (per-axis stretch). */
export function scalePoint(
  point: PixelPoint,
  from: { width: number; height: number },
  modelWidth: number,
  modelHeight: number,
): PixelPoint {
  return { x: (point.x * modelWidth) / from.width, y: (point.y * modelHeight) / from.height };
}
