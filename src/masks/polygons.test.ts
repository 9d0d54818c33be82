// Contour tracing and polygon forms: OpenCV's documented outputs, holes, and mask → polygons → mask stability.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbitraryMask } from '../../test/helpers/arbitrary-mask.js';
import type { BinaryMask } from '../domain/segmentation.js';
import { traceContours } from './contours.js';
import { fillPolygons } from './fill-rings.js';
import { maskToOuterPolygons, maskToPolygonsWithHoles, toCocoSegmentation } from './polygons.js';

function maskFromRows(rows: string[]): BinaryMask {
  const height = rows.length;
  const width = rows[0]!.length;
  const data = new Uint8Array(width * height);
  rows.forEach((r, y) => [...r].forEach((c, x) => (data[y * width + x] = c === '1' ? 1 : 0)));
  return { width, height, data };
}

describe('OpenCV parity on documented cases (cv2.findContours on hand-checked cases)', () => {
  it('rows 1–3 × cols 2–5 → [[2,1],[2,3],[5,3],[5,1]]', () => {
    const m = maskFromRows(['0000000', '0011110', '0011110', '0011110', '0000000']);
    expect(maskToOuterPolygons(m)).toEqual([
      [
        [2, 1],
        [2, 3],
        [5, 3],
        [5, 1],
      ],
    ]);
  });

  it('several components come in OpenCV order, the last found first (cv2 4.x / 5.x output)', () => {
    const data = new Uint8Array(10 * 12);
    for (const [x, y] of [
      [1, 1],
      [2, 1],
      [1, 2],
      [2, 2],
      [8, 1],
      [8, 6],
      [9, 6],
      [10, 6],
      [8, 7],
      [9, 7],
      [10, 7],
    ])
      data[y! * 12 + x!] = 1;
    expect(maskToOuterPolygons({ width: 12, height: 10, data })).toEqual([
      [
        [8, 6],
        [8, 7],
        [10, 7],
        [10, 6],
      ],
      [[8, 1]],
      [
        [1, 1],
        [1, 2],
        [2, 2],
        [2, 1],
      ],
    ]);
  });

  it('full 4×6 mask traces the image border', () => {
    const m = maskFromRows(['111111', '111111', '111111', '111111']);
    expect(maskToOuterPolygons(m)).toEqual([
      [
        [0, 0],
        [0, 3],
        [5, 3],
        [5, 0],
      ],
    ]);
  });

  it('single pixel → 1 point, diagonal pair → one 8-connected contour, empty → [[]]', () => {
    expect(maskToOuterPolygons(maskFromRows(['000', '010', '000']))).toEqual([[[1, 1]]]);
    expect(maskToOuterPolygons(maskFromRows(['0000', '0100', '0010', '0000']))).toEqual([
      [
        [1, 1],
        [2, 2],
      ],
    ]);
    expect(maskToOuterPolygons(maskFromRows(['000', '000']))).toEqual([[]]);
  });

  it('a 1-px hole is traced through the foreground pixels around it', () => {
    const m = maskFromRows(['00000', '01110', '01010', '01110', '00000']);
    const contours = traceContours(m.data, m.width, m.height);
    const hole = contours.find((c) => c.isHole)!;
    const pts: Array<[number, number]> = [];
    for (let i = 0; i < hole.points.length; i += 2) pts.push([hole.points[i]!, hole.points[i + 1]!]);
    expect(new Set(pts.map((p) => p.join(',')))).toEqual(new Set(['1,2', '2,1', '3,2', '2,3']));
    expect(hole.parent).toBe(0);
  });
});

describe('components, holes and islands', () => {
  const donutWithIsland = maskFromRows([
    '000000000',
    '011111110',
    '010000010',
    '010010010',
    '010000010',
    '011111110',
    '000000000',
    '000000110',
  ]);

  it('Roboflow form keeps outer rings of top-level components only', () => {
    const rings = maskToOuterPolygons(donutWithIsland);
    expect(rings).toHaveLength(2); // the ring and the bottom blob; the island inside the hole is not external
  });

  it('native form keeps holes, and islands become polygons of their own', () => {
    const polys = maskToPolygonsWithHoles(donutWithIsland);
    expect(polys).toHaveLength(3);
    expect(polys.filter((p) => p.holes.length === 1)).toHaveLength(1);
    expect(fillPolygons(polys, donutWithIsland.width, donutWithIsland.height).data).toEqual(donutWithIsland.data);
  });

  it('minimum area drops small components; COCO form is flat and skips rings under 3 points', () => {
    const polys = maskToPolygonsWithHoles(donutWithIsland, { minAreaPx: 2 });
    expect(polys).toHaveLength(1);
    const coco = toCocoSegmentation(maskToPolygonsWithHoles(donutWithIsland));
    expect(coco.every((r) => r.length >= 6 && r.length % 2 === 0)).toBe(true);
  });

  it('simplification reduces vertices of a round shape and keeps it closed', () => {
    const size = 80;
    const data = new Uint8Array(size * size);
    for (let y = 0; y < size; y++)
      for (let x = 0; x < size; x++) if ((x - 40) ** 2 + (y - 40) ** 2 < 30 ** 2) data[y * size + x] = 1;
    const m = { width: size, height: size, data };
    const raw = maskToPolygonsWithHoles(m)[0]!.outer.length;
    const simple = maskToPolygonsWithHoles(m, { simplifyTolerancePx: 1 })[0]!.outer.length;
    expect(simple).toBeLessThan(raw / 2);
    expect(simple).toBeGreaterThanOrEqual(3);
  });
});

describe('mask → polygons → mask is exact (property)', () => {
  it('for random masks of any density', () => {
    fc.assert(
      fc.property(arbitraryMask(20), (m) => {
        const polys = maskToPolygonsWithHoles(m);
        expect(fillPolygons(polys, m.width, m.height).data).toEqual(m.data);
      }),
      { numRuns: 400 },
    );
  });
});
