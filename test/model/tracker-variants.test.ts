// Bundles laid out as the memory-tracker exporter writes them today: several decoder variants fitting one contract
// load (the first serves, a warning names the rest) instead of refusing the whole bundle; tracker graphs that cannot
// be used (no video_constants.npz) leave images working and video tracking by detection, with a warning.
import { copyFile, cp, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { trackerDecoder } from '../../src/demo-model/tracker-graphs.js';
import { Sam3Model } from '../../src/model/sam3/sam3-model.js';
import { demoBundle } from '../helpers/demo-bundles.js';

async function copyOfDemo(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sam3-tracker-variants-'));
  await cp(await demoBundle(504), dir, { recursive: true });
  return dir;
}

describe('memory-tracker variants and gaps', () => {
  it('two decoders of one contract: the bundle loads with its tracker, a warning names the ignored one', async () => {
    const dir = await copyOfDemo();
    try {
      await copyFile(join(dir, 'onnx', 'image_decoder.onnx'), join(dir, 'onnx', 'image_decoder_multi.onnx'));
      const warnings: string[] = [];
      const model = await Sam3Model.load(dir, { onWarning: (m) => warnings.push(m) });
      expect(model.tracker).not.toBeNull();
      expect(model.info.concepts).not.toBeNull();
      expect(warnings.some((w) => /image_decoder_multi\.onnx also fits .* ignoring it/.test(w))).toBe(true);
      await model.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("the exporter's mask-prompt decoder (an extra mask_inputs) is left out with a warning; profile-named constants load", async () => {
    const dir = await copyOfDemo();
    try {
      await writeFile(join(dir, 'onnx', 'image_decoder_mask.onnx'), trackerDecoder(504, { maskInput: true }));
      await rename(join(dir, 'video_constants.npz'), join(dir, 'video_constants_single.npz'));
      const warnings: string[] = [];
      const model = await Sam3Model.load(dir, { onWarning: (m) => warnings.push(m) });
      expect(model.tracker).not.toBeNull();
      expect(
        warnings.some((w) => /image_decoder_mask\.onnx is not used: .*unexpected input 'mask_inputs'/.test(w)),
      ).toBe(true);
      await model.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('tracker graphs without their constants: images and clicks work, video tracks by detection', async () => {
    const dir = await copyOfDemo();
    try {
      await rm(join(dir, 'video_constants.npz'));
      const warnings: string[] = [];
      const model = await Sam3Model.load(dir, { onWarning: (m) => warnings.push(m) });
      expect(model.tracker).toBeNull();
      expect(model.info.objects).not.toBeNull();
      expect(
        warnings.some((w) => /memory tracker unavailable, video tracks by detection: .*video_constants\.npz/.test(w)),
      ).toBe(true);
      await model.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
