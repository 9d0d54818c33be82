// End to end with the official `wavespeed` npm SDK pointed at `sam3 serve --model demo` (its baseUrl option):
// upload(), run() with polling and with sync mode for every output, a failing input, a wrong key, and a signed
// webhook delivered to a loopback receiver.
import { createServer, type Server } from 'node:http';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, WavespeedPredictionException, WavespeedSubmissionException } from 'wavespeed';
import { verifyWebhook } from '../../src/jobs/webhook-signature.js';
import { decodeCocoRle } from '../../src/masks/coco-rle.js';
import { decodeStartLength } from '../../src/masks/start-length-rle.js';
import { BLUE, RED, YELLOW, drawScene, encodePng, iou, unionMask } from '../helpers/scenes.js';
import { startServer, type RunningServer } from '../helpers/spawn-server.js';

const KEY = 'sdk-test-key';
const scene = drawScene(160, 120, [
  { kind: 'rect', color: RED, x0: 10, y0: 15, x1: 60, y1: 65 },
  { kind: 'ellipse', color: BLUE, cx: 115, cy: 75, rx: 30, ry: 22 },
  { kind: 'rect', color: YELLOW, x0: 100, y0: 5, x1: 150, y1: 30 },
]);
let server: RunningServer;
let client: Client;
let imagePath: string;
let png: Buffer;

beforeAll(async () => {
  png = Buffer.from(await encodePng(scene));
  imagePath = join(await mkdtemp(join(tmpdir(), 'sam3-sdk-')), 'scene.png');
  await writeFile(imagePath, png);
  server = await startServer([], { SAM3_API_KEYS: KEY, SAM3_URL_ALLOW_NETWORKS: '127.0.0.1/32' });
  client = new Client(KEY, { baseUrl: server.url, maxConnectionRetries: 0 });
});

afterAll(async () => {
  await server?.stop();
});

const fetchOutput = async (url: string) => {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  return { type: res.headers.get('content-type'), bytes: Buffer.from(await res.arrayBuffer()) };
};
const redAndYellow = () => unionMask([scene.masks[0]!, scene.masks[2]!]);

