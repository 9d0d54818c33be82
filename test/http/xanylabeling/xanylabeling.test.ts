// X-AnyLabeling's remote-server protocol through inject on the demo model, with the bodies its client sends
// (fixtures.md): models for its widgets, text prompts split on "," or ".", exemplar rectangles, clicks on one
// object, polygons and rectangles in pixels, the Token header, and {success: false, error} answers.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalEngine } from '../../../src/engine/local-engine.js';
import { buildApp } from '../../../src/http/app.js';
import { fillPolygons } from '../../../src/masks/fill-rings.js';
import { TEST_LIMITS } from '../../helpers/build-app.js';
import { demoBundle } from '../../helpers/demo-bundles.js';
import { BLUE, RED, drawScene, encodePng, iou, type Scene } from '../../helpers/scenes.js';

let engine: LocalEngine;
let scene: Scene;
let image: string;
const apps: FastifyInstance[] = [];

interface Shape {
  label: string;
  shape_type: string;
  points: number[][];
  score?: number;
}

async function app(keys?: string[]): Promise<FastifyInstance> {
  const built = await buildApp({
    engine,
    limits: { ...TEST_LIMITS, maxBodyBytes: 4 << 20, maxImageBytes: 4 << 20, requestTimeoutMs: 60_000 },
    version: 'test',
    ...(keys ? { apiKeys: keys } : {}),
  });
  apps.push(built);
  return built;
}

const predict = async (a: FastifyInstance, model: string, params: Record<string, unknown>, headers = {}) =>
  a.inject({ method: 'POST', url: '/xanylabeling/v1/predict', headers, payload: { model, image, params } });

/** The polygon of a shape (closed ring, first point repeated) filled back into a mask. */
const filled = (points: number[][]) =>
  fillPolygons(
    [{ outer: points.slice(0, -1).map(([x, y]) => [x!, y!] as [number, number]), holes: [] }],
    scene.width,
    scene.height,
  );

beforeAll(async () => {
  engine = await LocalEngine.create({ modelDir: await demoBundle(504) });
  scene = drawScene(320, 240, [
    { kind: 'rect', color: RED, x0: 30, y0: 40, x1: 150, y1: 160 },
    { kind: 'ellipse', color: BLUE, cx: 230, cy: 130, rx: 50, ry: 60 },
  ]);
  image = `data:image/png;base64,${(await encodePng(scene)).toString('base64')}`;
}, 60_000);
afterAll(async () => {
  await Promise.all(apps.map((a) => a.close()));
  await engine?.close();
});

