// X-AnyLabeling's video endpoints through inject on the demo model, with the bodies its client sends (fixtures.md):
// init with a folder's images as data URIs, a text prompt and relative clicks on one frame, propagation streamed as
// `data:` events and as a polled task, cleanup; frames numbered from start_frame_index; masks checked against truth.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalEngine } from '../../../src/engine/local-engine.js';
import { buildApp } from '../../../src/http/app.js';
import { fillPolygons } from '../../../src/masks/fill-rings.js';
import { TEST_LIMITS } from '../../helpers/build-app.js';
import { demoBundle } from '../../helpers/demo-bundles.js';
import { BLUE, RED, drawScene, encodePng, iou, type Scene } from '../../helpers/scenes.js';

const W = 320;
const H = 240;
const FRAMES = 8;
/** X-AnyLabeling numbers frames by their place in its image list; this sequence starts at 100. */
const FIRST = 100;
const MODEL = 'segment_anything_3_video';

let engine: LocalEngine;
let app: FastifyInstance;
const scenes: Scene[] = [];
const frames: string[] = [];

interface Shape {
  label: string;
  shape_type: string;
  points: number[][];
  score?: number;
  group_id?: number;
}
type Results = Record<string, { masks: Shape[] }>;

const filled = (points: number[][]) =>
  fillPolygons([{ outer: points.slice(0, -1).map(([x, y]) => [x!, y!] as [number, number]), holes: [] }], W, H);

const post = (url: string, payload: object) => app.inject({ method: 'POST', url: `/xanylabeling${url}`, payload });

/** `data: {...}` blocks of an event stream, in order. */
const events = (body: string) =>
  body
    .split('\n\n')
    .filter((b) => b.startsWith('data: '))
    .map((b) => JSON.parse(b.slice(6)) as { type: string } & Record<string, unknown>);

async function init(list = frames): Promise<string> {
  const r = await post('/v1/video/init', { model: MODEL, frames: list, start_frame_index: FIRST });
  expect(r.statusCode).toBe(200);
  const data = (r.json() as { data: { session_id: string; num_frames: number; start_frame_index: number } }).data;
  expect(data).toMatchObject({ num_frames: list.length, start_frame_index: FIRST });
  return data.session_id;
}

beforeAll(async () => {
  engine = await LocalEngine.create({ modelDir: await demoBundle(504) });
  app = await buildApp({
    engine,
    limits: { ...TEST_LIMITS, maxBodyBytes: 8 << 20, maxImageBytes: 4 << 20, requestTimeoutMs: 60_000 },
    version: 'test',
  });
  // A red square moving right and a blue ellipse moving left, 8 px a frame.
  for (let i = 0; i < FRAMES; i++) {
    const scene = drawScene(W, H, [
      { kind: 'rect', color: RED, x0: 20 + 8 * i, y0: 40, x1: 110 + 8 * i, y1: 130 },
      { kind: 'ellipse', color: BLUE, cx: 250 - 8 * i, cy: 170, rx: 40, ry: 45 },
    ]);
    scenes.push(scene);
    frames.push(`data:image/png;base64,${(await encodePng(scene)).toString('base64')}`);
  }
}, 60_000);
afterAll(async () => {
  await app?.close();
  await engine?.close();
});

