// Start/length RLE, logit upsampling (against a direct PyTorch-formula reference), and pixel mask operations.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbitraryMask } from '../../test/helpers/arbitrary-mask.js';
import { fillHoles, maskArea, maskBox, maskNms, removeOverlaps, removeSmallComponents } from './mask-ops.js';
import { decodeStartLength, encodeStartLength } from './start-length-rle.js';
import { upsampleLogitsToMask } from './upsample-logits.js';

describe('start/length RLE', () => {
  it('is 1-based and row-major; runs continue across rows', () => {
    const m = { width: 4, height: 2, data: Uint8Array.from([0, 1, 1, 0, 0, 0, 1, 1]) };
    expect(encodeStartLength(m)).toBe('2 2 7 2');
    expect(encodeStartLength({ width: 2, height: 2, data: Uint8Array.from([0, 1, 1, 0]) })).toBe('2 2');
    expect(encodeStartLength({ width: 2, height: 2, data: new Uint8Array(4) })).toBe('');
  });

  it('round-trips and rejects out-of-range pairs', () => {
    fc.assert(
      fc.property(arbitraryMask(), (m) => {
        expect(decodeStartLength(encodeStartLength(m), m.width, m.height).data).toEqual(m.data);
      }),
    );
    expect(() => decodeStartLength('5 10', 3, 3)).toThrow(/start\+length-1 ≤ 9/);
    expect(() => decodeStartLength('1', 3, 3)).toThrow(/even number/);
  });
});

/** Reference: PyTorch bilinear, align_corners=False, computed pixel by pixel without separability. */
function referenceUpsample(src: Float32Array, inW: number, inH: number, outW: number, outH: number): Uint8Array {
  const out = new Uint8Array(outW * outH);
  const coord = (o: number, inSize: number, outSize: number): [number, number, number] => {
    const s = Math.max(0, ((o + 0.5) * inSize) / outSize - 0.5);
    const i0 = Math.min(Math.floor(s), inSize - 1);
    return [i0, Math.min(i0 + 1, inSize - 1), s - i0];
  };
  for (let y = 0; y < outH; y++) {
    const [y0, y1, fy] = coord(y, inH, outH);
    for (let x = 0; x < outW; x++) {
      const [x0, x1, fx] = coord(x, inW, outW);
      const v =
        src[y0 * inW + x0]! * (1 - fx) * (1 - fy) +
        src[y0 * inW + x1]! * fx * (1 - fy) +
        src[y1 * inW + x0]! * (1 - fx) * fy +
        src[y1 * inW + x1]! * fx * fy;
      out[y * outW + x] = v > 0 ? 1 : 0;
    }
  }
  return out;
}

describe('upsampleLogitsToMask', () => {
  it('matches the direct bilinear formula for up- and down-sampling and odd sizes', () => {
    const inW = 9;
    const inH = 7;
    const src = new Float32Array(inW * inH + 5);
    for (let i = 0; i < src.length; i++) src[i] = Math.sin(i * 1.7) * 3 + 0.3;
    for (const [ow, oh] of [
      [31, 17],
      [9, 7],
      [5, 3],
      [64, 64],
      [1, 1],
    ] as const) {
      const got = upsampleLogitsToMask(src, 5, inW, inH, ow, oh).data;
      const want = referenceUpsample(src.subarray(5), inW, inH, ow, oh);
      let diff = 0;
      for (let i = 0; i < got.length; i++) diff += got[i] === want[i] ? 0 : 1;
      expect(diff).toBeLessThanOrEqual(Math.ceil(got.length * 0.002)); // float32 vs float64 rounding at the 0 crossing
    }
  });

  it('a positive square of logits maps to the corresponding region', () => {
    const src = new Float32Array(8 * 8).fill(-10);
    for (let y = 2; y < 6; y++) for (let x = 2; x < 6; x++) src[y * 8 + x] = 10;
    const m = upsampleLogitsToMask(src, 0, 8, 8, 80, 40);
    expect(maskBox(m)).toEqual({ x0: 20, y0: 10, x1: 60, y1: 30 });
  });
});

