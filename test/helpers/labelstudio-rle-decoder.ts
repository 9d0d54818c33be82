// A Label Studio brush RLE decoder written from the format's description (32-bit count, 5-bit word size − 1, four
// 4-bit run-field sizes − 1, then runs: flag, 2-bit size index, length − 1, value or literal values), for tests.

class BitReader {
  private at = 0;
  constructor(private readonly bytes: readonly number[]) {}
  read(bits: number): number {
    let v = 0;
    for (let i = 0; i < bits; i++) {
      const byte = this.bytes[this.at >> 3];
      if (byte === undefined) throw new Error('brush RLE ends early');
      v = v * 2 + ((byte >> (7 - (this.at & 7))) & 1);
      this.at++;
    }
    return v;
  }
}

/** Decodes to the RGBA byte values, then keeps the alpha channel as 0/1, row-major. */
export function decodeLabelStudioRle(rle: readonly number[], width: number, height: number): Uint8Array {
  const input = new BitReader(rle);
  const count = input.read(32);
  if (count !== width * height * 4) throw new Error(`brush RLE holds ${count} values, expected ${width * height * 4}`);
  const word = input.read(5) + 1;
  const sizes = [0, 1, 2, 3].map(() => input.read(4) + 1);
  const values = new Uint8Array(count);
  let i = 0;
  while (i < count) {
    const repeated = input.read(1) === 1;
    const end = i + 1 + input.read(sizes[input.read(2)]!);
    if (end > count) throw new Error('brush RLE run passes the end');
    if (repeated) values.fill(input.read(word), i, end);
    else for (; i < end; i++) values[i] = input.read(word);
    i = end;
  }
  const mask = new Uint8Array(width * height);
  for (let p = 0; p < mask.length; p++) mask[p] = values[p * 4 + 3]! ? 1 : 0;
  return mask;
}
