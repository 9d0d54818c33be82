// End to end: the real `sam3 serve --model demo` over real HTTP — native API through the typed client, the Roboflow
// facade, image URLs with the SSRF guard, a decompression bomb, queue-full 503s, auth, and `sam3 segment --server`.
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sam3Client } from '../../src/api/client.js';
import { decodeCocoRle } from '../../src/masks/coco-rle.js';
import { BLUE, RED, drawScene, encodePng, iou } from '../helpers/scenes.js';
import { CLI, startServer, type RunningServer } from '../helpers/spawn-server.js';

const scene = drawScene(320, 240, [
  { kind: 'rect', color: RED, x0: 20, y0: 30, x1: 120, y1: 130 },
  { kind: 'rect', color: BLUE, x0: 180, y0: 100, x1: 300, y1: 220 },
]);
let png: Buffer;
let server: RunningServer;
let images: Server;
let imagesUrl: string;

beforeAll(async () => {
  png = Buffer.from(await encodePng(scene));
  // An "internal image store" on 127.0.0.2, allowed by SAM3_URL_ALLOW_NETWORKS; it also redirects to loopback.
  images = createServer((req, res) => {
    if (req.url === '/scene.png') res.writeHead(200, { 'content-type': 'image/png' }).end(png);
    else res.writeHead(302, { location: `${server.url}/healthz` }).end();
  });
  await new Promise<void>((resolve) => images.listen(0, '127.0.0.2', resolve));
  imagesUrl = `http://127.0.0.2:${(images.address() as AddressInfo).port}`;
  server = await startServer(['--concurrency', '1', '--max-queued', '0'], { SAM3_URL_ALLOW_NETWORKS: '127.0.0.2/32' });
});

afterAll(async () => {
  await server?.stop();
  images?.close();
});

const post = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
  const response = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies of several shapes, checked field by field
  return { status: response.status, headers: response.headers, json: (await response.json()) as Record<string, any> };
};

