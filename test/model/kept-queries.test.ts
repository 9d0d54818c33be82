// The concept decoder with in-graph selection of the kept queries (kept-queries-graph.ts): on the tiny
// real-architecture decoder the kept planes are exactly the selected queries' masks; through the engine on the demo
// model the instances equal those of the unmodified graph. (The reference parity tests run the tiny bundle through the
// engine with the selection on.)
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalEngine } from '../../src/engine/local-engine.js';
import * as ort from 'onnxruntime-node';
import { KEPT, withKeptQueries } from '../../src/model/sam3/kept-queries-graph.js';
import { sigmoid } from '../../src/model/sam3/postprocess.js';
import { demoBundle } from '../helpers/demo-bundles.js';
import { BLUE, RED, drawScene, encodePng } from '../helpers/scenes.js';
import onnxProto from 'onnx-proto';

const TINY = join(import.meta.dirname, '..', 'fixtures', 'reference', 'tiny-sam3');

describe('concept decoder with the kept queries selected in the graph', () => {
  const engines: LocalEngine[] = [];
  afterAll(async () => Promise.all(engines.map((e) => e.close())));
  const pair = async (modelDir: string) => {
    // One after the other: two engines loading or running at once only compete for the same cores.
    const inGraph = await LocalEngine.create({ modelDir });
    const plain = await LocalEngine.create({ modelDir, keptQueries: false });
    engines.push(inGraph, plain);
    expect(inGraph.model.info.concepts!.selectsInGraph).toBe(true);
    expect(plain.model.info.concepts!.selectsInGraph).toBe(false);
    return [inGraph, plain] as const;
  };
  const same = async (a: LocalEngine, b: LocalEngine, request: Parameters<LocalEngine['segment']>[0]) => {
    const x = await a.segment(request);
    const y = await b.segment(request);
    const strip = (r: typeof x) =>
      r.concepts.map((c) =>
        c.instances.map((i) => ({
          score: i.score,
          box: i.box,
          // A digest: vitest's deep equality over 200 full-frame masks would take minutes.
          mask: createHash('sha256').update(i.mask.data).digest('hex'),
        })),
      );
    expect(strip(x)).toEqual(strip(y));
    return x.concepts.reduce((n, c) => n + c.instances.length, 0);
  };

  let scene: Uint8Array;
  beforeAll(async () => {
    scene = await encodePng(
      drawScene(320, 240, [
        { kind: 'rect', color: RED, x0: 30, y0: 40, x1: 150, y1: 160 },
        { kind: 'ellipse', color: BLUE, cx: 230, cy: 130, rx: 50, ry: 60 },
      ]),
    );
  });

  it("tiny real-architecture SAM 3 decoder, weights in a side file: the kept planes are the selected queries' pred_masks, bit for bit", async () => {
    // The fixture with its weights moved to a side file, as the public exports ship them.
    const dir = await mkdtemp(join(tmpdir(), 'sam3-kept-'));
    const { onnx } = onnxProto;
    const model = onnx.ModelProto.decode(await readFile(join(TINY, 'geo-encoder-mask-decoder.onnx')));
    const chunks: Buffer[] = [];
    let offset = 0;
    for (const t of model.graph!.initializer ?? []) {
      if (!t.rawData?.length) continue;
      const kv = (key: string, value: string | number) =>
        onnx.StringStringEntryProto.create({ key, value: String(value) });
      t.externalData = [kv('location', 'decoder.onnx_data'), kv('offset', offset), kv('length', t.rawData.length)];
      t.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
      chunks.push(Buffer.from(t.rawData));
      offset += t.rawData.length;
      t.rawData = new Uint8Array();
    }
    expect(offset).toBeGreaterThan(1e6);
    await writeFile(join(dir, 'decoder.onnx_data'), Buffer.concat(chunks));
    const modified = withKeptQueries(onnx.ModelProto.encode(model).finish())!;
    const session = await ort.InferenceSession.create(modified, {
      extra: { session: { model_external_initializers_file_folder_path: dir } },
    });
    const feeds: Record<string, ort.Tensor> = {};
    for (const meta of session.inputMetadata) {
      if (!meta.isTensor) continue;
      const dims = meta.shape.map((d) => (typeof d === 'number' ? d : 1));
      const n = dims.reduce((x, y) => x * y, 1);
      if (meta.type === 'int64') feeds[meta.name] = new ort.Tensor('int64', new BigInt64Array(n).fill(-10n), dims);
      else if (meta.type === 'bool') feeds[meta.name] = new ort.Tensor('bool', new Uint8Array(n).fill(1), dims);
      else
        feeds[meta.name] = new ort.Tensor(
          'float32',
          Float32Array.from({ length: n }, (_, k) => Math.sin(k * 0.37)),
          dims,
        );
    }
    feeds[KEPT.threshold] = new ort.Tensor('float32', Float32Array.of(0.25), [1]);
    const out = await session.run(feeds);
    const logits = out['pred_logits']!.data as Float32Array;
    const presence = sigmoid((out['presence_logits']!.data as Float32Array)[0]!);
    const expected = [...logits.keys()].filter((q) => sigmoid(logits[q]!) * presence > 0.25);
    const kept = Array.from(out[KEPT.queries]!.data as BigInt64Array, Number);
    expect(kept).toEqual(expected);
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(200);
    const all = out['pred_masks']!.data as Float32Array;
    const planes = out[KEPT.masks]!.data as Float32Array;
    const plane = 288 * 288;
    kept.forEach((q, row) =>
      expect(
        Buffer.compare(
          Buffer.from(all.buffer, all.byteOffset + q * plane * 4, plane * 4),
          Buffer.from(planes.buffer, planes.byteOffset + row * plane * 4, plane * 4),
        ),
      ).toBe(0),
    );
    await session.release();
    await rm(dir, { recursive: true, force: true });
  }, 120_000);

  it('demo model: identical instances', async () => {
    const [a, b] = await pair(await demoBundle(504));
    expect(await same(a, b, { image: scene, concepts: [{ text: 'red' }, { text: 'blue' }], threshold: 0.5 })).toBe(2);
    expect(await same(a, b, { image: scene, concepts: [{ text: 'green' }], threshold: 0.05 })).toBe(0);
  }, 120_000);

  it('leaves bytes that are no model, or a graph without the PCS outputs, as they are', () => {
    const { onnx } = onnxProto;
    const model = onnx.ModelProto.create({
      opsetImport: [{ domain: '', version: 17 }],
      graph: { output: [{ name: 'pred_masks' }, { name: 'pred_logits' }] },
    });
    expect(withKeptQueries(onnx.ModelProto.encode(model).finish())).toBeUndefined();
    expect(withKeptQueries(Uint8Array.of(1, 2, 3))).toBeUndefined();
  });
});
