// Label Studio brush RLE: round trips through a decoder written from the format description, on masks of many shapes
// and sizes, plus the bytes the reference encoder writes for small known masks.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbitraryMask } from '../../test/helpers/arbitrary-mask.js';
import { decodeLabelStudioRle } from '../../test/helpers/labelstudio-rle-decoder.js';
import { encodeLabelStudioRle } from './labelstudio-rle.js';

describe('encodeLabelStudioRle', () => {
  it('round-trips random masks, and long runs split at 65 536 values', () => {
    fc.assert(
      fc.property(arbitraryMask(60), (m) => {
        expect(Array.from(decodeLabelStudioRle(encodeLabelStudioRle(m), m.width, m.height))).toEqual(
          Array.from(m.data),
        );
      }),
      { numRuns: 300 },
    );
    const big = { width: 300, height: 200, data: new Uint8Array(300 * 200) };
    big.data.fill(1, 1000, 50_000); // a run of 196 000 RGBA values: three full 65 536 series and the rest
    expect(Array.from(decodeLabelStudioRle(encodeLabelStudioRle(big), 300, 200))).toEqual(Array.from(big.data));
  });

  it('writes the reference encoder bytes for known masks', () => {
    // A 1×1 background pixel, worked by hand from the format: count 4 (32 bits), word size 8 − 1 (00111), field
    // sizes 3, 4, 8, 16 − 1 (0010 0011 0111 1111), one series of four zeros (1, 00, 011, 00000000): 67 bits, padded
    // with 5 zero bits → 00111001 00011011 11111100 01100000 00000000 after the count.
    expect(encodeLabelStudioRle({ width: 1, height: 1, data: Uint8Array.of(0) })).toEqual([
      0, 0, 0, 4, 57, 27, 252, 96, 0,
    ]);
    // 53 header bits + one 16-bit-field series (27 bits) = 80, already whole bytes: the reference's `8 - len % 8`
    // still appends a zero byte, so 11 bytes.
    const aligned = encodeLabelStudioRle({ width: 100, height: 1, data: new Uint8Array(100) });
    expect(aligned).toHaveLength(11);
    expect(aligned[10]).toBe(0);
    expect(decodeLabelStudioRle(aligned, 100, 1)).toEqual(new Uint8Array(100));
  });
});
