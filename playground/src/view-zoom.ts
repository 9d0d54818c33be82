// Zoom and pan of the image view: a scale and an offset applied to the canvas as a CSS transform (clicks are mapped
// back through the element's box, so prompts land on image pixels at any zoom). Pure functions; the page applies them.
export interface View {
  /** CSS pixels per canvas pixel, relative to the fitted size. */
  scale: number;
  /** Offset of the canvas's top-left corner in the stage, in CSS pixels. */
  x: number;
  y: number;
}

export const MIN_SCALE = 1;
export const MAX_SCALE = 16;
export const FIT: View = { scale: 1, x: 0, y: 0 };

/** Keeps the zoomed canvas covering the stage (no empty margin) within [MIN_SCALE, MAX_SCALE]. */
function clampView(v: View, stageWidth: number, stageHeight: number): View {
  const scale = Math.min(MAX_SCALE, Math.max(MIN_SCALE, v.scale));
  const minX = stageWidth - stageWidth * scale;
  const minY = stageHeight - stageHeight * scale;
  return { scale, x: Math.min(0, Math.max(minX, v.x)), y: Math.min(0, Math.max(minY, v.y)) };
}

/** Zooms by `factor` keeping the stage point (px, py) — the cursor — over the same image point. */
export function zoomAt(v: View, factor: number, px: number, py: number, stageWidth: number, stageHeight: number): View {
  const scale = Math.min(MAX_SCALE, Math.max(MIN_SCALE, v.scale * factor));
  const k = scale / v.scale;
  return clampView({ scale, x: px - (px - v.x) * k, y: py - (py - v.y) * k }, stageWidth, stageHeight);
}

/** Moves the view by (dx, dy) CSS pixels. */
export function panBy(v: View, dx: number, dy: number, stageWidth: number, stageHeight: number): View {
  return clampView({ ...v, x: v.x + dx, y: v.y + dy }, stageWidth, stageHeight);
}

/** Two fingers moved from `before` to `after` (stage points): zoom by their spread around their midpoint, and pan
 * by the midpoint's move. */
export function pinch(
  v: View,
  before: readonly [Point, Point],
  after: readonly [Point, Point],
  stageWidth: number,
  stageHeight: number,
): View {
  const spread = (p: readonly [Point, Point]) => Math.hypot(p[1].x - p[0].x, p[1].y - p[0].y);
  const mid = (p: readonly [Point, Point]) => ({ x: (p[0].x + p[1].x) / 2, y: (p[0].y + p[1].y) / 2 });
  const [m0, m1] = [mid(before), mid(after)];
  const factor = spread(before) > 0 ? spread(after) / spread(before) : 1;
  const zoomed = zoomAt(v, factor, m0.x, m0.y, stageWidth, stageHeight);
  return panBy(zoomed, m1.x - m0.x, m1.y - m0.y, stageWidth, stageHeight);
}

export interface Point {
  x: number;
  y: number;
}

export const cssTransform = (v: View): string => `translate(${v.x}px, ${v.y}px) scale(${v.scale})`;
