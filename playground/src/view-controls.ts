// The image view's zoom and pan wired to the page: the wheel zooms around the cursor, Alt-drag or the middle button
// pans, two fingers pinch-zoom and pan on a touch screen, Fit resets, and + / − / 0 from the keyboard (`zoomKey`).
import { FIT, cssTransform, panBy, pinch, zoomAt, type Point, type View } from './view-zoom.js';

export interface ViewControls {
  /** Applies a zoom key (+, =, −, 0); false for any other key. */
  zoomKey(e: KeyboardEvent): boolean;
}

export function wireViewControls(canvas: HTMLCanvasElement, stage: HTMLElement, fit: HTMLElement): ViewControls {
  let view: View = FIT;
  const apply = (next: View): void => {
    view = next;
    canvas.style.transform = cssTransform(view);
  };
  const box = () => stage.getBoundingClientRect();
  canvas.addEventListener(
    'wheel',
    (e) => {
      e.preventDefault();
      const r = box();
      apply(zoomAt(view, Math.exp(-e.deltaY * 0.0015), e.clientX - r.left, e.clientY - r.top, r.width, r.height));
    },
    { passive: false },
  );
  let panFrom: Point | undefined;
  canvas.addEventListener('mousedown', (e) => {
    if (e.button === 1 || e.altKey) {
      panFrom = { x: e.clientX, y: e.clientY };
      e.preventDefault();
      e.stopImmediatePropagation();
    }
  });
  window.addEventListener('mousemove', (e) => {
    if (!panFrom) return;
    const r = box();
    apply(panBy(view, e.clientX - panFrom.x, e.clientY - panFrom.y, r.width, r.height));
    panFrom = { x: e.clientX, y: e.clientY };
  });
  window.addEventListener('mouseup', () => (panFrom = undefined));
  fit.onclick = () => apply(FIT);

  // Two fingers zoom around themselves and pan with their midpoint; one finger still prompts.
  let fingers: [Point, Point] | undefined;
  const stagePoints = (e: TouchEvent): [Point, Point] | undefined => {
    if (e.touches.length !== 2) return undefined;
    const r = box();
    const at = (t: Touch): Point => ({ x: t.clientX - r.left, y: t.clientY - r.top });
    return [at(e.touches[0]!), at(e.touches[1]!)];
  };
  canvas.addEventListener(
    'touchstart',
    (e) => {
      fingers = stagePoints(e);
      if (fingers) e.preventDefault();
    },
    { passive: false },
  );
  canvas.addEventListener(
    'touchmove',
    (e) => {
      const next = stagePoints(e);
      if (!next || !fingers) return;
      e.preventDefault();
      const r = box();
      apply(pinch(view, fingers, next, r.width, r.height));
      fingers = next;
    },
    { passive: false },
  );
  canvas.addEventListener('touchend', () => (fingers = undefined));

  return {
    zoomKey(e) {
      const r = box();
      const factor = e.key === '+' || e.key === '=' ? 1.25 : e.key === '-' ? 0.8 : 0;
      if (e.key === '0') apply(FIT);
      else if (factor) apply(zoomAt(view, factor, r.width / 2, r.height / 2, r.width, r.height));
      else return false;
      return true;
    },
  };
}
