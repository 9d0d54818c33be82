// Interactive video sessions over HTTP on the demo model, both tracking modes: prompt frame 20 (clicks on a
// two-colored object, and a text concept), propagate both ways over SSE, refine with a negative click on frame 35,
// propagate on, remove an object, close — masks checked against the synthetic video's truth.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionPromptResponse, SessionResponse, WireSessionFrame } from '../../../src/api/video-session-wire.js';
import type { BinaryMask } from '../../../src/domain/segmentation.js';
import { LocalEngine } from '../../../src/engine/local-engine.js';
import { buildApp } from '../../../src/http/app.js';
import { decodeCocoRle } from '../../../src/masks/coco-rle.js';
import { maskIou, unionMask } from '../../../src/masks/mask-ops.js';
import { TEST_LIMITS } from '../../helpers/build-app.js';
import { demoBundle } from '../../helpers/demo-bundles.js';
import { COLORS, linear, writeSyntheticVideo, type SyntheticVideo } from '../../helpers/synthetic-video.js';

const W = 192;
const H = 144;
const FRAMES = 48;
let dir: string;
let video: SyntheticVideo;
let videoBase64: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sam3-sessions-'));
  // Shape 0 + 1: one object with a red top and a blue bottom; shape 2: a green square moving the other way.
  video = await writeSyntheticVideo(join(dir, 'two-tone.mp4'), {
    width: W,
    height: H,
    fps: 12,
    frames: FRAMES,
    shapes: [
      linear(COLORS.red, 40, 22, [6, 20], [146, 20], 0, FRAMES - 1, FRAMES),
      linear(COLORS.blue, 40, 22, [6, 42], [146, 42], 0, FRAMES - 1, FRAMES),
      linear(COLORS.green, 36, 36, [150, 96], [6, 96], 0, FRAMES - 1, FRAMES),
    ],
  });
  videoBase64 = (await readFile(video.path)).toString('base64');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const truth = (frame: number, shapes: number[]): BinaryMask =>
  unionMask(
    shapes.map((k) => video.truth[frame]![k]!),
    W,
    H,
  );
const maskOf = (frame: WireSessionFrame, id: number): BinaryMask | null => {
  const o = frame.objects.find((x) => x.id === id);
  return o ? (decodeCocoRle({ size: o.rle.size, counts: o.rle.counts }) as BinaryMask) : null;
};
const centre = (frame: number, shape: number) => {
  const r = [video.truth[frame]![shape]!].map((m) => {
    let sx = 0;
    let sy = 0;
    let n = 0;
    m.data.forEach((v, i) => {
      if (!v) return;
      sx += i % W;
      sy += Math.floor(i / W);
      n++;
    });
    return { x: sx / n, y: sy / n };
  })[0]!;
  return r;
};

function parseSse(text: string): Array<{ event: string; data: unknown }> {
  return text
    .split('\n\n')
    .filter((block) => block.trim().length > 0)
    .map((block) => {
      const event = /^event: (.*)$/m.exec(block)![1]!;
      const data = JSON.parse(/^data: (.*)$/m.exec(block)![1]!) as unknown;
      return { event, data };
    });
}

async function open(memoryTracker: boolean): Promise<{ app: FastifyInstance; engine: LocalEngine }> {
  const engine = await LocalEngine.create({ modelDir: await demoBundle(1008, { memoryTracker }) });
  const app = await buildApp({
    engine,
    limits: { ...TEST_LIMITS, maxBodyBytes: 4 * 1024 ** 2, requestTimeoutMs: 60_000 },
    version: 'test',
  });
  return { app, engine };
}

