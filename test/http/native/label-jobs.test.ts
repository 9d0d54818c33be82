// Dataset labelling as an async job on the demo model through the real embedded job system: images by URL (a local
// server under an allowed network) and by upload URL, progress, a COCO file whose masks match the drawn shapes, and
// an unreadable image listed as failed while the others are labelled.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalEngine } from '../../../src/engine/local-engine.js';
import { decodeCocoRle } from '../../../src/masks/coco-rle.js';
import { build } from '../../helpers/build-app.js';
import { demoBundle } from '../../helpers/demo-bundles.js';
import { jobDeps } from '../../helpers/job-deps.js';
import { BLUE, RED, drawScene, encodePng, iou, type Scene } from '../../helpers/scenes.js';

let engine: LocalEngine;
let server: Server;
let base: string;
const scenes: Scene[] = [];
const pngs: Buffer[] = [];

beforeAll(async () => {
  engine = await LocalEngine.create({
    modelDir: await demoBundle(504),
    urlPolicy: { allowNetworks: ['127.0.0.1/32'], maxBytes: 4 << 20, timeoutMs: 10_000, maxRedirects: 2 },
  });
  scenes.push(
    drawScene(120, 90, [{ kind: 'rect', color: RED, x0: 10, y0: 10, x1: 60, y1: 70 }]),
    drawScene(100, 100, [{ kind: 'ellipse', color: BLUE, cx: 50, cy: 50, rx: 30, ry: 20 }]),
  );
  for (const s of scenes) pngs.push(await encodePng(s));
  server = createServer((req, res) => {
    const k = ['/a.png', '/b.png'].indexOf(req.url ?? '');
    if (k < 0) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'image/png' }).end(pngs[k]);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 60_000);
afterAll(async () => {
  await engine?.close();
  await new Promise((resolve) => server?.close(resolve));
});

interface Coco {
  images: Array<{ id: number; file_name: string; width: number; height: number }>;
  annotations: Array<{
    image_id: number;
    category_id: number;
    segmentation: { size: [number, number]; counts: string };
    bbox: number[];
  }>;
  categories: Array<{ id: number; name: string }>;
}

describe('POST /v1/label-jobs', () => {
  it('labels URLs and uploads into one COCO file, listing the image it could not fetch', async () => {
    const jobs = jobDeps(engine, { maxUploadBytes: 1 << 20 });
    const { app } = await build({
      engine,
      jobs,
      limits: { maxBodyBytes: 1 << 20, maxImageBytes: 1 << 20, maxPrompts: 16, requestTimeoutMs: 60_000 },
    });
    // An upload (ticket, then PUT) stands for the second image.
    const ticket = (
      await app.inject({
        method: 'POST',
        url: '/api/v3/media/uploads',
        payload: { filename: 'b.png', size: pngs[1]!.length, content_type: 'image/png' },
      })
    ).json().data as { upload: { url: string }; download_url: string };
    const local = (url: string) => new URL(url).pathname + new URL(url).search;
    expect(
      (
        await app.inject({
          method: 'PUT',
          url: local(ticket.upload.url),
          payload: pngs[1]!,
          headers: { 'content-type': 'image/png' },
        })
      ).statusCode,
    ).toBe(200);

    const submit = await app.inject({
      method: 'POST',
      url: '/v1/label-jobs',
      payload: { images: [`${base}/a.png`, ticket.download_url, `${base}/missing.png`], concepts: ['red', 'blue'] },
    });
    expect(submit.statusCode).toBe(202);
    const id = (submit.json() as { id: string }).id;
    let job:
      { status: string; progress: number; result: Record<string, unknown>; files: { coco?: string } } | undefined;
    for (let i = 0; i < 300; i++) {
      job = (await app.inject({ method: 'GET', url: `/v1/jobs/${id}` })).json();
      if (job!.status === 'completed' || job!.status === 'failed') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(job).toMatchObject({
      status: 'completed',
      progress: 1,
      result: { type: 'dataset', images: 3, labelled: 2, instances: 2 },
    });
    expect(job!.result.failed).toEqual([
      expect.objectContaining({ index: 2, name: 'missing.png', code: 'IMAGE_FETCH_FAILED' }),
    ]);
    const coco = (await app.inject({ method: 'GET', url: local(job!.files.coco!) })).json() as Coco;
    expect(coco.categories.map((c) => c.name)).toEqual(['red', 'blue']);
    expect(coco.images.map((i) => [i.file_name, i.width, i.height])).toEqual([
      ['a.png', 120, 90],
      ['b.png', 100, 100],
    ]);
    const [red, blue] = [1, 2].map((imageId) => coco.annotations.find((a) => a.image_id === imageId)!);
    expect(red!.category_id).toBe(1);
    expect(blue!.category_id).toBe(2);
    expect(iou(decodeCocoRle(red!.segmentation), scenes[0]!.masks[0]!)).toBeGreaterThanOrEqual(0.9);
    expect(iou(decodeCocoRle(blue!.segmentation), scenes[1]!.masks[0]!)).toBeGreaterThanOrEqual(0.9);
  });

  it('refuses data URIs, too many concepts and a names list of the wrong length, naming the field', async () => {
    const { app } = await build({ engine, jobs: jobDeps(engine) });
    const post = (payload: Record<string, unknown>) => app.inject({ method: 'POST', url: '/v1/label-jobs', payload });
    expect((await post({ images: ['data:image/png;base64,AAAA'], concepts: ['red'] })).json()).toMatchObject({
      error: { details: { field: 'images[0]' } },
    });
    expect(
      (await post({ images: [`${base}/a.png`], concepts: Array.from({ length: 17 }, (_, i) => `c${i}`) })).statusCode,
    ).toBe(400);
    expect((await post({ images: [`${base}/a.png`], names: ['a', 'b'], concepts: ['red'] })).json()).toMatchObject({
      error: { details: { field: 'names' } },
    });
  });
});
