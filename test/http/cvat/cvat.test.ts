// CVAT's lambda manager against the Nuclio API on the demo model, with the calls it makes (cvat/apps/lambda_manager
// views.py: GET /api/functions read as metadata.name / annotations / spec / status; POST /api/function_invocations
// with x-nuclio-function-name and its x-nuclio-* headers; interactor body image, pos_points, neg_points, obj_bbox;
// detector body image, threshold) and the answers it reads (the interactor's full-frame mask rows; detector items
// with confidence, label, points, and the mask as the box crop followed by [xtl, ytl, xbr, ybr]).
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalEngine } from '../../../src/engine/local-engine.js';
import { buildApp } from '../../../src/http/app.js';
import { TEST_LIMITS } from '../../helpers/build-app.js';
import { demoBundle } from '../../helpers/demo-bundles.js';
import { BLUE, RED, drawScene, encodePng, iou, type Scene } from '../../helpers/scenes.js';

let engine: LocalEngine;
let scene: Scene;
let image: string;
const apps: FastifyInstance[] = [];
const nuclioHeaders = {
  'x-nuclio-project-name': 'cvat',
  'x-nuclio-function-namespace': 'nuclio',
  'x-nuclio-invoke-via': 'domain-name',
  'x-nuclio-path': '/',
};

async function app(options: { keys?: string[]; labels?: string[] } = {}): Promise<FastifyInstance> {
  const built = await buildApp({
    engine,
    limits: { ...TEST_LIMITS, maxBodyBytes: 8 << 20, maxImageBytes: 4 << 20, requestTimeoutMs: 60_000 },
    version: 'test',
    ...(options.keys ? { apiKeys: options.keys } : {}),
    ...(options.labels ? { cvatLabels: options.labels } : {}),
  });
  apps.push(built);
  return built;
}

beforeAll(async () => {
  engine = await LocalEngine.create({ modelDir: await demoBundle(504) });
  scene = drawScene(160, 120, [
    { kind: 'rect', color: RED, x0: 10, y0: 20, x1: 70, y1: 90 },
    { kind: 'ellipse', color: BLUE, cx: 115, cy: 60, rx: 30, ry: 25 },
  ]);
  image = (await encodePng(scene)).toString('base64');
}, 60_000);
afterAll(async () => {
  await Promise.all(apps.map((a) => a.close()));
  await engine?.close();
});

describe('CVAT serverless functions', () => {
  it('lists the interactor, and the detector with its labels when SAM3_CVAT_LABELS is set', async () => {
    const plain = (
      await (await app()).inject({ method: 'GET', url: '/api/functions', headers: nuclioHeaders })
    ).json() as Record<string, unknown>;
    expect(Object.keys(plain)).toEqual(['sam3-server-interactor']);
    const listed = (
      await (
        await app({ labels: ['red', 'blue'] })
      ).inject({ method: 'GET', url: '/api/functions', headers: nuclioHeaders })
    ).json() as Record<
      string,
      {
        metadata: { name: string; annotations: Record<string, string> };
        spec: { description: string };
        status: { state: string };
      }
    >;
    const interactor = listed['sam3-server-interactor']!;
    expect(interactor.metadata.annotations).toMatchObject({
      type: 'interactor',
      min_pos_points: '1',
      min_neg_points: '0',
    });
    expect(interactor.status.state).toBe('ready');
    const detector = listed['sam3-server-detector']!;
    expect(detector.metadata.annotations.type).toBe('detector');
    expect(JSON.parse(detector.metadata.annotations.spec!)).toEqual([
      { id: 0, name: 'red', type: 'mask' },
      { id: 1, name: 'blue', type: 'mask' },
    ]);
  });

  it('interactor: clicks give the full-frame mask rows', async () => {
    const a = await app();
    const r = await a.inject({
      method: 'POST',
      url: '/api/function_invocations',
      headers: { ...nuclioHeaders, 'x-nuclio-function-name': 'sam3-server-interactor' },
      payload: { image, pos_points: [[40, 55]], neg_points: [[115, 60]], obj_bbox: null },
    });
    expect(r.statusCode).toBe(200);
    const rows = (r.json() as { mask: number[][] }).mask;
    expect(rows).toHaveLength(120);
    expect(rows[0]).toHaveLength(160);
    const mask = { width: 160, height: 120, data: Uint8Array.from(rows.flat()) };
    expect(iou(mask, scene.masks[0]!)).toBeGreaterThanOrEqual(0.9);
  });

  it('detector: one mask item per instance, its crop and inclusive box in CVAT form, and polygon points', async () => {
    const a = await app({ labels: ['red', 'blue', 'green'] });
    const r = await a.inject({
      method: 'POST',
      url: '/api/function_invocations',
      headers: { ...nuclioHeaders, 'x-nuclio-function-name': 'sam3-server-detector' },
      payload: { image, threshold: 0.5 },
    });
    expect(r.statusCode).toBe(200);
    const items = r.json() as Array<{
      confidence: string;
      label: string;
      points: number[];
      mask: number[];
      type: string;
    }>;
    expect(items.map((i) => [i.label, i.type])).toEqual([
      ['red', 'mask'],
      ['blue', 'mask'],
    ]);
    items.forEach((item, k) => {
      const [xtl, ytl, xbr, ybr] = item.mask.slice(-4) as [number, number, number, number];
      const crop = item.mask.slice(0, -4);
      expect(crop).toHaveLength((xbr - xtl + 1) * (ybr - ytl + 1));
      const mask = { width: 160, height: 120, data: new Uint8Array(160 * 120) };
      crop.forEach(
        (v, i) => (mask.data[(ytl + Math.floor(i / (xbr - xtl + 1))) * 160 + xtl + (i % (xbr - xtl + 1))] = v),
      );
      expect(iou(mask, scene.masks[k]!)).toBeGreaterThanOrEqual(0.9);
      expect(item.points.length % 2).toBe(0);
      expect(item.points.length).toBeGreaterThanOrEqual(6);
      expect(Number(item.confidence)).toBeGreaterThan(0.5);
    });
  });

  it('with API keys, takes the key as the function namespace header; unknown functions are 404 {error}', async () => {
    const a = await app({ keys: ['k3y'] });
    expect((await a.inject({ method: 'GET', url: '/api/functions', headers: nuclioHeaders })).statusCode).toBe(401);
    const ok = await a.inject({
      method: 'GET',
      url: '/api/functions',
      headers: { ...nuclioHeaders, 'x-nuclio-function-namespace': 'k3y' },
    });
    expect(ok.statusCode).toBe(200);
    const missing = await a.inject({
      method: 'POST',
      url: '/api/function_invocations',
      headers: { ...nuclioHeaders, 'x-nuclio-function-namespace': 'k3y', 'x-nuclio-function-name': 'openvino-yolo' },
      payload: { image },
    });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({
      code: 'MODEL_NOT_FOUND',
      error: expect.stringMatching(/^MODEL_NOT_FOUND: /),
    });
  });
});