describe('X-AnyLabeling video endpoints', () => {
  it('text prompt on one frame, then propagation streamed: every later frame labelled, masks on the objects', async () => {
    const session = await init();
    const prompt = await post('/v1/video/prompt', {
      session_id: session,
      model: MODEL,
      text_prompt: 'red.',
      frame_index: FIRST + 2,
      params: { conf_threshold: 0.25, epsilon_factor: 0.001 },
    });
    expect(prompt.statusCode).toBe(200);
    const data = (prompt.json() as { data: { frame_index: number; masks: Shape[]; num_objects: number } }).data;
    expect(data.frame_index).toBe(FIRST + 2);
    expect(data.masks.map((s) => [s.label, s.shape_type])).toEqual([
      ['red', 'polygon'],
      ['red', 'rectangle'],
    ]);
    expect(data.masks[0]!.group_id).toBe(data.masks[1]!.group_id);
    expect(iou(filled(data.masks[0]!.points), scenes[2]!.masks[0]!)).toBeGreaterThanOrEqual(0.9);

    const stream = await post('/v1/video/propagate/stream', {
      session_id: session,
      model: MODEL,
      start_frame: FIRST + 2,
    });
    expect(stream.statusCode).toBe(200);
    expect(stream.headers['content-type']).toMatch(/^text\/event-stream/);
    const got = events(stream.body);
    expect(got[0]).toEqual({ type: 'started', total_frames: FRAMES, start_frame_index: FIRST });
    const progress = got.filter((e) => e.type === 'progress');
    expect(progress.map((e) => e['current_frame'])).toEqual([102, 103, 104, 105, 106, 107]);
    expect(progress.at(-1)!['progress']).toBeCloseTo(6 / FRAMES);
    const done = got.at(-1)!;
    expect(done.type).toBe('completed');
    const results = done['results'] as Results;
    expect(Object.keys(results)).toEqual(['102', '103', '104', '105', '106', '107']);
    for (const [k, { masks }] of Object.entries(results)) {
      const polygon = masks.find((s) => s.shape_type === 'polygon')!;
      expect(polygon.label).toBe('red');
      expect(polygon.group_id).toBe(data.masks[0]!.group_id);
      expect(iou(filled(polygon.points), scenes[Number(k) - FIRST]!.masks[0]!)).toBeGreaterThanOrEqual(0.85);
    }
    expect((await post(`/v1/video/cleanup/${session}?model=${MODEL}`, {})).statusCode).toBe(200);
  });

  it('relative clicks on one object (resent whole, as the client does) and a polled propagation task', async () => {
    const session = await init();
    const click = (points: number[][], labels: number[]) =>
      post('/v1/video/prompt', {
        session_id: session,
        model: MODEL,
        frame_index: FIRST,
        points,
        point_labels: labels,
        obj_id: 10000,
        params: { conf_threshold: 0, epsilon_factor: 0.001 },
      });
    expect((await click([[250 / W, 170 / H]], [1])).statusCode).toBe(200);
    const second = await click(
      [
        [250 / W, 170 / H],
        [230 / W, 160 / H],
      ],
      [1, 1],
    );
    const shapes = (second.json() as { data: { masks: Shape[] } }).data.masks;
    expect(shapes.map((s) => [s.label, s.shape_type, s.group_id])).toEqual([
      ['AUTOLABEL_OBJECT', 'polygon', 10001],
      ['AUTOLABEL_OBJECT', 'rectangle', 10001],
    ]);
    expect(iou(filled(shapes[0]!.points), scenes[0]!.masks[1]!)).toBeGreaterThanOrEqual(0.9);
    // The points replace the object's earlier ones: clicking the red square alone moves the object there.
    const moved = (await click([[65 / W, 85 / H]], [1])).json() as { data: { masks: Shape[] } };
    expect(iou(filled(moved.data.masks[0]!.points), scenes[0]!.masks[0]!)).toBeGreaterThanOrEqual(0.9);
    await click([[250 / W, 170 / H]], [1]);

    const started = await post('/v1/video/propagate', { session_id: session, model: MODEL, start_frame: FIRST });
    const task = (started.json() as { data: { task_id: string; status: string } }).data;
    expect(task.status).toBe('processing');
    let status: { status: string; progress: number; results?: Results } = { status: 'processing', progress: 0 };
    for (let i = 0; i < 600 && status.status === 'processing'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      const r = await app.inject({ method: 'GET', url: `/xanylabeling/v1/video/status/${task.task_id}` });
      status = (r.json() as { data: typeof status }).data;
    }
    expect(status.status).toBe('completed');
    expect(status.progress).toBe(1);
    expect(Object.keys(status.results!)).toHaveLength(FRAMES);
    const last = status.results![String(FIRST + FRAMES - 1)]!.masks.find((s) => s.shape_type === 'polygon')!;
    expect(iou(filled(last.points), scenes[FRAMES - 1]!.masks[1]!)).toBeGreaterThanOrEqual(0.85);
    expect((await post(`/v1/video/cancel/${task.task_id}`, {})).json()).toEqual({
      success: true,
      data: { message: 'Task cancelled' },
    });
    await post(`/v1/video/cleanup/${session}`, {});
  });

  it('a new text prompt starts the session over, as the reference resets it', async () => {
    const session = await init(frames.slice(0, 3));
    const ask = async (text: string) =>
      (
        (
          await post('/v1/video/prompt', { session_id: session, model: MODEL, text_prompt: text, frame_index: FIRST })
        ).json() as { data: { masks: Shape[] } }
      ).data.masks.map((s) => s.label);
    expect(await ask('red')).toEqual(['red', 'red']);
    expect(await ask('blue, red')).toEqual(['blue', 'blue', 'red', 'red']);
    expect(await ask('blue')).toEqual(['blue', 'blue']);
    const got = events((await post('/v1/video/propagate/stream', { session_id: session, model: MODEL })).body);
    const results = got.at(-1)!['results'] as Results;
    expect(Object.values(results).flatMap((f) => f.masks.map((m) => m.label))).toEqual(Array(6).fill('blue'));
    await post(`/v1/video/cleanup/${session}`, {});
  });

  it('refuses what it cannot do with a code and the field: frames out of range, mixed sizes, closed sessions', async () => {
    const session = await init(frames.slice(0, 3));
    const outside = await post('/v1/video/prompt', {
      session_id: session,
      model: MODEL,
      text_prompt: 'red',
      frame_index: 3,
    });
    expect(outside.statusCode).toBe(400);
    expect(outside.json()).toMatchObject({ success: false, error: { details: { field: 'frame_index' } } });
    const far = await post('/v1/video/prompt', {
      session_id: session,
      model: MODEL,
      points: [[1.5, 0.2]],
      point_labels: [1],
      frame_index: FIRST,
    });
    expect(far.json()).toMatchObject({ error: { code: 'INVALID_ARGUMENT', details: { field: 'points[0]' } } });
    const wrongModel = await post('/v1/video/propagate/stream', { session_id: session, model: 'segment_anything_3' });
    expect(wrongModel.statusCode).toBe(404);
    const noPrompt = events((await post('/v1/video/propagate/stream', { session_id: session, model: MODEL })).body);
    expect(noPrompt.at(-1)).toMatchObject({ type: 'error', code: 'PROMPT_REQUIRED' });
    expect((await post(`/v1/video/cleanup/${session}`, {})).statusCode).toBe(200);
    const gone = await post('/v1/video/prompt', { session_id: session, model: MODEL, text_prompt: 'red' });
    expect(gone.json()).toMatchObject({ success: false, error: { code: 'SESSION_NOT_FOUND' } });
    expect(gone.statusCode).toBe(404);

    const small = drawScene(160, 120, [{ kind: 'rect', color: RED, x0: 10, y0: 10, x1: 60, y1: 60 }]);
    const mixed = [frames[0]!, `data:image/png;base64,${(await encodePng(small)).toString('base64')}`];
    const refused = await post('/v1/video/init', { model: MODEL, frames: mixed });
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({ error: { code: 'INVALID_ARGUMENT', details: { field: 'frames[1]' } } });
    const notImage = await post('/v1/video/init', { model: MODEL, frames: [frames[0]!, 'bm90IGFuIGltYWdl'] });
    expect(notImage.json()).toMatchObject({ error: { code: 'IMAGE_DECODE_FAILED', details: { field: 'frames[1]' } } });
    const status = await app.inject({ method: 'GET', url: '/xanylabeling/v1/video/status/nope' });
    expect(status.statusCode).toBe(404);
  });
});