describe('video sessions over HTTP (memory tracker)', () => {
  const memoryTracker = true;
  let app: FastifyInstance;
  let engine: LocalEngine;
  beforeAll(async () => {
    ({ app, engine } = await open(memoryTracker));
  });
  afterAll(async () => {
    await app?.close();
    await engine?.close();
  });

  it('prompt on frame 20, propagate both ways, refine on frame 35, remove an object, close', async () => {
    const created = await app.inject({
      method: 'POST',
      url: '/v1/video-sessions',
      payload: { video: { base64: videoBase64 } },
    });
    expect(created.statusCode, created.body).toBe(201);
    const session = created.json<SessionResponse>();
    expect(session.video).toEqual({ width: W, height: H, fps: 12, frame_count: FRAMES });
    const url = `/v1/video-sessions/${session.id}`;

    const early = await app.inject({ method: 'POST', url: `${url}/propagate`, payload: {} });
    expect(early.statusCode).toBe(400);
    expect(early.json().error.code).toBe('PROMPT_REQUIRED');
    const outside = await app.inject({
      method: 'POST',
      url: `${url}/prompts`,
      payload: { frame_index: FRAMES, points: [{ x: 1, y: 1 }] },
    });
    expect(outside.statusCode).toBe(400);
    expect(outside.json().error.details.field).toBe('frame_index');

    // Frame 20: two positive clicks make one red-and-blue object; the text prompt adds the green square.
    const clicked = await app.inject({
      method: 'POST',
      url: `${url}/prompts`,
      payload: { frame_index: 20, label: 'person', points: [{ ...centre(20, 0) }, { ...centre(20, 1) }] },
    });
    expect(clicked.statusCode, clicked.body).toBe(200);
    const c = clicked.json<SessionPromptResponse>();
    expect(c.obj_id).toBe(1);
    expect(maskIou(maskOf(c.frame, 1)!, truth(20, [0, 1]))).toBeGreaterThanOrEqual(0.9);
    const text = await app.inject({
      method: 'POST',
      url: `${url}/prompts`,
      payload: { frame_index: 20, text: 'green' },
    });
    expect(text.statusCode, text.body).toBe(200);
    const greenId = text.json<SessionPromptResponse>().frame.objects.find((o) => o.id !== 1)!.id;
    expect(maskIou(maskOf(text.json<SessionPromptResponse>().frame, greenId)!, truth(20, [2]))).toBeGreaterThanOrEqual(
      0.9,
    );

    const both = await app.inject({ method: 'POST', url: `${url}/propagate`, payload: { direction: 'both' } });
    expect(both.statusCode).toBe(200);
    expect(both.headers['content-type']).toMatch(/^text\/event-stream/);
    const events = parseSse(both.body);
    const frames = events.filter((e) => e.event === 'frame').map((e) => e.data as WireSessionFrame);
    expect(frames.map((f) => f.index)).toEqual([
      ...Array.from({ length: FRAMES - 20 }, (_, k) => 20 + k),
      ...Array.from({ length: 20 }, (_, k) => 19 - k),
    ]);
    expect(events.at(-1)).toEqual({
      event: 'done',
      data: { frames: FRAMES, mode: memoryTracker ? 'memory-tracker' : 'tracking-by-detection' },
    });
    for (const f of frames) {
      expect(
        maskIou(maskOf(f, 1) ?? { width: W, height: H, data: new Uint8Array(W * H) }, truth(f.index, [0, 1])),
        `object 1 on frame ${f.index}`,
      ).toBeGreaterThanOrEqual(0.9);
      expect(
        f.objects.find((o) => o.id === greenId),
        `green on frame ${f.index}`,
      ).toBeDefined();
      expect(maskIou(maskOf(f, greenId)!, truth(f.index, [2])), `green on frame ${f.index}`).toBeGreaterThanOrEqual(
        0.9,
      );
    }

    // Frame 35: a negative click on the blue part leaves the red part only.
    const refined = await app.inject({
      method: 'POST',
      url: `${url}/prompts`,
      payload: { frame_index: 35, obj_id: 1, points: [{ ...centre(35, 1), positive: false }] },
    });
    expect(refined.statusCode, refined.body).toBe(200);
    expect(maskIou(maskOf(refined.json<SessionPromptResponse>().frame, 1)!, truth(35, [0]))).toBeGreaterThanOrEqual(
      0.9,
    );
    const onward = parseSse(
      (
        await app.inject({
          method: 'POST',
          url: `${url}/propagate`,
          payload: { direction: 'forward', start_frame: 35 },
        })
      ).body,
    );
    const later = onward.filter((e) => e.event === 'frame').map((e) => e.data as WireSessionFrame);
    expect(later.map((f) => f.index)).toEqual(Array.from({ length: FRAMES - 35 }, (_, k) => 35 + k));
    for (const f of later)
      expect(maskIou(maskOf(f, 1)!, truth(f.index, [0])), `red part on frame ${f.index}`).toBeGreaterThanOrEqual(0.9);

    // Remove the green object: gone from the session and from every stored frame; its id is not reused.
    const removed = await app.inject({ method: 'DELETE', url: `${url}/objects/${greenId}` });
    expect(removed.statusCode, removed.body).toBe(200);
    expect(removed.json<SessionResponse>().objects.map((o) => o.id)).toEqual([1]);
    expect((await app.inject({ method: 'DELETE', url: `${url}/objects/${greenId}` })).json().error.code).toBe(
      'SESSION_OBJECT_NOT_FOUND',
    );
    const info = (await app.inject({ method: 'GET', url })).json<SessionResponse>();
    expect(info.memory_bytes).toBeGreaterThan(0);
    expect(info.memory_bytes).toBeLessThanOrEqual(info.memory_budget_bytes);

    // Reset forgets prompts, objects and masks; the frames stay, so prompting again works at once.
    const reset = await app.inject({ method: 'POST', url: `${url}/reset` });
    expect(reset.statusCode, reset.body).toBe(200);
    expect(reset.json<SessionResponse>()).toMatchObject({ objects: [], concepts: [], memory_bytes: 0 });
    expect((await app.inject({ method: 'POST', url: `${url}/propagate`, payload: {} })).json().error.code).toBe(
      'PROMPT_REQUIRED',
    );

    expect((await app.inject({ method: 'DELETE', url })).statusCode).toBe(204);
    const after = await app.inject({ method: 'GET', url });
    expect(after.statusCode).toBe(404);
    expect(after.json().error.code).toBe('SESSION_NOT_FOUND');
  }, 240_000);
});