describe('the official wavespeed SDK against sam3 serve', () => {
  it('upload() returns a download URL that works as an input; run() polls sam3-image-rle to a decodable RLE', async () => {
    const url = await client.upload(imagePath);
    expect(url).toMatch(new RegExp(`^${server.url}/files/uploads/[0-9a-f]{32}/scene\\.png\\?expires=\\d+&token=`));
    expect(Buffer.compare((await fetchOutput(url)).bytes, png)).toBe(0);
    const out = await client.run(
      'wavespeed-ai/sam3-image-rle',
      { image: url, prompt: 'red, yellow' },
      { pollInterval: 0.05 },
    );
    const result = out.outputs[0] as {
      rle: string;
      size: [number, number];
      objects: Array<{ label: string; rle: { size: [number, number]; counts: string } }>;
      overlay_url: string;
    };
    expect(result.size).toEqual([120, 160]);
    expect(iou(decodeCocoRle({ size: result.size, counts: result.rle }), redAndYellow())).toBeGreaterThan(0.95);
    expect(result.objects.map((o) => o.label)).toEqual(['red', 'yellow']);
    expect(iou(decodeCocoRle(result.objects[0]!.rle), scene.masks[0]!)).toBeGreaterThan(0.95);
    expect(iou(decodeCocoRle(result.objects[1]!.rle), scene.masks[2]!)).toBeGreaterThan(0.95);
    expect((await fetchOutput(result.overlay_url)).type).toBe('image/png');
  });

  it('run() with enableSyncMode answers sam3-image-rle in one request, in both RLE forms', async () => {
    const dataUri = `data:image/png;base64,${png.toString('base64')}`;
    const coco = await client.run(
      'wavespeed-ai/sam3-image-rle',
      { image: dataUri, prompt: 'blue' },
      { enableSyncMode: true },
    );
    const c = coco.outputs[0] as { rle: string; size: [number, number] };
    expect(iou(decodeCocoRle({ size: c.size, counts: c.rle }), scene.masks[1]!)).toBeGreaterThan(0.95);
    const sl = await client.run(
      'wavespeed-ai/sam3-image-rle',
      { image: dataUri, prompt: 'blue', rle_format: 'start_length' },
      { enableSyncMode: true },
    );
    const s = sl.outputs[0] as { rle: string; size: [number, number]; rle_format: string };
    expect(s.rle_format).toBe('start_length');
    expect(iou(decodeStartLength(s.rle, s.size[1], s.size[0]), scene.masks[1]!)).toBeGreaterThan(0.95);
  });

  it.each([
    ['png', 'image/png', 'png', false],
    ['jpeg', 'image/jpeg', 'jpeg', true],
    ['webp', 'image/webp', 'webp', false],
  ] as const)('run() renders sam3-image as %s (sync mode %s)', async (format, type, sharpFormat, sync) => {
    const out = await client.run(
      'wavespeed-ai/sam3-image',
      { image: `data:image/png;base64,${png.toString('base64')}`, prompt: 'red, blue', output_format: format },
      { enableSyncMode: sync, pollInterval: 0.05 },
    );
    const file = await fetchOutput(out.outputs[0] as string);
    expect(file.type).toBe(type);
    const meta = await sharp(file.bytes).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual([sharpFormat, 160, 120]);
  });

  it("a task that fails surfaces as the SDK's prediction failure, in both modes", async () => {
    const notAnImage = `data:image/png;base64,${Buffer.from('this is not a picture').toString('base64')}`;
    await expect(
      client.run('wavespeed-ai/sam3-image', { image: notAnImage, prompt: 'red' }, { pollInterval: 0.05 }),
    ).rejects.toThrow(
      /Prediction failed \(task_id: [0-9a-f]{32}\): Expected an image .* for image but received bytes of no accepted image format/,
    );
    const r = await client.runNoThrow(
      'wavespeed-ai/sam3-image',
      { image: notAnImage, prompt: 'red' },
      { enableSyncMode: true },
    );
    expect(r.outputs).toBeNull();
    expect(r.detail.error).toBeInstanceOf(WavespeedPredictionException);
  });

  it('a bad submission and a wrong key are refused at submit', async () => {
    await expect(client.run('wavespeed-ai/sam3-image', { image: imagePath }, { pollInterval: 0.05 })).rejects.toThrow(
      WavespeedSubmissionException,
    );
    const wrong = new Client('wrong-key', { baseUrl: server.url });
    const err = await wrong
      .run('wavespeed-ai/sam3-image', { image: 'https://example.com/a.png', prompt: 'red' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WavespeedSubmissionException);
    expect(String(err)).toMatch(/HTTP 401: .*The API key is not valid/);
  });
});

describe('webhooks', () => {
  let receiver: Server;
  const received: Array<{ headers: Record<string, string | undefined>; body: string }> = [];
  let hookUrl = '';
  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ headers: req.headers as Record<string, string | undefined>, body });
        res.end('ok');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    hookUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`;
  });
  afterAll(() => receiver?.close());

  it('POSTs the final record, signed with the secret from /api/v3/webhook/secret', async () => {
    const auth = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };
    const secret = (
      (await (await fetch(`${server.url}/api/v3/webhook/secret`, { headers: auth })).json()) as {
        data: { secret: string };
      }
    ).data.secret;
    expect(secret).toMatch(/^whsec_/);
    const submit = await fetch(
      `${server.url}/api/v3/wavespeed-ai/sam3-image-rle?webhook=${encodeURIComponent(hookUrl)}`,
      {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ image: `data:image/png;base64,${png.toString('base64')}`, prompt: 'red' }),
      },
    );
    const id = ((await submit.json()) as { data: { id: string } }).data.id;
    for (let i = 0; i < 200 && received.length === 0; i++) await new Promise((r) => setTimeout(r, 25));
    expect(received).toHaveLength(1);
    const [hook] = received;
    expect(verifyWebhook(secret, hook!.headers, hook!.body)).toBe(true);
    expect(verifyWebhook(secret, hook!.headers, hook!.body.replace('completed', 'failed'))).toBe(false);
    const body = JSON.parse(hook!.body) as Record<string, unknown>;
    expect(body).toMatchObject({
      id,
      model: 'wavespeed-ai/sam3-image-rle',
      status: 'completed',
      error: '',
      input: { prompt: 'red' },
    });
    expect((body.input as { image: string }).image).toMatch(/^data:image\/png;base64,… \(\d+ characters\)$/);
  });

  it('counts finished jobs and webhook deliveries in /metrics', async () => {
    const page = await (await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${KEY}` } })).text();
    expect(page).toMatch(/sam3_jobs_finished_total\{kind="image",status="completed",code=""\} \d+/);
    expect(page).toMatch(/sam3_jobs_finished_total\{kind="image",status="failed",code="IMAGE_DECODE_FAILED"\} 2/);
    expect(page).toContain('sam3_webhook_deliveries_total{outcome="delivered"} 1');
  });
});
