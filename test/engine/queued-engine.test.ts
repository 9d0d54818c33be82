// The queued engine against real workers over a real Redis (REDIS_URL): results equal the local engine's, errors keep
// their codes, image ids route to the worker holding the embedding, and no worker / no Redis answer QUEUE_UNAVAILABLE.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SegmentRequest } from '../../src/engine/engine.js';
import { LocalEngine } from '../../src/engine/local-engine.js';
import { EngineRpcWorker } from '../../src/engine/remote/engine-rpc-worker.js';
import { QueuedEngine } from '../../src/engine/remote/queued-engine.js';
import { demoBundle } from '../helpers/demo-bundles.js';
import { BLUE, RED, drawScene, encodePng } from '../helpers/scenes.js';

const url = process.env.REDIS_URL;
if (!url) console.warn('REDIS_URL is not set: skipping the queued-engine tests (CI sets it)');

describe.skipIf(!url)('QueuedEngine over Redis with two workers', () => {
  const prefix = `sam3test-${randomUUID().slice(0, 8)}`;
  let local: LocalEngine;
  const workers: Array<{ engine: LocalEngine; rpc: EngineRpcWorker; calls: number }> = [];
  let engine: QueuedEngine;
  let image: Uint8Array;

  beforeAll(async () => {
    const modelDir = await demoBundle(504);
    local = await LocalEngine.create({ modelDir });
    for (let i = 0; i < 2; i++) {
      const e = await LocalEngine.create({ modelDir });
      const w = { engine: e, rpc: undefined as unknown as EngineRpcWorker, calls: 0 };
      const counting = Object.assign(Object.create(e) as LocalEngine, {
        segment: (r: SegmentRequest) => (w.calls++, e.segment(r)),
        embed: (r: Parameters<LocalEngine['embed']>[0]) => (w.calls++, e.embed(r)),
      });
      w.rpc = new EngineRpcWorker({ url: url!, prefix, engine: counting, concurrency: 2, kinds: ['image'] });
      workers.push(w);
    }
    engine = new QueuedEngine({ url: url!, prefix, callTimeoutMs: 20_000 });
    // Ready means one worker has announced itself; on a busy machine the second may announce a beat later.
    for (let i = 0; i < 150 && engine.workers().length < 2; i++) await new Promise((r) => setTimeout(r, 100));
    const scene = drawScene(320, 240, [
      { kind: 'rect', color: RED, x0: 30, y0: 40, x1: 150, y1: 160 },
      { kind: 'ellipse', color: BLUE, cx: 230, cy: 130, rx: 50, ry: 60 },
    ]);
    image = await encodePng(scene);
  }, 60_000);

  afterAll(async () => {
    await engine?.close();
    for (const w of workers) {
      await w.rpc.close();
      await w.engine.close();
    }
    await local?.close();
  });

  it('is ready with both workers and reports their model', () => {
    expect(engine.readiness()).toMatchObject({ ready: true });
    expect(engine.workers()).toHaveLength(2);
    expect(engine.info().model.label).toBe('demo (synthetic, not SAM 3)');
  });

  it('segments exactly as the local engine does: masks, scores, boxes and every encoding', async () => {
    const request: SegmentRequest = {
      image,
      concepts: [{ text: 'red' }, { text: 'blue' }],
      objects: [{ points: [{ x: 90, y: 100, positive: true }] }],
      maskEncodings: ['rle', 'polygons', 'png'],
      composites: { overlay: 'png', union: true },
    };
    const [remote, here] = await Promise.all([engine.segment(request), local.segment(request)]);
    // Compared as plain data: sharp hands back Buffers, the wire Uint8Arrays (the same bytes).
    const plain = (r: typeof here): unknown =>
      JSON.parse(
        JSON.stringify({ ...r, timings: undefined }, function (this: Record<string, unknown>, k, v: unknown) {
          const own = this[k];
          return own instanceof Uint8Array ? Array.from(own) : v;
        }),
      );
    expect(plain(remote)).toEqual(plain(here));
    expect(remote.concepts[0]!.instances[0]!.mask.data).toBeInstanceOf(Uint8Array);
  });

  it('keeps the error code of a failed call', async () => {
    await expect(
      engine.segment({ image: new Uint8Array([1, 2, 3, 4]), concepts: [{ text: 'red' }] }),
    ).rejects.toMatchObject({ code: 'IMAGE_DECODE_FAILED' });
  });

  it('sends calls naming an image id to the worker that holds its embedding', async () => {
    const imageId = `img-${randomUUID()}`;
    await engine.embed({ image, imageId });
    const before = workers.map((w) => w.calls);
    for (let i = 0; i < 6; i++) {
      const r = await engine.segment({ imageId, concepts: [{ text: 'red' }] });
      expect(r.concepts[0]!.instances).toHaveLength(1);
    }
    const delta = workers.map((w, i) => w.calls - before[i]!);
    expect(delta.sort()).toEqual([0, 6]);
  });

  it('aborts a call whose signal fires, with the caller-side error', async () => {
    const controller = new AbortController();
    const pending = engine.segment({ image, concepts: [{ text: 'red' }], signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'REQUEST_CANCELLED' });
  });

  it('answers QUEUE_UNAVAILABLE when no worker is connected, and when Redis is unreachable', async () => {
    const lonely = new QueuedEngine({ url: url!, prefix: `${prefix}-empty`, callTimeoutMs: 5_000 });
    await expect(lonely.segment({ image, concepts: [{ text: 'red' }] })).rejects.toMatchObject({
      code: 'QUEUE_UNAVAILABLE',
      message: expect.stringContaining('No worker'),
    });
    await lonely.close();
    const nowhere = new QueuedEngine({ url: 'redis://127.0.0.1:1', prefix, callTimeoutMs: 5_000 });
    await expect(nowhere.segment({ image, concepts: [{ text: 'red' }] })).rejects.toMatchObject({
      code: 'QUEUE_UNAVAILABLE',
    });
    expect(nowhere.readiness()).toMatchObject({ ready: false, detail: expect.stringContaining('Redis') });
    await nowhere.close();
  });
});
