// Coordinate conventions: PCS exemplars normalised cx,cy,w,h against the source size; PVS per-axis scaling to R.
import { describe, expect, it } from 'vitest';
import { boxFromCenterXywh, boxFromXywh } from '../../domain/geometry.js';
import { encodeExemplars, encodeObject } from './prompt-encoding.js';

describe('PCS exemplars', () => {
  it('normalises xyxy pixels to cx, cy, w, h in [0,1] and labels 1/0', () => {
    const f = encodeExemplars(
      [
        { box: { x0: 100, y0: 50, x1: 300, y1: 150 }, positive: true },
        { box: boxFromXywh(0, 0, 400, 200), positive: false },
      ],
      { width: 400, height: 200 },
    );
    expect(Array.from(f.boxes)).toEqual([0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 1, 1].map((v) => expect.closeTo(v, 6)));
    expect(Array.from(f.labels)).toEqual([1n, 0n]); // with a box: no not-a-point
  });

  it('no exemplars → one ignored box labelled −10', () => {
    const f = encodeExemplars([], { width: 10, height: 10 });
    expect(f.count).toBe(1);
    expect(Array.from(f.labels)).toEqual([-10n]);
  });
});

describe('PVS points and boxes', () => {
  it('scales each axis to the model resolution (stretch, no letterbox)', () => {
    const f = encodeObject(
      {
        points: [
          { x: 320, y: 120, positive: true },
          { x: 0, y: 240, positive: false },
        ],
        box: { x0: 64, y0: 48, x1: 640, y1: 480 },
      },
      { width: 640, height: 480 },
      1008,
    );
    expect(Array.from(f.points)).toEqual([504, 252, 0, 504].map((v) => expect.closeTo(v, 4)));
    expect(Array.from(f.labels)).toEqual([1n, 0n]);
    expect(Array.from(f.boxes)).toEqual([100.8, 100.8, 1008, 1008].map((v) => expect.closeTo(v, 3)));
    expect(f.boxCount).toBe(1);
  });

  it('box only → a zero-length point axis, as the reference feeds it (no dummy not-a-point); points only → empty box tensor', () => {
    const boxOnly = encodeObject({ box: { x0: 0, y0: 0, x1: 10, y1: 10 } }, { width: 10, height: 10 }, 504);
    expect(boxOnly.pointCount).toBe(0);
    expect(boxOnly.points.length).toBe(0);
    expect(Array.from(boxOnly.labels)).toEqual([]);
    expect(boxOnly.boxCount).toBe(1);
    // Points without a box end with one not-a-point, as the reference prompt encoder pads them; with a box, none.
    const clicks = encodeObject(
      {
        points: [
          { x: 5, y: 5, positive: true },
          { x: 1, y: 1, positive: false },
        ],
      },
      { width: 10, height: 10 },
      504,
    );
    expect(Array.from(clicks.labels)).toEqual([1n, 0n, -1n]);
    expect(clicks.pointCount).toBe(3);
    const both = encodeObject(
      { points: [{ x: 5, y: 5, positive: true }], box: { x0: 0, y0: 0, x1: 10, y1: 10 } },
      { width: 10, height: 10 },
      504,
    );
    expect(Array.from(both.labels)).toEqual([1n]);
    const pointsOnly = encodeObject({ points: [{ x: 5, y: 5, positive: true }] }, { width: 10, height: 10 }, 504);
    expect(pointsOnly.boxCount).toBe(0);
    expect(pointsOnly.boxes.length).toBe(0);
  });

  it('centre-anchored (Roboflow PVS) and top-left (PCS) boxes convert to the same xyxy', () => {
    expect(boxFromCenterXywh(50, 40, 20, 10)).toEqual({ x0: 40, y0: 35, x1: 60, y1: 45 });
    expect(boxFromXywh(40, 35, 20, 10)).toEqual({ x0: 40, y0: 35, x1: 60, y1: 45 });
  });
});
