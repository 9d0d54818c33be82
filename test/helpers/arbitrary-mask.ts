// fast-check generator of binary masks for property tests: random sizes, densities and blob-like structure.
import fc from 'fast-check';
import type { BinaryMask } from '../../src/domain/segmentation.js';

export function arbitraryMask(maxSide = 24): fc.Arbitrary<BinaryMask> {
  return fc
    .record({
      width: fc.integer({ min: 1, max: maxSide }),
      height: fc.integer({ min: 1, max: maxSide }),
      density: fc.double({ min: 0, max: 1, noNaN: true }),
      seed: fc.integer(),
    })
    .map(({ width, height, density, seed }) => {
      let s = seed >>> 0 || 1;
      const rand = (): number => {
        s ^= s << 13;
        s >>>= 0;
        s ^= s >>> 17;
        s ^= s << 5;
        s >>>= 0;
        return s / 0x100000000;
      };
      const data = new Uint8Array(width * height);
      for (let i = 0; i < data.length; i++) data[i] = rand() < density ? 1 : 0;
      return { width, height, data };
    });
}
