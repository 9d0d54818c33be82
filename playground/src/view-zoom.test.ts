// Zoom keeps the point under the cursor fixed and the stage covered; pan stops at the edges.
import { describe, expect, it } from 'vitest';
import { FIT, MAX_SCALE, panBy, pinch, zoomAt } from './view-zoom.js';

describe('view zoom', () => {
  it('zooms around the cursor: the image point under it stays under it', () => {
    const v = zoomAt(FIT, 2, 100, 50, 400, 300);
    expect(v.scale).toBe(2);
    // Image point at the cursor before: (100, 50) in fitted CSS pixels; after: (px - x) / scale.
    expect((100 - v.x) / v.scale).toBeCloseTo(100);
    expect((50 - v.y) / v.scale).toBeCloseTo(50);
    const twice = zoomAt(v, 2, 300, 200, 400, 300);
    expect((300 - twice.x) / twice.scale).toBeCloseTo((300 - v.x) / v.scale);
  });

  it('never zooms out past the fitted view nor in past the maximum, and keeps the stage covered', () => {
    expect(zoomAt(FIT, 0.5, 10, 10, 400, 300)).toEqual({ scale: 1, x: 0, y: 0 });
    expect(zoomAt(FIT, 1000, 10, 10, 400, 300).scale).toBe(MAX_SCALE);
    const v = zoomAt(FIT, 3, 200, 150, 400, 300);
    expect(panBy(v, 10_000, 10_000, 400, 300)).toMatchObject({ x: 0, y: 0 });
    expect(panBy(v, -10_000, -10_000, 400, 300)).toMatchObject({ x: 400 - 1200, y: 300 - 900 });
  });

  it('pinches: fingers spreading twice apart zoom 2× around their midpoint; moving together pans', () => {
    const v = pinch(
      FIT,
      [
        { x: 180, y: 150 },
        { x: 220, y: 150 },
      ],
      [
        { x: 160, y: 150 },
        { x: 240, y: 150 },
      ],
      400,
      300,
    );
    expect(v.scale).toBeCloseTo(2);
    expect((200 - v.x) / v.scale).toBeCloseTo(200);
    const moved = pinch(
      v,
      [
        { x: 160, y: 150 },
        { x: 240, y: 150 },
      ],
      [
        { x: 150, y: 140 },
        { x: 230, y: 140 },
      ],
      400,
      300,
    );
    expect(moved).toEqual({ scale: v.scale, x: v.x - 10, y: v.y - 10 });
  });
});
