// no_mem_embed in the video tracker path (issue #22, divergence 4), settled on the real architecture: transformers'
// SAM 3 tracker neck has four levels and get_image_embeddings adds no_memory_embedding to the 36² one, which the three
// image embeddings leave out, so the tracker vision encoder's image_embeddings.2 is the raw 72² level
// (tools/reference/export_tiny.py checks its exported graph for exactly that). Meta's tracker decodes a frame without
// memory on raw + no_mem_embed and runs memory attention and the memory encoder on the raw level. The fixture is the
// demo bundle with a non-zero no_mem_embed; the feeds each graph receives are read at the graph boundary.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { writeNpz } from '../../src/demo-model/npz-writer.js';
import { StageTimings } from '../../src/domain/stage-timings.js';
import { GraphSession } from '../../src/model/ort/graph-session.js';
import { readNpz } from '../../src/model/sam3/npz-archive.js';
import { Sam3Model } from '../../src/model/sam3/sam3-model.js';
import { demoBundle } from '../helpers/demo-bundles.js';

let dir: string;
let noMem: Float32Array;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sam3-nomem-'));
  await cp(await demoBundle(504), dir, { recursive: true });
  const constants = readNpz(await readFile(join(dir, 'video_constants.npz')), 'video_constants.npz');
  const channels = constants.no_mem_embed_bchw!.data.length;
  noMem = Float32Array.from({ length: channels }, (_, c) => 0.25 + 0.125 * c);
  constants.no_mem_embed_bchw = { shape: [1, channels, 1, 1], data: noMem };
  await writeFile(
    join(dir, 'video_constants.npz'),
    writeNpz(
      Object.fromEntries(
        Object.entries(constants).map(([k, v]) => [k, { shape: v.shape, data: v.data as Float32Array }]),
      ),
    ),
  );
});
afterAll(async () => rm(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

describe('no_mem_embed in the tracker path', () => {
  it('a frame without memory decodes on image_embeddings.2 + no_mem_embed; memory attention and encoding get image_embeddings.2; no clicks = one not-a-point', async () => {
    const model = await Sam3Model.load(dir);
    try {
      const r = model.info.objects!.resolution;
      const timings = new StageTimings();
      const pixels = Float32Array.from({ length: 3 * r * r }, (_, i) => ((i * 7919) % 255) / 127.5 - 1);
      const embedding = await model.encodeImage('objects', pixels, timings);
      const emb2 = embedding.tensors['image_embeddings.2']!;
      const plane = emb2.dims[2]! * emb2.dims[3]!;
      const withNoMemory = Float32Array.from(emb2.data as Float32Array, (v, i) => v + noMem[Math.floor(i / plane)]!);
      const raw = emb2.data as Float32Array;
      const feeds: Array<Record<string, { data: unknown }>> = [];
      const run = GraphSession.prototype.run;
      vi.spyOn(GraphSession.prototype, 'run').mockImplementation(function (this: GraphSession, f, o) {
        feeds.push(f as Record<string, { data: unknown }>);
        return run.call(this, f, o);
      });
      const tracker = model.tracker!;
      const decoded = await tracker.decode(
        embedding,
        null,
        { points: [{ x: 10, y: 10, positive: true }] },
        { width: r, height: r },
        timings,
      );
      expect(Array.from(feeds.at(-1)!['image_embed']!.data as Float32Array)).toEqual(Array.from(withNoMemory));
      const highRes = new Float32Array(r * r).fill(-5);
      const memory = await tracker.encodeMemory(embedding, highRes, decoded.objectScoreLogit, true, timings);
      expect(Array.from(feeds.at(-1)!['current_vision_feat']!.data as Float32Array)).toEqual(Array.from(raw));
      const entry = {
        frame: 0,
        conditioning: true,
        features: memory.features,
        pos: memory.pos,
        objPtr: decoded.objPtr,
        objectScoreLogit: decoded.objectScoreLogit,
        iou: 1,
      };
      await tracker.attend(embedding, { masks: [{ entry, tposIdx: 0 }], pointers: [{ entry, tpos: 0 }] }, timings);
      expect(Array.from(feeds.at(-1)!['current_vision_feat']!.data as Float32Array)).toEqual(Array.from(raw));
      // A frame without clicks gets what Meta builds for "no points": one point at (0, 0) labelled −1 (the graph's
      // prompt encoder pads a second), not an empty list (which would make one not-a-point token, not two).
      await tracker.decode(embedding, null, null, { width: r, height: r }, timings);
      const noClicks = feeds.at(-1)!;
      expect(Array.from(noClicks['point_coords']!.data as Float32Array)).toEqual([0, 0]);
      expect(Array.from(noClicks['point_labels']!.data as Int32Array)).toEqual([-1]);
    } finally {
      await model.close();
    }
  });
});