describe('mask operations', () => {
  const rows = (r: string[]) => ({
    width: r[0]!.length,
    height: r.length,
    data: Uint8Array.from(r.join('').split(''), Number),
  });

  it('fills enclosed holes up to the size limit only', () => {
    const m = rows(['11111', '10001', '10001', '11111', '00000']);
    expect(maskArea(fillHoles(m, 6))).toBe(maskArea(m) + 6);
    expect(maskArea(fillHoles(m, 5))).toBe(maskArea(m));
  });

  it('removes small 8-connected components', () => {
    const m = rows(['1100', '1100', '0001', '0000']);
    expect(removeSmallComponents(m, 2).data).toEqual(rows(['1100', '1100', '0000', '0000']).data);
  });

  /** Reference: each pixel's component (pixels equal to `value`) by a pixel-by-pixel flood fill, as its pixel list. */
  const floodComponents = (
    m: { width: number; height: number; data: Uint8Array },
    value: number,
    eight: boolean,
  ): number[][] => {
    const seen = new Uint8Array(m.data.length);
    const out: number[][] = [];
    for (let s = 0; s < m.data.length; s++) {
      if (m.data[s] !== value || seen[s]) continue;
      const comp = [s];
      seen[s] = 1;
      for (let k = 0; k < comp.length; k++) {
        const x = comp[k]! % m.width;
        const y = Math.floor(comp[k]! / m.width);
        for (const [dx, dy] of [
          [1, 0],
          [-1, 0],
          [0, 1],
          [0, -1],
          ...(eight
            ? [
                [1, 1],
                [1, -1],
                [-1, 1],
                [-1, -1],
              ]
            : []),
        ] as Array<[number, number]>) {
          const nx = x + dx;
          const ny = y + dy;
          const q = ny * m.width + nx;
          if (nx >= 0 && ny >= 0 && nx < m.width && ny < m.height && m.data[q] === value && !seen[q]) {
            seen[q] = 1;
            comp.push(q);
          }
        }
      }
      out.push(comp);
    }
    return out;
  };

  it('hole filling and speck removal match a pixel flood fill on arbitrary masks', () => {
    fc.assert(
      fc.property(arbitraryMask(), fc.integer({ min: 1, max: 12 }), (m, area) => {
        const kept = new Uint8Array(m.data.length);
        for (const comp of floodComponents(m, 1, true)) if (comp.length >= area) for (const p of comp) kept[p] = 1;
        expect(Array.from(removeSmallComponents(m, area).data)).toEqual(Array.from(area <= 1 ? m.data : kept));
        const filled = m.data.slice();
        for (const comp of floodComponents(m, 0, false)) {
          const border = comp.some(
            (p) => p % m.width === 0 || p % m.width === m.width - 1 || p < m.width || p >= m.data.length - m.width,
          );
          if (!border && comp.length <= area) for (const p of comp) filled[p] = 1;
        }
        expect(Array.from(fillHoles(m, area).data)).toEqual(Array.from(filled));
      }),
      { numRuns: 500 },
    );
  });

  it('NMS keeps the higher score of overlapping masks; non-overlap gives each pixel to one owner', () => {
    const a = rows(['1110', '1110']);
    const b = rows(['0111', '0111']);
    const c = rows(['0000', '0001']);
    expect(
      maskNms(
        [
          { mask: a, score: 0.5 },
          { mask: b, score: 0.9 },
          { mask: c, score: 0.1 },
        ],
        0.3,
      ),
    ).toEqual([1, 2]);
    const [na, nb] = removeOverlaps([
      { mask: a, score: 0.5 },
      { mask: b, score: 0.9 },
    ]);
    expect(na!.data).toEqual(rows(['1000', '1000']).data);
    expect(nb!.data).toEqual(b.data);
  });
});