// Without the tracker graphs, clicked objects follow by box propagation through the PVS decoder, whose synthetic
// box semantics keep one dominant color: so this checks a one-colored object (the two-tone refinement needs memory).
describe('video sessions over HTTP (tracking by detection)', () => {
  let app: FastifyInstance;
  let engine: LocalEngine;
  beforeAll(async () => {
    ({ app, engine } = await open(false));
  });
  afterAll(async () => {
    await app?.close();
    await engine?.close();
  });

  it('prompt on frame 20, propagate both ways over SSE, remove the object', async () => {
    const session = (
      await app.inject({ method: 'POST', url: '/v1/video-sessions', payload: { video: { base64: videoBase64 } } })
    ).json<SessionResponse>();
    const url = `/v1/video-sessions/${session.id}`;
    const clicked = (
      await app.inject({ method: 'POST', url: `${url}/prompts`, payload: { frame_index: 20, points: [centre(20, 2)] } })
    ).json<SessionPromptResponse>();
    expect(maskIou(maskOf(clicked.frame, clicked.obj_id!)!, truth(20, [2]))).toBeGreaterThanOrEqual(0.9);
    const events = parseSse((await app.inject({ method: 'POST', url: `${url}/propagate`, payload: {} })).body);
    const frames = events.filter((e) => e.event === 'frame').map((e) => e.data as WireSessionFrame);
    expect(frames).toHaveLength(FRAMES);
    expect(events.at(-1)).toEqual({ event: 'done', data: { frames: FRAMES, mode: 'tracking-by-detection' } });
    for (const f of frames)
      expect(maskIou(maskOf(f, clicked.obj_id!)!, truth(f.index, [2])), `frame ${f.index}`).toBeGreaterThanOrEqual(0.9);
    expect(
      (await app.inject({ method: 'DELETE', url: `${url}/objects/${clicked.obj_id}` })).json<SessionResponse>().objects,
    ).toEqual([]);
    expect((await app.inject({ method: 'DELETE', url })).statusCode).toBe(204);
  }, 240_000);
});
