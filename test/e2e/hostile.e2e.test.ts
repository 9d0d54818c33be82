// Hostile requests against the real `sam3 serve --model demo` (issue #26, items 1–6): playlist "videos" naming local
// files on every video entry point, a spinning SVG beside normal traffic, unbounded points, a session with 250
// concepts, WaveSpeed submissions with deep and huge extra fields, and cross-origin / DNS-rebinding requests.
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BLUE, RED, drawScene, encodePng } from '../helpers/scenes.js';
import { startServer, type RunningServer } from '../helpers/spawn-server.js';
import { COLORS, linear, writeSyntheticVideo } from '../helpers/synthetic-video.js';

let server: RunningServer;
let dir: string;
let secretTs: string;
let clipBytes: Buffer;
let png: Uint8Array;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sam3-hostile-'));
  const secret = await writeSyntheticVideo(join(dir, 'secret.mp4'), {
    width: 64,
    height: 48,
    fps: 5,
    frames: 4,
    shapes: [linear(COLORS.red, 10, 10, [0, 0], [40, 30], 0, 3, 4)],
  });
  secretTs = join(dir, 'secret.ts');
  spawnSync('ffmpeg', ['-v', 'error', '-y', '-i', secret.path, '-c', 'copy', '-f', 'mpegts', secretTs]);
  clipBytes = await readFile(secret.path);
  png = await encodePng(
    drawScene(160, 120, [
      { kind: 'rect', color: RED, x0: 10, y0: 10, x1: 70, y1: 70 },
      { kind: 'ellipse', color: BLUE, cx: 120, cy: 80, rx: 25, ry: 25 },
    ]),
  );
  server = await startServer([], { SAM3_REQUEST_TIMEOUT_MS: '20000', SAM3_MAX_PROMPTS: '16' });
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

const hls = (): string => `#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:1.0,\nfile://${secretTs}\n#EXT-X-ENDLIST\n`;
const json = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

