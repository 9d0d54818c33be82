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
