// Label Studio's brush RLE ("rle-pack"): the mask as RGBA bytes (each pixel's 0/255 in all four channels), run-length
// packed into a bit stream — a 32-bit value count, the word size (5 bits, minus one), four run-length field sizes
// (4 bits each, minus one), then per run a flag (1 = repeated value, 0 = literal values), a 2-bit field-size index,
// the run length minus one and the 8-bit value(s); zero bits pad to whole bytes. What `label_studio_sdk`'s
// `mask2rle` / `encode_rle` write (word size 8, run fields of 3, 4, 8 and 16 bits), byte for byte.
import type { BinaryMask } from '../domain/segmentation.js';

/** Run-length field widths in bits, indexed by the 2-bit size code. */
const FIELD_BITS = [3, 4, 8, 16] as const;
const WORD_BITS = 8;

/** A growable big-endian bit writer. */
class BitWriter {
  private bytes = new Uint8Array(1024);
  private length = 0; // bits written
  write(value: number, bits: number): void {
    if ((this.length + bits + 7) >> 3 > this.bytes.length) {
      const grown = new Uint8Array(this.bytes.length * 2 + ((bits + 7) >> 3));
      grown.set(this.bytes);
      this.bytes = grown;
    }
    for (let b = bits - 1; b >= 0; b--) {
      if ((value / 2 ** b) & 1) this.bytes[this.length >> 3]! |= 0x80 >> (this.length & 7);
      this.length++;
    }
  }
  get bitLength(): number {
    return this.length;
  }
  /** The stream padded as the reference pads it: always 1–8 zero bits (a full zero byte when already aligned). */
  finish(): number[] {
    const padded = this.length + (8 - (this.length % 8));
    return Array.from(this.bytes.subarray(0, padded >> 3));
  }
}

/** One run of `length` equal values (length ≥ 1) in the reference's encoding. */
function writeRun(out: BitWriter, length: number, value: number): void {
  if (length === 1) {
    out.write(0, 1);
    out.write(0, 2);
    out.write(0, FIELD_BITS[0]);
    out.write(value, WORD_BITS);
    return;
  }
  if (length <= 8) return writeSeries(out, 0, length, value);
  if (length <= 16) return writeSeries(out, 1, length, value);
  if (length <= 256) return writeSeries(out, 2, length, value);
  let left = length;
  while (left > 2 ** 16) {
    writeSeries(out, 3, 2 ** 16, value);
    left -= 2 ** 16;
  }
  writeSeries(out, 3, left, value);
}

function writeSeries(out: BitWriter, code: number, length: number, value: number): void {
  out.write(1, 1);
  out.write(code, 2);
  out.write(length - 1, FIELD_BITS[code]!);
  out.write(value, WORD_BITS);
}

/**
 * The brush RLE of a mask: the list of byte values Label Studio puts in `value.rle` (format "rle"). Pixel runs are
 * found in the 0/1 mask directly; in RGBA bytes each is four times as long.
 */
export function encodeLabelStudioRle(mask: BinaryMask): number[] {
  const { data } = mask;
  const total = data.length * 4;
  const out = new BitWriter();
  out.write(total, 32);
  out.write(WORD_BITS - 1, 5);
  for (const bits of FIELD_BITS) out.write(bits - 1, 4);
  let start = 0;
  while (start < data.length) {
    const on = data[start] !== 0;
    let end = start + 1;
    while (end < data.length && (data[end] !== 0) === on) end++;
    writeRun(out, (end - start) * 4, on ? 255 : 0);
    start = end;
  }
  return out.finish();
}