describe('X-AnyLabeling remote server', () => {
  it('lists the text and click models with their widgets and batch modes; health', async () => {
    const a = await app();
    const models = (await a.inject({ method: 'GET', url: '/xanylabeling/v1/models' })).json() as {
      success: boolean;
      data: Record<string, { display_name: string; batch_processing_mode: string; widgets: Array<{ name: string }> }>;
    };
    expect(models.success).toBe(true);
    expect(Object.keys(models.data)).toEqual([
      'segment_anything_3',
      'segment_anything_3_clicks',
      'segment_anything_3_video',
    ]);
    expect(models.data.segment_anything_3_video!.batch_processing_mode).toBe('video');
    expect(models.data.segment_anything_3!.batch_processing_mode).toBe('text_prompt');
    expect(models.data.segment_anything_3!.widgets.map((w) => w.name)).toContain('edit_text');
    expect(models.data.segment_anything_3_clicks!.widgets.map((w) => w.name)).toContain('button_add_point');
    const info = await a.inject({ method: 'GET', url: '/xanylabeling/v1/models/segment_anything_3/info' });
    expect(info.json()).toMatchObject({ success: true, data: { model_id: 'segment_anything_3' } });
    expect((await a.inject({ method: 'GET', url: '/xanylabeling/health' })).json()).toMatchObject({
      status: 'healthy',
    });
  });

  it('text prompts: one polygon and one rectangle per instance, labelled by phrase, in pixels', async () => {
    const a = await app();
    const r = await predict(a, 'segment_anything_3', {
      text_prompt: 'red. blue.',
      conf_threshold: 0.5,
      epsilon_factor: 0.001,
    });
    expect(r.statusCode).toBe(200);
    const shapes = (r.json() as { data: { shapes: Shape[] } }).data.shapes;
    expect(shapes.map((s) => [s.label, s.shape_type])).toEqual([
      ['red', 'polygon'],
      ['red', 'rectangle'],
      ['blue', 'polygon'],
      ['blue', 'rectangle'],
    ]);
    expect(iou(filled(shapes[0]!.points), scene.masks[0]!)).toBeGreaterThanOrEqual(0.9);
    expect(iou(filled(shapes[2]!.points), scene.masks[1]!)).toBeGreaterThanOrEqual(0.9);
    const polygon = shapes[0]!.points;
    expect(polygon[0]).toEqual(polygon.at(-1));
    const [x0, y0] = shapes[1]!.points[0]!;
    expect(Math.abs(x0! - 30)).toBeLessThan(3);
    expect(Math.abs(y0! - 40)).toBeLessThan(3);
  });

  it('exemplar rectangles find every instance like them; clicks give one object without a box', async () => {
    const a = await app();
    const exemplar = await predict(a, 'segment_anything_3', {
      marks: [{ type: 'rectangle', data: [180, 70, 280, 190], label: 1 }],
      show_boxes: false,
    });
    expect(exemplar.statusCode).toBe(200);
    const found = (exemplar.json() as { data: { shapes: Shape[] } }).data.shapes;
    expect(found.map((s) => [s.label, s.shape_type])).toEqual([['AUTOLABEL_OBJECT', 'polygon']]);
    expect(iou(filled(found[0]!.points), scene.masks[1]!)).toBeGreaterThanOrEqual(0.9);

    const click = await predict(a, 'segment_anything_3_clicks', {
      marks: [
        { type: 'point', data: [90, 100], label: 1 },
        { type: 'point', data: [230, 130], label: 0 },
      ],
    });
    expect(click.statusCode).toBe(200);
    const data = (click.json() as { data: { shapes: Shape[]; replace: boolean } }).data;
    expect(data.replace).toBe(false);
    expect(data.shapes.map((s) => s.shape_type)).toEqual(['polygon']);
    expect(iou(filled(data.shapes[0]!.points), scene.masks[0]!)).toBeGreaterThanOrEqual(0.9);
  });

  it('takes the API key in the Token header; errors are {success: false, error: {code, message}}', async () => {
    const a = await app(['k3y']);
    expect((await a.inject({ method: 'GET', url: '/xanylabeling/v1/models' })).statusCode).toBe(401);
    const ok = await a.inject({ method: 'GET', url: '/xanylabeling/v1/models', headers: { token: 'k3y' } });
    expect(ok.statusCode).toBe(200);
    // The Token header is only for this surface.
    expect((await a.inject({ method: 'GET', url: '/v1/models', headers: { token: 'k3y' } })).statusCode).toBe(401);
    const unknown = await predict(a, 'yolo11n', { text_prompt: 'red' }, { token: 'k3y' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({
      success: false,
      error: { code: 'MODEL_NOT_FOUND', details: { field: 'model' } },
    });
    const many = await predict(
      a,
      'segment_anything_3',
      { text_prompt: Array.from({ length: 101 }, (_, i) => `c${i}`).join(',') },
      { token: 'k3y' },
    );
    expect(many.statusCode).toBe(400);
    expect(many.json()).toMatchObject({
      success: false,
      error: { code: 'PROMPT_BATCH_TOO_LARGE', details: { field: 'params.text_prompt' } },
    });
    const bad = await a.inject({
      method: 'POST',
      url: '/xanylabeling/v1/predict',
      headers: { token: 'k3y' },
      payload: { model: 'segment_anything_3', image: 'bm90IGFuIGltYWdl', params: { text_prompt: 'red' } },
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.json()).toMatchObject({ success: false, error: { code: 'IMAGE_DECODE_FAILED' } });
    expect(JSON.stringify(bad.json())).not.toMatch(/stack|\.ts:|node_modules/);
  });
});
