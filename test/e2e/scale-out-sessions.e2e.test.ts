// Interactive video sessions in a scaled-out deployment: an API node that also works (`serve --queue … --work`)
// holds them in the model it runs; a pure API node answers VIDEO_UNAVAILABLE and says where sessions live. Runs its
// own redis-server on a free port (CI installs it; needs REDIS_URL like the rest of the scale-out tests).
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from '../../src/compose.js';
import { readSettings } from '../../src/config/settings.js';
import { startRedisServer } from '../helpers/redis-server.js';
import { E2E_CACHE_DIR, freePort } from '../helpers/spawn-server.js';
import { COLORS, linear, writeSyntheticVideo } from '../helpers/synthetic-video.js';

const url = process.env.REDIS_URL;
const FRAMES = 12;

describe.skipIf(!url)('video sessions on scale-out API nodes', () => {
  let redis: ChildProcess;
  let working: Server;
  let pure: Server;
  let dir: string;
  let videoBase64: string;

  beforeAll(async () => {
    const port = await freePort();
    redis = await startRedisServer(port);
    dir = await mkdtemp(join(tmpdir(), 'sam3-scaleout-sessions-'));
    const video = await writeSyntheticVideo(join(dir, 'clip.mp4'), {
      width: 96,
      height: 72,
      fps: 10,
      frames: FRAMES,
      shapes: [linear(COLORS.red, 24, 20, [8, 8], [60, 40], 0, FRAMES - 1, FRAMES)],
    });
    videoBase64 = (await readFile(video.path)).toString('base64');
    const env = {
      ...process.env,
      SAM3_QUEUE: `redis://127.0.0.1:${port}/0`,
      SAM3_MODEL: 'demo',
      SAM3_CACHE_DIR: E2E_CACHE_DIR,
      SAM3_REQUEST_TIMEOUT_MS: '60000',
    };
    working = await createServer(readSettings({ ...env, SAM3_DATA_DIR: join(dir, 'working') }), {
      log: false,
      work: true,
    });
    pure = await createServer(readSettings({ ...env, SAM3_DATA_DIR: join(dir, 'pure') }), { log: false });
    await working.modelLoaded;
  }, 120_000);

  afterAll(async () => {
    await pure?.close();
    await working?.close();
    redis?.kill('SIGKILL');
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('a node started with --work holds sessions: create, prompt, propagate, close', async () => {
    const created = await working.app.inject({
      method: 'POST',
      url: '/v1/video-sessions',
      payload: { video: { base64: videoBase64 } },
    });
    expect(created.statusCode).toBe(201);
    const { id } = created.json<{ id: string }>();
    const prompted = await working.app.inject({
      method: 'POST',
      url: `/v1/video-sessions/${id}/prompts`,
      payload: { frame_index: 0, text: 'red' },
    });
    expect(prompted.statusCode).toBe(200);
    const objects = prompted.json<{ frame: { objects: Array<{ id: number }> } }>().frame.objects;
    expect(objects).toHaveLength(1);
    const stream = await working.app.inject({
      method: 'POST',
      url: `/v1/video-sessions/${id}/propagate`,
      payload: { direction: 'forward' },
    });
    expect(stream.headers['content-type']).toMatch(/text\/event-stream/);
    const frames = stream.body.split('\n\n').filter((b) => b.startsWith('event: frame'));
    expect(frames).toHaveLength(FRAMES);
    for (const f of frames)
      expect(JSON.parse(/^data: (.*)$/m.exec(f)![1]!)).toMatchObject({ objects: [{ id: objects[0]!.id }] });
    expect(stream.body).toMatch(/event: done/);
    expect((await working.app.inject({ method: 'DELETE', url: `/v1/video-sessions/${id}` })).statusCode).toBe(204);
  }, 120_000);

  it('a pure API node answers VIDEO_UNAVAILABLE and names --work', async () => {
    const res = await pure.app.inject({
      method: 'POST',
      url: '/v1/video-sessions',
      payload: { video: { base64: videoBase64 } },
    });
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
    expect(res.statusCode).toBeLessThan(600);
    expect(res.json()).toMatchObject({ error: { code: 'VIDEO_UNAVAILABLE' } });
    expect(res.json<{ error: { message: string } }>().error.message).toMatch(/--work/);
  });
});