describe('native /v1 through the typed client', () => {
  it('segments concepts and a click; masks decode to the drawn shapes', async () => {
    const client = new Sam3Client(server.url);
    const r = await client.segment({
      image: { base64: png.toString('base64') },
      prompts: [
        { type: 'concept', text: 'red' },
        { type: 'object', points: [{ x: 240, y: 160 }] },
      ],
      mask_formats: ['rle', 'polygons'],
    });
    expect([r.width, r.height]).toEqual([320, 240]);
    const red = r.prompts[0]!.instances[0]!;
    expect(iou(decodeCocoRle(red.mask.rle as never), scene.masks[0]!)).toBeGreaterThan(0.95);
    expect(red.mask.polygons!.length).toBe(1);
    expect(iou(decodeCocoRle(r.prompts[1]!.instances[0]!.mask.rle as never), scene.masks[1]!)).toBeGreaterThan(0.95);
    const models = await client.models();
    expect(models.models[0]!.label).toMatch(/synthetic, not SAM 3/);
  });

  it('uploads with multipart, embeds, and reuses image_id without the image', async () => {
    const client = new Sam3Client(server.url);
    const uploaded = await client.segmentUpload(png, { prompts: [{ type: 'concept', text: 'blue' }] });
    expect(uploaded.prompts[0]!.instances).toHaveLength(1);
    const embedded = await client.embed({
      image: { base64: `data:image/png;base64,${png.toString('base64')}` },
      image_id: 'scene',
    });
    expect(embedded.image_id).toBe('scene');
    const byId = await client.segment({ image_id: 'scene', prompts: [{ type: 'concept', text: 'red' }] });
    expect(byId.prompts[0]!.instances).toHaveLength(1);
    await expect(
      client.segment({ image_id: 'unknown', prompts: [{ type: 'concept', text: 'red' }] }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('fetches allowed image URLs and refuses loopback, DNS names that resolve to it, and redirects to it', async () => {
    const ok = await post('/v1/segment', {
      image: { url: `${imagesUrl}/scene.png` },
      prompts: [{ type: 'concept', text: 'red' }],
    });
    expect(ok.status).toBe(200);
    for (const url of [
      `${server.url}/healthz`,
      server.url.replace('127.0.0.1', 'localhost'),
      `${imagesUrl}/redirect`,
      'http://169.254.169.254/latest/meta-data/',
    ]) {
      const refused = await post('/v1/segment', { image: { url }, prompts: [{ type: 'concept', text: 'red' }] });
      expect(refused.status, url).toBe(400);
      expect(refused.json.error.code).toBe('IMAGE_URL_FORBIDDEN');
    }
    const rf = await post('/sam3/concept_segment', {
      image: { type: 'url', value: `${server.url}/healthz` },
      prompts: [{ text: 'red' }],
    });
    expect(rf.status).toBe(400);
    expect(rf.json.message).toMatch(/^Could not load input image\. Cause: Refusing/);
  });

  it('refuses a decompression bomb from its header, without the memory to decode it', async () => {
    // A 60000×60000 RGB PNG header with a few KB of zlib data: 10.8 GB if decoded.
    const chunk = (type: string, data: Buffer) => {
      const body = Buffer.concat([Buffer.from(type), data]);
      const len = Buffer.alloc(4);
      len.writeUInt32BE(data.length);
      const crc = Buffer.alloc(4);
      crc.writeUInt32BE(crc32(body));
      return Buffer.concat([len, body, crc]);
    };
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(60000, 0);
    ihdr.writeUInt32BE(60000, 4);
    ihdr.set([8, 2, 0, 0, 0], 8);
    const bomb = Buffer.concat([
      Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
      chunk('IHDR', ihdr),
      chunk('IDAT', deflateSync(Buffer.alloc(1 << 20))),
      chunk('IEND', Buffer.alloc(0)),
    ]);
    const rss = async () =>
      Number(/sam3_process_resident_memory_bytes (\d+)/.exec(await (await fetch(`${server.url}/metrics`)).text())![1]);
    const before = await rss();
    const native = await post('/v1/segment', {
      image: { base64: bomb.toString('base64') },
      prompts: [{ type: 'concept', text: 'red' }],
    });
    expect(native.status).toBe(413);
    expect(native.json.error).toMatchObject({ code: 'IMAGE_TOO_LARGE', details: { limit: 8192 * 8192 } });
    const rf = await post('/sam3/concept_segment', {
      image: { type: 'base64', value: bomb.toString('base64') },
      prompts: [{ text: 'red' }],
    });
    expect(rf.status).toBe(413);
    expect((await rss()) - before).toBeLessThan(100 * 1024 * 1024);
  });

  it('answers 503 with Retry-After when the inference queue is full (concurrency 1, no waiting room)', async () => {
    const body = {
      image: { base64: png.toString('base64') },
      prompts: Array.from({ length: 6 }, (_, i) => ({ type: 'concept', text: ['red', 'blue', 'green'][i % 3]! })),
    };
    const results = await Promise.all(Array.from({ length: 6 }, () => post('/v1/segment', body)));
    const statuses = results.map((r) => r.status);
    expect(statuses).toContain(200);
    expect(statuses).toContain(503);
    const busy = results.find((r) => r.status === 503)!;
    expect(busy.headers.get('retry-after')).toBe('1');
    expect(busy.json.error.code).toBe('QUEUE_FULL');
  });
});

describe('Roboflow facade over HTTP', () => {
  it('concept_segment with text and exemplars, visual_segment with a centre box, embed_image', async () => {
    const image = { type: 'base64', value: png.toString('base64') };
    const pcs = await post('/sam3/concept_segment', {
      image,
      prompts: [
        { type: 'text', text: 'red' },
        { boxes: [{ x: 180, y: 100, width: 120, height: 120 }], box_labels: [1] },
      ],
      format: 'rle',
    });
    expect(pcs.status).toBe(200);
    expect(pcs.json.prompt_results.map((p: { echo: { type: string } }) => p.echo.type)).toEqual(['text', 'visual']);
    expect(iou(decodeCocoRle(pcs.json.prompt_results[1].predictions[0].masks), scene.masks[1]!)).toBeGreaterThan(0.95);
    const embedded = await post('/sam3/embed_image', { image, image_id: 'rf-scene' });
    expect(embedded.json.image_id).toBe('rf-scene');
    const pvs = await post('/sam3/visual_segment', {
      image_id: 'rf-scene',
      prompts: { prompts: [{ box: { x: 70, y: 80, width: 100, height: 100 } }] },
    });
    expect(pvs.status).toBe(200);
    expect(pvs.json.predictions).toHaveLength(1);
    expect(pvs.json.predictions[0].format).toBe('polygon');
    expect(pvs.json.predictions[0].masks[0].length).toBeGreaterThanOrEqual(4);
  });
});

describe('sam3 segment --server', () => {
  it('prints the same table through the client and writes JSON whose RLE decodes to the shape', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sam3-e2e-'));
    await writeFile(join(dir, 'scene.png'), png);
    const { stdout } = await promisify(execFile)(process.execPath, [
      ...CLI,
      'segment',
      join(dir, 'scene.png'),
      '--text',
      'red',
      '--server',
      server.url,
      '--out',
      join(dir, 'r.json'),
    ]);
    expect(stdout).toMatch(/server: http:\/\/127\.0\.0\.1/);
    expect(stdout).toMatch(/red\s+0\.\d{3}\s+20,30,120,130/);
    const json = JSON.parse(await readFile(join(dir, 'r.json'), 'utf8'));
    expect(iou(decodeCocoRle(json.instances[0].rle), scene.masks[0]!)).toBeGreaterThan(0.95);
  });
});

describe('auth on', () => {
  let secured: RunningServer;
  beforeAll(async () => {
    secured = await startServer(['--api-key', 'e2e-key']);
  });
  afterAll(async () => {
    await secured?.stop();
  });
  it('refuses without a key, accepts Bearer and Roboflow api_key, leaves probes open', async () => {
    expect((await fetch(`${secured.url}/healthz`)).status).toBe(200);
    const body = JSON.stringify({
      image: { base64: png.toString('base64') },
      prompts: [{ type: 'concept', text: 'red' }],
    });
    const headers = { 'content-type': 'application/json' };
    expect((await fetch(`${secured.url}/v1/segment`, { method: 'POST', headers, body })).status).toBe(401);
    await expect(new Sam3Client(secured.url).models()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    expect((await new Sam3Client(secured.url, { apiKey: 'e2e-key' }).models()).models).toHaveLength(1);
    const rfBody = JSON.stringify({
      image: { type: 'base64', value: png.toString('base64') },
      prompts: [{ text: 'red' }],
    });
    expect(
      (await fetch(`${secured.url}/sam3/concept_segment?api_key=e2e-key`, { method: 'POST', headers, body: rfBody }))
        .status,
    ).toBe(200);
    expect(
      (await fetch(`${secured.url}/sam3/concept_segment?api_key=wrong`, { method: 'POST', headers, body: rfBody }))
        .status,
    ).toBe(401);
    expect(secured.logs()).not.toContain('e2e-key');
  });
});

function crc32(buf: Buffer): number {
  let c = ~0;
  for (const byte of buf) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}

describe('no model installed', () => {
  it('keeps serving: /healthz 200, /readyz and inference 503 naming `sam3 models pull`', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'sam3-no-models-'));
    const bare = await startServer(['--model', 'sam3'], { SAM3_MODEL_DIR: empty }, 90_000, 'alive');
    try {
      let readyz: Response | undefined;
      for (let i = 0; i < 50; i++) {
        readyz = await fetch(`${bare.url}/readyz`);
        const body = (await readyz.clone().json()) as { detail: string };
        if (body.detail !== 'model loading') break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(readyz!.status).toBe(503);
      expect(((await readyz!.json()) as { detail: string }).detail).toMatch(/sam3 models pull sam3/);
      const segment = await fetch(`${bare.url}/v1/segment`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          image: { base64: png.toString('base64') },
          prompts: [{ type: 'concept', text: 'red' }],
        }),
      });
      expect(segment.status).toBe(503);
      expect(((await segment.json()) as { error: { message: string } }).error.message).toMatch(/sam3 models pull sam3/);
      expect((await fetch(`${bare.url}/docs/`)).status).toBe(200);
    } finally {
      await bare.stop();
    }
  });
});

