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
