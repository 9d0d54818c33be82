// A dtype whose release has some graphs only in float32 (tracker q4: a q4 vision encoder with the float32 decoder)
// loads with the float32 files filling the roles the dtype lacks; the dtype's own file wins where both exist.
import { cp, mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModelBundle } from '../../src/model/sam3/model-bundle.js';
import { demoBundle } from '../helpers/demo-bundles.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sam3-mixed-'));
  await cp(await demoBundle(504, { memoryTracker: false }), dir, { recursive: true });
  await rename(join(dir, 'onnx', 'vision_encoder.onnx'), join(dir, 'onnx', 'vision_encoder_q4.onnx'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('bundles with graphs of several dtypes', () => {
  it('q4 takes the q4 vision encoder and the float32 decoder (and the float32-only concept graphs)', async () => {
    const bundle = await loadModelBundle(dir, { dtype: 'q4' });
    try {
      expect(bundle.graphs['pvs-vision']?.session.label).toBe('vision_encoder_q4.onnx');
      expect(bundle.graphs['pvs-decoder']?.session.label).toBe('prompt_encoder_mask_decoder.onnx');
      expect(bundle.graphs['pcs-decoder']?.session.label).toBe('geo-encoder-mask-decoder.onnx');
    } finally {
      for (const g of Object.values(bundle.graphs)) await g?.session.release();
    }
  });

  it('a dtype with no file of its own is still refused, naming what is there', async () => {
    await expect(loadModelBundle(dir, { dtype: 'fp16' })).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND' });
  });
});