describe('sam3 doctor and sam3 models list', () => {
  it('print versions, providers and the model dir', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'sam3-doctor-'));
    const env = { ...process.env, SAM3_MODEL_DIR: empty };
    const doctor = await promisify(execFile)(process.execPath, [...CLI, 'doctor'], { env });
    expect(doctor.stdout).toMatch(/onnxruntime 1\.\d+\.\d+; execution providers: cpu/);
    expect(doctor.stdout).toContain(`model dir   ${empty}`);
    const list = await promisify(execFile)(process.execPath, [...CLI, 'models', 'list'], { env });
    expect(list.stdout).toMatch(/no SAM 3 model installed yet: `npx sam3 models pull sam3`/);
    expect(list.stdout).toMatch(/^demo +built-in synthetic model +always available/m);
    expect(doctor.stdout).toMatch(/models {6}none installed \(`npx sam3 models pull sam3`\)/);
  });

  it('models list: a pull cut short shows what it left on disk and the command that finishes it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sam3-partial-'));
    await mkdir(join(dir, 'sam3-tracker', 'onnx'), { recursive: true });
    const files = { 'onnx/vision_encoder_quantized.onnx': { bytes: 1024, sha256: 'x', verified: true, dtype: 'q8' } };
    await writeFile(
      join(dir, 'sam3-tracker', 'manifest.json'),
      JSON.stringify({ name: 'sam3-tracker', label: 'SAM 3 tracker', files, complete: [] }),
    );
    await writeFile(join(dir, 'sam3-tracker', 'onnx', 'vision_encoder_quantized.onnx'), Buffer.alloc(1024));
    await writeFile(
      join(dir, 'sam3-tracker', 'onnx', 'vision_encoder_quantized.onnx_data.part'),
      Buffer.alloc(3 * 1024 * 1024),
    );
    // The generated demo bundle shares the directory when the cache and model dirs coincide (the defaults).
    await mkdir(join(dir, 'demo'));
    await writeFile(
      join(dir, 'demo', 'manifest.json'),
      JSON.stringify({ name: 'demo', label: 'demo', synthetic: true }),
    );
    const env = { ...process.env, SAM3_MODEL_DIR: dir };
    const list = await promisify(execFile)(process.execPath, [...CLI, 'models', 'list'], { env });
    expect(list.stdout).toMatch(
      /sam3-tracker +SAM 3 tracker +incomplete pull, 3\.0 MiB on disk: run `npx sam3 models pull sam3-tracker --dtype q8` to finish it/,
    );
    expect(list.stdout).not.toMatch(/0\.0 MiB/);
    expect(list.stdout).not.toMatch(/^demo .*incomplete/m);
    const doctor = await promisify(execFile)(process.execPath, [...CLI, 'doctor'], { env });
    expect(doctor.stdout).toMatch(/^models {6}sam3-tracker \[incomplete\]$/m);
  });

  it('models pull refuses an unknown name or dtype before drawing anything', async () => {
    const env = { ...process.env, SAM3_MODEL_DIR: await mkdtemp(join(tmpdir(), 'sam3-pull-')) };
    for (const args of [['nosuch'], ['sam3', '--dtype', 'fp8']]) {
      const run = await promisify(execFile)(process.execPath, [...CLI, 'models', 'pull', ...args], { env }).then(
        () => ({ code: 0, stdout: '', stderr: '' }),
        (e: { code: number; stdout: string; stderr: string }) => e,
      );
      expect(run.code).not.toBe(0);
      expect(run.stderr + run.stdout).toMatch(/MODEL_NOT_FOUND|INVALID_ARGUMENT/);
      expect(run.stderr + run.stdout).not.toMatch(/total|MiB|pulling/);
    }
  });
});

