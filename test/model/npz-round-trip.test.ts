// The demo generator's .npz writer read back by the model's reader (the reader itself is checked against NumPy).
import { describe, expect, it } from 'vitest';
import { writeNpz } from '../../src/demo-model/npz-writer.js';
import { readNpz } from '../../src/model/sam3/npz-archive.js';

describe('npz writer', () => {
  it('round-trips float32 arrays of any rank', () => {
    const arrays = {
      x: { shape: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, 6]) },
      n: { shape: [1], data: Float32Array.of(7) },
      e: { shape: [0, 4], data: new Float32Array(0) },
    };
    expect(readNpz(writeNpz(arrays), 'rt')).toEqual(arrays);
  });
});
