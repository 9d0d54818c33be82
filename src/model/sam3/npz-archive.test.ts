// The .npz reader against archives NumPy wrote.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readNpz } from './npz-archive.js';

// Fixtures (test/fixtures/npz), written with NumPy 2.4:
//   np.savez('video-constants-sample.npz', no_mem_embed_bchw=np.arange(4, dtype=np.float32).reshape(1,4,1,1)*0.5,
//     current_vision_pos_embed=np.linspace(-1,1,12,dtype=np.float32).reshape(3,1,4), num_maskmem=np.array([7], dtype=np.int64),
//     max_obj_ptrs=np.array([16], dtype=np.int32), half=np.array([1.5,-2.25], dtype=np.float16), dbl=np.array([[0.125]], dtype=np.float64))
//   np.savez_compressed('compressed-sample.npz', a=np.array([3.0, 4.0], dtype=np.float32))
const fixture = (name: string) => readFile(join(process.cwd(), 'test', 'fixtures', 'npz', name));

describe('npz archives', () => {
  it('reads what NumPy savez writes: shapes and float16/32/64, int32/64 values', async () => {
    const npz = readNpz(await fixture('video-constants-sample.npz'), 'sample');
    expect(npz.no_mem_embed_bchw).toEqual({ shape: [1, 4, 1, 1], data: Float32Array.from([0, 0.5, 1, 1.5]) });
    expect(npz.current_vision_pos_embed!.shape).toEqual([3, 1, 4]);
    expect(npz.current_vision_pos_embed!.data[0]).toBe(-1);
    expect(npz.current_vision_pos_embed!.data[11]).toBe(1);
    expect([...npz.num_maskmem!.data]).toEqual([7]);
    expect([...npz.max_obj_ptrs!.data]).toEqual([16]);
    expect([...npz.half!.data]).toEqual([1.5, -2.25]);
    expect(npz.dbl).toEqual({ shape: [1, 1], data: Float32Array.of(0.125) });
  });

  it('reads a deflated archive (savez_compressed)', async () => {
    expect(readNpz(await fixture('compressed-sample.npz'), 'c').a).toEqual({ shape: [2], data: Float32Array.of(3, 4) });
  });

  it('refuses what is not an npz, saying which file', () => {
    expect(() => readNpz(new Uint8Array([1, 2, 3]), 'broken.npz')).toThrow(/broken\.npz is not a readable \.npz/);
  });
});