async function settle(url: string, read: (body: Record<string, unknown>) => string): Promise<Record<string, unknown>> {
  for (let i = 0; i < 300; i++) {
    const body = (await (await fetch(url)).json()) as Record<string, unknown>;
    if (['completed', 'failed', 'cancelled'].includes(read(body))) return body;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not settle`);
}

describe('hostile inputs against the real server', () => {
  it('1. a playlist naming a local file is refused on /v1/videos, sam3-video-rle and /v1/video-sessions', async () => {
    const form = new FormData();
    form.set('video', new Blob([hls()], { type: 'video/mp4' }), 'clip.mp4');
    form.set('request', JSON.stringify({ concepts: ['red'] }));
    const submitted = await fetch(`${server.url}/v1/videos`, { method: 'POST', body: form });
    expect(submitted.status).toBe(202);
    const job = (await submitted.json()) as { id: string };
    const record = await settle(`${server.url}/v1/jobs/${job.id}`, (b) => String(b.status));
    expect(record).toMatchObject({ status: 'failed', error: { code: 'VIDEO_DECODE_FAILED' } });
    expect(JSON.stringify(record)).toMatch(/not accepted \(hls\)/);
    expect(JSON.stringify(record)).not.toContain(dir);

    const dataUri = `data:video/mp4;base64,${Buffer.from(hls()).toString('base64')}`;
    const ws = await fetch(`${server.url}/api/v3/wavespeed-ai/sam3-video-rle`, json({ video: dataUri, prompt: 'red' }));
    const id = ((await ws.json()) as { data: { id: string } }).data.id;
    const prediction = await settle(`${server.url}/api/v3/predictions/${id}/result`, (b) =>
      String((b.data as { status: string }).status),
    );
    expect((prediction.data as { status: string; error: string }).status).toBe('failed');
    expect((prediction.data as { error: string }).error).toMatch(/not accepted/);

    const session = await fetch(
      `${server.url}/v1/video-sessions`,
      json({ video: { base64: Buffer.from(hls()).toString('base64') } }),
    );
    expect(session.status).toBe(422);
    const body = (await session.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('VIDEO_DECODE_FAILED');
    expect(body.error.message).not.toContain(dir);
  }, 60_000);

  it('2. an SVG is refused at once and never holds the inference slot', async () => {
    const svg =
      '<svg xmlns="http://www.w3.org/2000/svg" width="8000" height="8000"><filter id="f"><feTurbulence baseFrequency="0.9" numOctaves="10"/><feGaussianBlur stdDeviation="90"/></filter><rect width="100%" height="100%" filter="url(#f)"/></svg>';
    const refused = await fetch(
      `${server.url}/v1/segment`,
      json({ image: { base64: Buffer.from(svg).toString('base64') }, prompts: [{ type: 'concept', text: 'red' }] }),
    );
    expect(refused.status).toBe(422);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/SVG document/);
    const normal = await fetch(
      `${server.url}/v1/segment`,
      json({ image: { base64: Buffer.from(png).toString('base64') }, prompts: [{ type: 'concept', text: 'red' }] }),
    );
    expect(normal.status).toBe(200);
  });

  it('3. 10 000 points on /sam3/visual_segment is a 4xx naming the points, and the server stays small', async () => {
    const points = Array.from({ length: 10_000 }, (_, i) => ({ x: i % 160, y: 5, positive: true }));
    const r = await fetch(
      `${server.url}/sam3/visual_segment`,
      json({ image: { type: 'base64', value: Buffer.from(png).toString('base64') }, prompts: [{ points }] }),
    );
    expect(r.status).toBe(422);
    expect(await r.text()).toMatch(/points/);
  });

  it('4. a session text prompt with 250 concepts is refused by the concept limit', async () => {
    const created = await fetch(
      `${server.url}/v1/video-sessions`,
      json({ video: { base64: clipBytes.toString('base64') } }),
    );
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const text = Array.from({ length: 250 }, (_, i) => String(i)).join(',');
    const r = await fetch(`${server.url}/v1/video-sessions/${id}/prompts`, json({ frame_index: 0, text }));
    expect(r.status).toBe(400);
    expect(((await r.json()) as { error: { code: string; message: string } }).error).toMatchObject({
      code: 'PROMPT_BATCH_TOO_LARGE',
      message: expect.stringMatching(/SAM3_MAX_PROMPTS/),
    });
    await fetch(`${server.url}/v1/video-sessions/${id}`, { method: 'DELETE' });
  }, 60_000);

  it('5. WaveSpeed extra fields, 50 000 levels deep or megabytes long, are not stored and break nothing', async () => {
    const deep = `${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}`;
    const image = `data:image/png;base64,${Buffer.from(png).toString('base64')}`;
    const body = `{"image":${JSON.stringify(image)},"prompt":"red","enable_sync_mode":true,"nested":${deep},"junk":${JSON.stringify('x'.repeat(5_000_000))}}`;
    const r = await fetch(`${server.url}/api/v3/wavespeed-ai/sam3-image-rle`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(r.status).toBeLessThan(500);
    const data = ((await r.json()) as { data: { id: string; status: string } }).data;
    expect(data.status).toBe('completed');
    const started = Date.now();
    const polled = await fetch(`${server.url}/api/v3/predictions/${data.id}/result`);
    const text = await polled.text();
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(text.length).toBeLessThan(100_000);
    expect(text).not.toContain('xxxxxxxxxx');
  }, 60_000);

  it('6. without keys, a cross-origin write and a foreign Host are refused; the same origin works', async () => {
    const body = {
      image: { base64: Buffer.from(png).toString('base64') },
      prompts: [{ type: 'concept', text: 'red' }],
    };
    const cross = await fetch(
      `${server.url}/v1/segment`,
      json(body, { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }),
    );
    expect(cross.status).toBe(403);
    const form = new FormData();
    form.set('image', new Blob([png], { type: 'image/png' }), 'a.png');
    form.set('request', JSON.stringify({ prompts: [{ type: 'concept', text: 'red' }] }));
    expect(
      (await fetch(`${server.url}/v1/segment`, { method: 'POST', body: form, headers: { origin: 'null' } })).status,
    ).toBe(403);
    // DNS rebinding: the page's name resolves to 127.0.0.1, the browser sends its own name as Host.
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${server.url}/v1/models`, { headers: { host: 'rebind.attacker.example' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(403);
    expect((await fetch(`${server.url}/v1/segment`, json(body, { origin: server.url }))).status).toBe(200);
  });
});
