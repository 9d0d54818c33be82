// Redis going away and coming back under a scale-out API node (with an in-process worker, `serve --work`): requests
// answer 503 QUEUE_UNAVAILABLE (never hang, never 500) while Redis is down, /readyz says why, and the node recovers by
// itself when Redis returns. Runs its own redis-server on a free port (CI installs it; needs REDIS_URL like the rest).
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from '../../src/compose.js';
import { readSettings } from '../../src/config/settings.js';
import { startRedisServer } from '../helpers/redis-server.js';
import { E2E_CACHE_DIR, freePort } from '../helpers/spawn-server.js';

const url = process.env.REDIS_URL;

describe.skipIf(!url)('scale-out API node while Redis is down', () => {
  let redis: ChildProcess;
  let port: number;
  let server: Server;
  let dir: string;
  let png: string;

  const segment = () =>
    server.app.inject({
      method: 'POST',
      url: '/v1/segment',
      payload: { image: { base64: png }, prompts: [{ type: 'concept', text: 'red' }] },
    });
  const until = async (check: () => Promise<boolean>, timeoutMs: number): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error('condition not reached in time');
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  beforeAll(async () => {
    port = await freePort();
    redis = await startRedisServer(port);
    dir = await mkdtemp(join(tmpdir(), 'sam3-outage-'));
    const raw = Buffer.alloc(64 * 48 * 3, 128);
    for (let y = 10; y < 30; y++) for (let x = 10; x < 40; x++) raw.set([255, 0, 0], (y * 64 + x) * 3);
    png = (
      await sharp(raw, { raw: { width: 64, height: 48, channels: 3 } })
        .png()
        .toBuffer()
    ).toString('base64');
    const settings = readSettings({
      ...process.env,
      SAM3_QUEUE: `redis://127.0.0.1:${port}/0`,
      SAM3_MODEL: 'demo',
      SAM3_CACHE_DIR: E2E_CACHE_DIR,
      SAM3_DATA_DIR: dir,
      SAM3_REQUEST_TIMEOUT_MS: '20000',
    });
    server = await createServer(settings, { log: false, work: true });
    await until(async () => (await server.app.inject({ method: 'GET', url: '/readyz' })).statusCode === 200, 90_000);
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    redis?.kill('SIGKILL');
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('answers 503 QUEUE_UNAVAILABLE while Redis is down and recovers when it returns', async () => {
    expect((await segment()).statusCode).toBe(200);
    redis.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, 300));
    const started = Date.now();
    const down = await segment();
    expect(down.statusCode).toBe(503);
    expect(down.json()).toMatchObject({ error: { code: 'QUEUE_UNAVAILABLE' } });
    expect(Date.now() - started).toBeLessThan(15_000);
    const job = await server.app.inject({
      method: 'POST',
      url: '/api/v3/wavespeed-ai/sam3-image-rle',
      payload: { image: `data:image/png;base64,${png}`, prompt: 'red' },
    });
    // The WaveSpeed facade answers "busy" its own way (429, code 5003, Retry-After), as for any busy engine.
    expect(job.statusCode).toBe(429);
    expect(job.json()).toMatchObject({ code: 5003 });
    const video = await server.app.inject({
      method: 'POST',
      url: '/v1/videos',
      payload: { video: { url: 'https://example.com/v.mp4' }, concepts: ['red'] },
    });
    expect(video.statusCode).toBe(503);
    await until(async () => (await server.app.inject({ method: 'GET', url: '/readyz' })).statusCode === 503, 10_000);
    expect((await server.app.inject({ method: 'GET', url: '/readyz' })).json()).toMatchObject({
      detail: expect.stringContaining('Redis'),
    });

    redis = await startRedisServer(port);
    await until(async () => (await segment()).statusCode === 200, 30_000);
    await until(async () => (await server.app.inject({ method: 'GET', url: '/readyz' })).statusCode === 200, 30_000);
  }, 90_000);
});
