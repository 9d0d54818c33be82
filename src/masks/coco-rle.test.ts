// COCO RLE against pycocotools 2.0.11 goldens, spec examples, validation, and round-trip properties.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { goldens, goldenToMask } from '../../test/fixtures/pycocotools-goldens.js';
import { SamError } from '../domain/errors.js';
import { countsFromString, countsToString, decodeCocoRle, decodeRle, encodeCocoRle, encodeRle } from './coco-rle.js';
import { arbitraryMask } from '../../test/helpers/arbitrary-mask.js';

describe('COCO RLE vs pycocotools goldens', () => {
  for (const g of goldens.masks) {
    it(`encodes ${g.name} byte-identically`, () => {
      const mask = goldenToMask(g);
      const rle = encodeRle(mask);
      expect(Array.from(rle.counts)).toEqual(g.uncompressed);
      expect(encodeCocoRle(mask)).toEqual({ size: g.size, counts: g.counts });
      expect(decodeCocoRle({ size: g.size, counts: g.counts }).data).toEqual(mask.data);
    });
  }
});

describe('compressed string', () => {
  it('matches the worked examples of the spec', () => {
    expect(countsToString(Uint32Array.from([5, 2, 2, 2, 2, 2, 5]))).toBe('5220003');
    expect(countsToString(Uint32Array.from([146300, 3, 1530, 11]))).toBe('lk^43j_18');
    expect(countsToString(Uint32Array.from([3, 40, 2, 10]))).toBe('3X12RO');
    expect(Array.from(countsFromString('3X12RO'))).toEqual([3, 40, 2, 10]);
  });

  it('encodes empty and full masks as pycocotools does', () => {
    expect(encodeCocoRle({ width: 4, height: 3, data: new Uint8Array(12) }).counts).toBe('<');
    expect(encodeCocoRle({ width: 4, height: 3, data: new Uint8Array(12).fill(1) }).counts).toBe('0<');
  });

  it('treats any non-zero byte as foreground (pycocotools would corrupt 255)', () => {
    const a = encodeCocoRle({ width: 3, height: 2, data: Uint8Array.from([0, 255, 1, 1, 1, 0]) });
    const b = encodeCocoRle({ width: 3, height: 2, data: Uint8Array.from([0, 1, 1, 1, 1, 0]) });
    expect(a).toEqual(b);
  });
});

describe('decoding validates', () => {
  it('refuses counts that do not cover h·w pixels, naming both numbers', () => {
    expect(() => decodeRle({ height: 3, width: 4, counts: Uint32Array.from([5, 2]) })).toThrow(
      /summing to 12 .* sum to 7/,
    );
    expect(() => decodeRle({ height: 3, width: 4, counts: Uint32Array.from([10, 5]) })).toThrow(SamError);
  });

  it('refuses the hosted start/length sample passed as COCO counts', () => {
    expect(() => decodeCocoRle({ size: [1080, 1920], counts: '146301 3 147834 11' })).toThrow(/'0'..'o'/);
  });

  it('refuses a string that ends inside a count', () => {
    expect(() => countsFromString('l')).toThrow(/ends in the middle/);
  });
});

describe('round trips (property)', () => {
  it('decode(encode(m)) = m and string round trip, any size including 1×N, N×1, widths not multiple of 4', () => {
    fc.assert(
      fc.property(arbitraryMask(), (mask) => {
        const rle = encodeRle(mask);
        expect(decodeRle(rle).data).toEqual(mask.data);
        expect(Array.from(countsFromString(countsToString(rle.counts)))).toEqual(Array.from(rle.counts));
      }),
      { numRuns: 300 },
    );
  });
});

/** pycocotools' rleFrString written plainly (one count at a time, powers computed): the reference for the parser. */
function parseStraightforward(s: string): number[] | 'error' {
  const counts: number[] = [];
  let p = 0;
  while (p < s.length) {
    let x = 0;
    let k = 0;
    let more = true;
    while (more) {
      if (p >= s.length) return 'error';
      const c = s.charCodeAt(p) - 48;
      if (c < 0 || c > 63) return 'error';
      x += (c & 0x1f) * 2 ** (5 * k);
      p++;
      k++;
      more = (c & 0x20) !== 0;
      if (!more && c & 0x10) x -= 2 ** (5 * k);
    }
    if (counts.length > 2) x += counts[counts.length - 2]!;
    if (x < 0 || x > 0xffffffff) return 'error';
    counts.push(x);
  }
  return counts;
}

