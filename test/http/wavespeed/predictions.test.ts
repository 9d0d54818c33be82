// WaveSpeed facade through inject with the real embedded job queue and the FakeEngine: submit, poll, sync mode,
// every output form, failed tasks, and the envelope of each; records compared with goldens (ids and times masked).
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { SamError } from '../../../src/domain/errors.js';
import { decodeCocoRle } from '../../../src/masks/coco-rle.js';
import { decodeStartLength } from '../../../src/masks/start-length-rle.js';
import { build, expectGolden, TINY_PNG_BASE64 } from '../../helpers/build-app.js';
import { FakeEngine, FAKE_SIZE } from '../../helpers/fake-engine.js';
import { jobDeps, normalizeRecord } from '../../helpers/job-deps.js';

const golden = (name: string) => new URL(`./goldens/${name}.json`, import.meta.url).pathname;
const DATA_URI = `data:image/png;base64,${TINY_PNG_BASE64}`;

async function setup(engine = new FakeEngine(), overrides = {}) {
  const jobs = jobDeps(engine, overrides);
  const { app } = await build({ engine, jobs });
  return { app, engine, jobs };
}

type App = Awaited<ReturnType<typeof setup>>['app'];

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- envelope bodies checked field by field and against goldens
async function poll(app: App, id: string): Promise<Record<string, any>> {
  for (let i = 0; i < 200; i++) {
    const res = await app.inject({ method: 'GET', url: `/api/v3/predictions/${id}/result` });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    if (body.data.status === 'completed' || body.data.status === 'failed') return body;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('never settled');
}

/** The fake engine's text concept is the rectangle x 2..12, y 3..9. */
function expectFakeRect(mask: { width: number; height: number; data: Uint8Array }): void {
  expect([mask.width, mask.height]).toEqual([FAKE_SIZE.width, FAKE_SIZE.height]);
  let inside = 0;
  for (let y = 0; y < mask.height; y++)
    for (let x = 0; x < mask.width; x++) {
      const want = x >= 2 && x < 12 && y >= 3 && y < 9 ? 1 : 0;
      expect(mask.data[y * mask.width + x]).toBe(want);
      inside += want;
    }
  expect(inside).toBe(60);
}

describe('POST /api/v3/wavespeed-ai/sam3-image', () => {
  it('accepts a job (created), completes it, and links the overlay as a signed PNG', async () => {
    const { app } = await setup();
    const submit = await app.inject({
      method: 'POST',
      url: '/api/v3/wavespeed-ai/sam3-image',
      payload: { image: DATA_URI, prompt: 'red' },
    });
    expect(submit.statusCode).toBe(200);
    await expectGolden(golden('sam3-image-submitted'), normalizeRecord(submit.json()));
    const done = await poll(app, submit.json().data.id);
    await expectGolden(golden('sam3-image-completed'), normalizeRecord(done));
    const file = await app.inject({
      method: 'GET',
      url: new URL(done.data.outputs[0]).pathname + new URL(done.data.outputs[0]).search,
    });
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-type']).toBe('image/png');
    expect((await sharp(file.rawPayload).metadata()).width).toBe(FAKE_SIZE.width);
    const tampered = await app.inject({
      method: 'GET',
      url: new URL(done.data.outputs[0]).pathname + '?expires=9999999999&token=abc',
    });
    expect(tampered.statusCode).toBe(404);
  });

  it.each([
    ['jpeg', 'image/jpeg', 'jpeg'],
    ['webp', 'image/webp', 'webp'],
  ])('renders output_format %s', async (format, type, sharpFormat) => {
    const { app } = await setup();
    const res = await app.inject({
      method: 'POST',
      url: '/api/v3/wavespeed-ai/sam3-image',
      payload: { image: DATA_URI, prompt: 'red', output_format: format, enable_sync_mode: true },
    });
    const url = new URL(res.json().data.outputs[0]);
    expect(url.pathname).toMatch(new RegExp(`\\.${format === 'jpeg' ? 'jpg' : format}$`));
    const file = await app.inject({ method: 'GET', url: url.pathname + url.search });
    expect(file.headers['content-type']).toBe(type);
    expect((await sharp(file.rawPayload).metadata()).format).toBe(sharpFormat);
  });

  it('with apply_mask false answers the black-and-white mask of every object', async () => {
    const { app } = await setup();
    const res = await app.inject({
      method: 'POST',
      url: '/api/v3/wavespeed-ai/sam3-image',
      payload: { image: DATA_URI, prompt: 'red', apply_mask: false, enable_sync_mode: true },
    });
    const url = new URL(res.json().data.outputs[0]);
    expect(url.pathname).toMatch(/\/mask\.png$/);
    const file = await app.inject({ method: 'GET', url: url.pathname + url.search });
    expect((await sharp(file.rawPayload).metadata()).channels).toBe(1);
    const { data, info } = await sharp(file.rawPayload).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
    expectFakeRect({ width: info.width, height: info.height, data: Uint8Array.from(data, (v) => (v > 127 ? 1 : 0)) });
  });
});

describe('POST /api/v3/wavespeed-ai/sam3-image-rle', () => {
  it('answers in sync mode with COCO counts of the union and of each object, which decode to the shape', async () => {
    const { app } = await setup();
    const res = await app.inject({
      method: 'POST',
      url: '/api/v3/wavespeed-ai/sam3-image-rle',
      payload: { image: DATA_URI, prompt: 'red', enable_sync_mode: true },
    });
    expect(res.statusCode).toBe(200);
    await expectGolden(golden('sam3-image-rle-sync'), normalizeRecord(res.json()));
    const out = res.json().data.outputs[0];
    expect(out.rle_format).toBe('coco');
    expectFakeRect(decodeCocoRle({ size: out.size, counts: out.rle }));
    expectFakeRect(decodeCocoRle(out.objects[0].rle));
    expect(out.overlay_url).toMatch(/\/overlay\.png\?expires=/);
  });

  it('switches to start/length strings with rle_format start_length, and says so', async () => {
    const { app } = await setup();
    const res = await app.inject({
      method: 'POST',
      url: '/api/v3/wavespeed-ai/sam3-image-rle',
      payload: {
        image: DATA_URI,
        prompt: 'red',
        rle_format: 'start_length',
        apply_mask: false,
        enable_sync_mode: true,
      },
    });
    const out = res.json().data.outputs[0];
    expect(out.rle_format).toBe('start_length');
    expect(out.overlay_url).toBeUndefined();
    expectFakeRect(decodeStartLength(out.rle, out.size[1], out.size[0]));
  });

  it('groups point and box prompts into objects and labels them', async () => {
    const { app, engine } = await setup();
    const res = await app.inject({
      method: 'POST',
      url: '/api/v3/wavespeed-ai/sam3-image-rle',
      payload: {
        image: DATA_URI,
        point_prompts: [
          { x: 5, y: 5, label: 1 },
          { x: 8, y: 6, is_positive: false },
          { x: 20, y: 20, object_id: 7 },
        ],
        box_prompts: [
          { x_min: 1, y_min: 1, x_max: 9, y_max: 9 },
          { x_min: 25, y_min: 10, x_max: 35, y_max: 20, object_id: 7 },
        ],
        enable_sync_mode: true,
      },
    });
    expect(res.statusCode).toBe(200);
    expect(engine.segments[0]!.objects).toEqual([
      {
        points: [
          { x: 5, y: 5, positive: true },
          { x: 8, y: 6, positive: false },
        ],
        box: { x0: 1, y0: 1, x1: 9, y1: 9 },
      },
      { points: [{ x: 20, y: 20, positive: true }], box: { x0: 25, y0: 10, x1: 35, y1: 20 } },
    ]);
    expect(res.json().data.outputs[0].objects.map((o: { id: number; label: string }) => [o.id, o.label])).toEqual([
      [1, 'object 1'],
      [2, 'object 7'],
    ]);
  });
});

describe('task failures and sync timeouts', () => {
  it('a task that fails is HTTP 200 with status failed and the error', async () => {
    const engine = new FakeEngine();
    engine.failWith = new SamError('IMAGE_DECODE_FAILED', 'Cannot decode the image: unsupported format');
    const { app } = await setup(engine);
    const submit = await app.inject({
      method: 'POST',
      url: '/api/v3/wavespeed-ai/sam3-image',
      payload: { image: DATA_URI, prompt: 'red' },
    });
    const done = await poll(app, submit.json().data.id);
    await expectGolden(golden('sam3-image-failed'), normalizeRecord(done));
  });

  it('sync mode answers the still-processing record the SDK reads as a sync timeout', async () => {
    const engine = new FakeEngine();
    engine.delayMs = 400;
    const { app } = await setup(engine, { syncTimeoutMs: 50 });
    const res = await app.inject({
      method: 'POST',
      url: '/api/v3/wavespeed-ai/sam3-image',
      payload: { image: DATA_URI, prompt: 'red', enable_sync_mode: true },
    });
    expect(res.statusCode).toBe(200);
    const data = res.json().data;
    expect(data.status).toBe('processing');
    expect(data.error).toMatch(
      /^Sync mode timed out after 0\.1 s; the task continues, query the result at http:\/\/localhost(:\d+)?\/api\/v3\/predictions\/[0-9a-f]{32}\/result$/,
    );
    expect((await poll(app, data.id)).data.status).toBe('completed');
  });
});

describe('GET /api/v3/predictions', () => {
  it('lists recent predictions, newest first, paged', async () => {
    const { app } = await setup();
    for (const prompt of ['a', 'b', 'c'])
      await app.inject({
        method: 'POST',
        url: '/api/v3/wavespeed-ai/sam3-image',
        payload: { image: DATA_URI, prompt, enable_sync_mode: true },
      });
    const res = await app.inject({ method: 'GET', url: '/api/v3/predictions?page=1&page_size=2' });
    expect(res.statusCode).toBe(200);
    expect(res.json().data).toMatchObject({ page: 1, page_size: 2, total: 3 });
    expect(res.json().data.items).toHaveLength(2);
    const unknown = await app.inject({ method: 'GET', url: `/api/v3/predictions/${'0'.repeat(32)}` });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toEqual({
      code: 404,
      message: `No prediction ${'0'.repeat(32)} exists (never created, or expired)`,
      data: null,
    });
  });
});
