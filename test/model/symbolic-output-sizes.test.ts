// Graphs whose output sizes are symbolic (as torch leaves pred_masks in real exports: `Slicepred_masks_dim_4`) load:
// sizes come from where the graph fixes them or from the architecture, are checked on every run, and the results
// equal those of the same graphs with static sizes.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalEngine } from '../../src/engine/local-engine.js';
import { demoBundle } from '../helpers/demo-bundles.js';
import { BLUE, RED, drawScene, encodePng } from '../helpers/scenes.js';

const { onnx } = onnxProto;
let dir: string;

/** Rewrites every output's dims from `fromAxis` on as symbolic names, as torch.onnx.export writes them. */
async function symbolize(path: string, output: string, fromAxis: number): Promise<void> {
  const model = onnx.ModelProto.decode(await readFile(path));
  const info = model.graph!.output!.find((o) => o.name === output)!;
  const dims = info.type!.tensorType!.shape!.dim!;
  for (let i = fromAxis; i < dims.length; i++) dims[i] = { dimParam: `Slice${output}_dim_${i}` };
  await writeFile(path, onnx.ModelProto.encode(model).finish());
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sam3-symbolic-'));
  await cp(await demoBundle(504), dir, { recursive: true });
  await symbolize(join(dir, 'geo-encoder-mask-decoder.onnx'), 'pred_masks', 1);
  await symbolize(join(dir, 'geo-encoder-mask-decoder.onnx'), 'pred_logits', 1);
  await symbolize(join(dir, 'onnx', 'prompt_encoder_mask_decoder.onnx'), 'pred_masks', 2);
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('symbolic output sizes', () => {
  it('load, and segment exactly as the static-size graphs do', async () => {
    const image = await encodePng(
      drawScene(320, 240, [
        { kind: 'rect', color: RED, x0: 30, y0: 40, x1: 150, y1: 160 },
        { kind: 'ellipse', color: BLUE, cx: 230, cy: 130, rx: 50, ry: 60 },
      ]),
    );
    const request = {
      image,
      concepts: [{ text: 'red' }],
      objects: [{ points: [{ x: 230, y: 130, positive: true }] }, { box: { x0: 25, y0: 35, x1: 155, y1: 165 } }],
      maskEncodings: ['rle' as const],
    };
    const symbolic = await LocalEngine.create({ modelDir: dir });
    const reference = await LocalEngine.create({ modelDir: await demoBundle(504) });
    try {
      expect(symbolic.model.info.concepts).toMatchObject({ maskSize: 144, queries: 200 });
      expect(symbolic.model.info.objects).toMatchObject({ maskSize: 144 });
      const a = await symbolic.segment(request);
      const b = await reference.segment(request);
      const strip = (r: typeof a) => ({
        concepts: r.concepts.map((c) => c.instances.map((i) => [i.score, i.box, i.encoded])),
        objects: r.objects.map((o) => o.candidates.map((c) => [c.score, c.encoded])),
      });
      expect(a.concepts[0]!.instances.length).toBeGreaterThan(0);
      expect(strip(a)).toEqual(strip(b));
    } finally {
      await symbolic.close();
      await reference.close();
    }
  });
});
