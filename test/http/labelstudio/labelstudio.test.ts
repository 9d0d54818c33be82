// The Label Studio ML backend through inject on the demo model, with the bodies Label Studio sends (fixtures/):
// health and setup, pre-annotation from the project's labels (brush RLE, polygons, rectangles in percent), one
// object from a click or a box, Label Studio file URLs fetched with its token, Basic auth, and the error shape.
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalEngine } from '../../../src/engine/local-engine.js';
import { buildApp } from '../../../src/http/app.js';
import { demoBundle } from '../../helpers/demo-bundles.js';
import { decodeLabelStudioRle } from '../../helpers/labelstudio-rle-decoder.js';
import { BLUE, RED, drawScene, encodePng, iou, type Scene } from '../../helpers/scenes.js';
import { TEST_LIMITS } from '../../helpers/build-app.js';

const FIXTURES = join(import.meta.dirname, 'fixtures');
let engine: LocalEngine;
let scene: Scene;
let png: Buffer;
let config: string;
let lsServer: Server;
let lsUrl: string;
const seenAuth: string[] = [];
const apps: FastifyInstance[] = [];

interface Region {
  type: string;
  from_name: string;
  to_name: string;
  original_width: number;
  original_height: number;
  score: number;
  value: Record<string, unknown> & { rle?: number[]; points?: number[][] };
}
interface Predict {
  results: Array<{ result: Region[]; model_version: string; score: number }>;
}

async function app(options: { keys?: string[]; labelStudio?: { url?: string; token?: string } } = {}) {
  const built = await buildApp({
    engine,
    limits: { ...TEST_LIMITS, maxBodyBytes: 4 * 1024 * 1024, maxImageBytes: 4 * 1024 * 1024, requestTimeoutMs: 60_000 },
    version: 'test',
    ...(options.keys ? { apiKeys: options.keys } : {}),
    ...(options.labelStudio ? { labelStudio: options.labelStudio } : {}),
  });
  apps.push(built);
  return built;
}

async function fixture(name: string, image: string): Promise<Record<string, unknown>> {
  const text = await readFile(join(FIXTURES, name), 'utf8');
  return JSON.parse(text.replace('"__IMAGE__"', JSON.stringify(image)).replace('"__CONFIG__"', JSON.stringify(config)));
}

const dataUri = (): string => `data:image/png;base64,${png.toString('base64')}`;

beforeAll(async () => {
  engine = await LocalEngine.create({
    modelDir: await demoBundle(504),
    urlPolicy: { allowNetworks: ['127.0.0.1/32'], maxBytes: 4 * 1024 * 1024, timeoutMs: 10_000, maxRedirects: 2 },
  });
  scene = drawScene(320, 240, [
    { kind: 'rect', color: RED, x0: 30, y0: 40, x1: 150, y1: 160 },
    { kind: 'ellipse', color: BLUE, cx: 230, cy: 130, rx: 50, ry: 60 },
  ]);
  png = await encodePng(scene);
  config = await readFile(join(FIXTURES, 'sam-config.xml'), 'utf8');
  // A stand-in Label Studio serving an upload only to its token.
  lsServer = createServer((req, res) => {
    seenAuth.push(req.headers.authorization ?? '');
    if (req.url !== '/data/upload/3/scene.png') return void res.writeHead(404).end();
    if (req.headers.authorization !== 'Token ls-secret') return void res.writeHead(401).end();
    res.writeHead(200, { 'content-type': 'image/png' }).end(png);
  });
  await new Promise<void>((resolve) => lsServer.listen(0, '127.0.0.1', resolve));
  lsUrl = `http://127.0.0.1:${(lsServer.address() as AddressInfo).port}`;
}, 60_000);

afterAll(async () => {
  await Promise.all(apps.map((a) => a.close()));
  await engine?.close();
  await new Promise((resolve) => lsServer?.close(resolve));
});