describe('countsFromString (property)', () => {
  it('equals the plain parser on any string over the alphabet, valid or not', () => {
    const alphabet = fc.constantFrom(...Array.from({ length: 64 }, (_, i) => String.fromCharCode(48 + i)));
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 40 }), (chars) => {
        const s = chars.join('');
        const expected = parseStraightforward(s);
        if (expected === 'error') expect(() => countsFromString(s)).toThrow(SamError);
        else expect(Array.from(countsFromString(s))).toEqual(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it('round-trips any counts up to 2^32 − 1', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 0xffffffff }), { maxLength: 30 }), (values) => {
        const counts = Uint32Array.from(values);
        expect(Array.from(countsFromString(countsToString(counts)))).toEqual(values);
      }),
    );
  });
});

describe('encodeRle: the WebAssembly scan and the JavaScript one (property)', () => {
  it('give the same counts on any mask, with and without bounds, any byte values, unaligned data', () => {
    fc.assert(
      fc.property(arbitraryMask(70), fc.nat(3), fc.boolean(), (mask, shift, big) => {
        const backing = new Uint8Array(mask.data.length + 4);
        const data = backing.subarray(shift, shift + mask.data.length);
        data.set(mask.data);
        if (big) for (let i = 0; i < data.length; i += 7) if (data[i]) data[i] = 200; // non-zero is foreground
        const plain = { width: mask.width, height: mask.height, data };
        const scalar = Array.from(encodeRle(plain, false).counts);
        expect(Array.from(encodeRle(plain).counts)).toEqual(scalar);
        const bounds = occupied(plain);
        expect(Array.from(encodeRle({ ...plain, bounds }).counts)).toEqual(scalar);
      }),
      { numRuns: 500 },
    );
  });

  it('on frames of 1080p and wider than 16 columns per block: a blob, noise, full and empty', () => {
    const [w, h] = [1920, 1080];
    let s = 3;
    const noise = Uint8Array.from({ length: w * h }, () => ((s = (s * 1103515245 + 12345) & 0x7fffffff) >> 20) & 1);
    const blob = Uint8Array.from({ length: w * h }, (_, i) => (Math.hypot((i % w) - 700, i / w - 500) < 180 ? 1 : 0));
    for (const data of [noise, blob, new Uint8Array(w * h).fill(1), new Uint8Array(w * h)]) {
      const mask = { width: w, height: h, data };
      expect(Array.from(encodeRle(mask).counts)).toEqual(Array.from(encodeRle(mask, false).counts));
    }
  });
});

/** The tight rectangle of the foreground (empty at 0,0 for an empty mask). */
function occupied(m: { width: number; height: number; data: Uint8Array }) {
  let [x0, y0, x1, y1] = [m.width, m.height, 0, 0];
  for (let y = 0; y < m.height; y++)
    for (let x = 0; x < m.width; x++)
      if (m.data[y * m.width + x]) [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x + 1), y + 1];
  return x1 === 0 ? { x0: 0, y0: 0, x1: 0, y1: 0 } : { x0, y0, x1, y1 };
}

describe('decodeRle: the dense path and the sparse one (property)', () => {
  it('give the same mask on any counts, whichever the run density', () => {
    fc.assert(
      fc.property(arbitraryMask(70), (mask) => {
        const rle = encodeRle(mask);
        const sparse = decodeRle(rle, false).data;
        expect(Buffer.from(decodeRle(rle, true).data).equals(Buffer.from(sparse))).toBe(true);
        expect(Buffer.from(sparse).equals(Buffer.from(mask.data))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('at 1080p on noise (dense by default) and a blob (sparse by default)', () => {
    const [w, h] = [1920, 1080];
    let s = 9;
    const noise = Uint8Array.from({ length: w * h }, () => ((s = (s * 1103515245 + 12345) & 0x7fffffff) >> 20) & 1);
    const blob = Uint8Array.from({ length: w * h }, (_, i) => (Math.hypot((i % w) - 700, i / w - 500) < 180 ? 1 : 0));
    for (const data of [noise, blob]) {
      const rle = encodeRle({ width: w, height: h, data });
      expect(Buffer.from(decodeRle(rle).data).equals(Buffer.from(data))).toBe(true);
      expect(Buffer.from(decodeRle(rle, true).data).equals(Buffer.from(data))).toBe(true);
      expect(Buffer.from(decodeRle(rle, false).data).equals(Buffer.from(data))).toBe(true);
    }
  });
});
