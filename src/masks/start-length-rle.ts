// Start/length RLE (the hosted sam3-*-rle sample form): "s1 l1 s2 l2 …", 1-based, row-major, runs of 1s.
import { SamError } from '../domain/errors.js';
import type { BinaryMask } from '../domain/segmentation.js';

/** Row-major, 1-based start/length pairs over the flattened mask (Kaggle style); empty mask → "". */
export function encodeStartLength(mask: BinaryMask): string {
  const { data } = mask;
  const parts: string[] = [];
  const n = data.length;
  let i = 0;
  while (i < n) {
    if (!data[i]) {
      i++;
      continue;
    }
    const start = i;
    while (i < n && data[i]) i++;
    parts.push(`${start + 1} ${i - start}`);
  }
  return parts.join(' ');
}

/** Parses start/length pairs back into a mask of the given size; pairs must be in range and well-formed. */
export function decodeStartLength(text: string, width: number, height: number): BinaryMask {
  const data = new Uint8Array(width * height);
  const trimmed = text.trim();
  if (trimmed === '') return { width, height, data };
  const tokens = trimmed.split(/\s+/);
  if (tokens.length % 2 !== 0) {
    throw new SamError(
      'MASK_RLE_INVALID',
      `Expected an even number of start/length values but received ${tokens.length}`,
      { field: 'rle' },
    );
  }
  for (let k = 0; k < tokens.length; k += 2) {
    const start = Number(tokens[k]);
    const length = Number(tokens[k + 1]);
    if (
      !Number.isInteger(start) ||
      !Number.isInteger(length) ||
      start < 1 ||
      length < 0 ||
      start - 1 + length > data.length
    ) {
      throw new SamError(
        'MASK_RLE_INVALID',
        `Expected start ≥ 1 and start+length-1 ≤ ${data.length} but received pair ${tokens[k]} ${tokens[k + 1]}`,
        {
          field: 'rle',
        },
      );
    }
    data.fill(1, start - 1, start - 1 + length);
  }
  return { width, height, data };
}