describe('Label Studio ML backend', () => {
  it('answers health on / and /health, and setup with the model version', async () => {
    const a = await app();
    for (const url of ['/labelstudio/', '/labelstudio/health']) {
      const r = await a.inject({ method: 'GET', url });
      expect(r.statusCode).toBe(200);
      expect(r.json()).toMatchObject({ status: 'UP', model_version: 'sam3-server:demo' });
    }
    const setup = await a.inject({
      method: 'POST',
      url: '/labelstudio/setup',
      payload: await fixture('setup.json', ''),
    });
    expect(setup.statusCode).toBe(200);
    expect(setup.json()).toEqual({ model_version: 'sam3-server:demo' });
    const hook = await a.inject({
      method: 'POST',
      url: '/labelstudio/webhook',
      payload: { action: 'ANNOTATION_CREATED' },
    });
    expect(hook.statusCode).toBe(200);
  });

  it('pre-annotates with the project labels: brush RLE, polygons and rectangles in percent', async () => {
    const a = await app();
    const r = await a.inject({
      method: 'POST',
      url: '/labelstudio/predict',
      payload: await fixture('predict-preannotate.json', dataUri()),
    });
    expect(r.statusCode).toBe(200);
    const { results } = r.json() as Predict;
    expect(results).toHaveLength(1);
    expect(results[0]!.model_version).toBe('sam3-server:demo');
    const regions = results[0]!.result;
    const brush = regions.filter((x) => x.type === 'brushlabels');
    expect(brush.map((x) => x.value.brushlabels)).toEqual([['red'], ['blue']]);
    brush.forEach((x, k) => {
      expect(x).toMatchObject({ from_name: 'tag', to_name: 'image', original_width: 320, original_height: 240 });
      expect(x.value.format).toBe('rle');
      const mask = { width: 320, height: 240, data: decodeLabelStudioRle(x.value.rle!, 320, 240) };
      expect(iou(mask, scene.masks[k]!)).toBeGreaterThanOrEqual(0.9);
    });
    const rects = regions.filter((x) => x.type === 'rectanglelabels');
    expect(rects.map((x) => x.value.rectanglelabels)).toEqual([['red'], ['blue']]);
    const red = rects[0]!.value as { x: number; y: number; width: number; height: number };
    // The model's box, in percent of the image: within a percent point of the drawn rectangle.
    const near = (value: number, expected: number): void => expect(Math.abs(value - expected)).toBeLessThan(1);
    near(red.x, (30 / 320) * 100);
    near(red.y, (40 / 240) * 100);
    near(red.width, (120 / 320) * 100);
    near(red.height, (120 / 240) * 100);
    // Only "blue" is offered by the polygon control.
    const polygons = regions.filter((x) => x.type === 'polygonlabels');
    expect(polygons.map((x) => x.value.polygonlabels)).toEqual([['blue']]);
    const xs = polygons[0]!.value.points!.map((p) => (p[0]! / 100) * 320);
    expect(Math.min(...xs)).toBeCloseTo(180, -1);
    expect(Math.max(...xs)).toBeCloseTo(279, -1);
    expect(results[0]!.score).toBeGreaterThan(0.5);
  });

  it('segments one object from a click or a box, as a brush region with the chosen label', async () => {
    const a = await app();
    for (const [name, label, shape] of [
      ['predict-click.json', 'red', 0],
      ['predict-box.json', 'blue', 1],
    ] as const) {
      const r = await a.inject({
        method: 'POST',
        url: '/labelstudio/predict',
        payload: await fixture(name, dataUri()),
      });
      expect(r.statusCode, name).toBe(200);
      const regions = (r.json() as Predict).results[0]!.result;
      expect(regions).toHaveLength(1);
      expect(regions[0]).toMatchObject({ type: 'brushlabels', from_name: 'tag', value: { brushlabels: [label] } });
      const mask = { width: 320, height: 240, data: decodeLabelStudioRle(regions[0]!.value.rle!, 320, 240) };
      expect(iou(mask, scene.masks[shape]!), name).toBeGreaterThanOrEqual(0.9);
    }
  });

  it('answers a <BitmaskLabels> project with PNG data URLs: black where the mask is, transparent elsewhere', async () => {
    const a = await app();
    const bitmaskConfig = await readFile(join(FIXTURES, 'bitmask-config.xml'), 'utf8');
    /** The alpha channel of a bitmask result, as a mask; every pixel must be black. */
    const maskOf = async (region: Region) => {
      const url = region.value['imageDataURL'] as string;
      expect(url.startsWith('data:image/png;base64,')).toBe(true);
      const png = Buffer.from(url.slice('data:image/png;base64,'.length), 'base64');
      const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
      expect([info.width, info.height]).toEqual([320, 240]);
      const mask = new Uint8Array(info.width * info.height);
      let coloured = 0;
      for (let i = 0; i < mask.length; i++) {
        coloured += data[4 * i]! | data[4 * i + 1]! | data[4 * i + 2]!;
        mask[i] = data[4 * i + 3]! > 127 ? 1 : 0;
      }
      expect(coloured).toBe(0);
      return { width: 320, height: 240, data: mask };
    };
    const pre = await fixture('predict-preannotate.json', dataUri());
    const r = await a.inject({
      method: 'POST',
      url: '/labelstudio/predict',
      payload: { ...pre, label_config: bitmaskConfig },
    });
    expect(r.statusCode, r.body).toBe(200);
    const regions = (r.json() as Predict).results[0]!.result;
    expect(regions.map((x) => [x.type, x.from_name, x.value['bitmasklabels']])).toEqual([
      ['bitmasklabels', 'mask', ['red']],
      ['bitmasklabels', 'mask', ['blue']],
    ]);
    for (const [k, region] of regions.entries())
      expect(iou(await maskOf(region), scene.masks[k]!)).toBeGreaterThanOrEqual(0.9);

    const click = await fixture('predict-click.json', dataUri());
    const one = await a.inject({
      method: 'POST',
      url: '/labelstudio/predict',
      payload: { ...click, label_config: bitmaskConfig },
    });
    const clicked = (one.json() as Predict).results[0]!.result;
    expect(clicked.map((x) => [x.type, x.value['bitmasklabels']])).toEqual([['bitmasklabels', ['red']]]);
    expect(iou(await maskOf(clicked[0]!), scene.masks[0]!)).toBeGreaterThanOrEqual(0.9);
  });

  it("fetches Label Studio's own files with its token, and says which setting is missing without it", async () => {
    const path = '/data/upload/3/scene.png';
    const withLs = await app({ labelStudio: { url: lsUrl, token: 'ls-secret' } });
    const ok = await withLs.inject({
      method: 'POST',
      url: '/labelstudio/predict',
      payload: await fixture('predict-click.json', path),
    });
    expect(ok.statusCode).toBe(200);
    expect((ok.json() as Predict).results[0]!.result).toHaveLength(1);
    expect(seenAuth).toContain('Token ls-secret');

    const without = await app();
    const refused = await without.inject({
      method: 'POST',
      url: '/labelstudio/predict',
      payload: await fixture('predict-click.json', path),
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({
      status: 400,
      code: 'INVALID_ARGUMENT',
      field: 'tasks[0].data.image',
      detail: expect.stringMatching(/SAM3_LABEL_STUDIO_URL/),
    });
  });

  it('takes the API key as Basic auth password, and refuses without it (401 with a Basic challenge)', async () => {
    const a = await app({ keys: ['k3y'] });
    const none = await a.inject({ method: 'GET', url: '/labelstudio/health' });
    expect(none.statusCode).toBe(401);
    expect(none.headers['www-authenticate']).toMatch(/^Basic/);
    expect(none.json()).toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
    const basic = `Basic ${Buffer.from('labelstudio:k3y').toString('base64')}`;
    const ok = await a.inject({ method: 'GET', url: '/labelstudio/health', headers: { authorization: basic } });
    expect(ok.statusCode).toBe(200);
    const wrong = `Basic ${Buffer.from('labelstudio:nope').toString('base64')}`;
    expect(
      (await a.inject({ method: 'GET', url: '/labelstudio/health', headers: { authorization: wrong } })).statusCode,
    ).toBe(401);
    // Basic auth is only for this surface.
    expect((await a.inject({ method: 'GET', url: '/v1/models', headers: { authorization: basic } })).statusCode).toBe(
      401,
    );
  });

  it('answers a bad labeling config or body with {status, detail, code, field}, never a traceback', async () => {
    const a = await app();
    const body = await fixture('predict-preannotate.json', dataUri());
    const bad = await a.inject({
      method: 'POST',
      url: '/labelstudio/predict',
      payload: { ...body, label_config: '<View><Text name="t" value="$t"/></View>' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toEqual({
      status: 400,
      code: 'INVALID_ARGUMENT',
      field: 'label_config',
      detail: expect.stringMatching(/^INVALID_ARGUMENT: The labeling config has no <Image/),
    });
    const noTasks = await a.inject({ method: 'POST', url: '/labelstudio/predict', payload: { ...body, tasks: [] } });
    expect(noTasks.statusCode).toBe(400);
    expect(JSON.stringify(noTasks.json())).not.toMatch(/traceback|\.ts:|node_modules/);
  });
});