describe('sam3 serve on a port already in use', () => {
  it('exits 2 with one line naming the port and the setting, no stack', async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as AddressInfo).port;
    try {
      const env = {
        ...process.env,
        SAM3_DATA_DIR: await mkdtemp(join(tmpdir(), 'sam3-busy-')),
        SAM3_LOG_LEVEL: 'error',
      };
      const run = await promisify(execFile)(
        process.execPath,
        [...CLI, 'serve', '--model', 'demo', '--port', String(port)],
        { env },
      ).then(
        () => ({ code: 0, stderr: '' }),
        (error: { code: number; stderr: string }) => error,
      );
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(
        new RegExp(`INVALID_ARGUMENT: Port ${port} on 127\\.0\\.0\\.1 is already in use.*--port or SAM3_PORT`),
      );
      expect(run.stderr).not.toMatch(/\n\s+at /);
    } finally {
      busy.close();
    }
  }, 60_000);
});

describe('sam3 serve with a mistyped --model directory', () => {
  it('exits 4 at once naming the directory, instead of serving 503s', async () => {
    const env = { ...process.env, SAM3_DATA_DIR: await mkdtemp(join(tmpdir(), 'sam3-typo-')), SAM3_LOG_LEVEL: 'error' };
    const run = await promisify(execFile)(
      process.execPath,
      [...CLI, 'serve', '--model', '/nonexistent/sam3-bundel', '--port', '0'],
      { env },
    ).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(
      /MODEL_NOT_FOUND: --model \/nonexistent\/sam3-bundel is neither a directory nor a catalogue name/,
    );
  }, 60_000);
});
