// The native /v1 surface through inject: success and error shapes (golden JSON), multipart uploads, prompt order.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SamError, invalidArgument } from '../../../src/domain/errors.js';
import { decodeCocoRle } from '../../../src/masks/coco-rle.js';
import { TINY_PNG_BASE64, TEST_LIMITS, build, expectGolden } from '../../helpers/build-app.js';

const GOLDEN = (name: string): string => join(import.meta.dirname, 'goldens', `${name}.json`);
const image = { base64: TINY_PNG_BASE64 };

describe('POST /v1/segment', () => {
  it('answers every prompt in request order with score, box, area and each requested mask encoding', async () => {
    const { app, engine } = await build();
    const payload = {
      image,
      prompts: [
        { type: 'object', points: [{ x: 10, y: 10 }], multimask: true },
        { type: 'concept', text: 'dog' },
        {
          type: 'concept',
          exemplars: [{ box: [20, 10, 30, 20] }, { box: [0, 0, 5, 5], positive: false }],
          threshold: 0.4,
        },
        { type: 'object', box: [1, 2, 6, 7] },
      ],
      mask_formats: ['rle', 'rle_uncompressed', 'polygons', 'png'],
    };
    const response = await app.inject({ method: 'POST', url: '/v1/segment', payload });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    await expectGolden(GOLDEN('segment-mixed'), body);
    expect(body.prompts.map((p: { type: string; instances: unknown[] }) => [p.type, p.instances.length])).toEqual([
      ['object', 3],
      ['concept', 1],
      ['concept', 1],
      ['object', 1],
    ]);
    const rle = body.prompts[2].instances[0].mask.rle;
    const mask = decodeCocoRle(rle);
    expect(mask.data.reduce((n: number, v: number) => n + v, 0)).toBe(body.prompts[2].instances[0].area);
    const request = engine.segments[0]!;
    expect(request.concepts![1]).toEqual({
      exemplars: [
        { box: { x0: 20, y0: 10, x1: 30, y1: 20 }, positive: true },
        { box: { x0: 0, y0: 0, x1: 5, y1: 5 }, positive: false },
      ],
      threshold: 0.4,
    });
    expect(request.allCandidates).toBe(true);
    // The response built, the route gave the result back so its masks' memory serves the next request.
    expect(engine.released).toHaveLength(1);
  });

  it('defaults to COCO RLE only and passes image_id, thresholds and limits through', async () => {
    const { app, engine } = await build();
    const response = await app.inject({
      method: 'POST',
      url: '/v1/segment',
      payload: {
        image_id: 'abc',
        prompts: [{ type: 'concept', text: 'a' }],
        threshold: 0,
        nms_iou_threshold: 0.7,
        max_detections: 3,
      },
    });
    expect(response.statusCode).toBe(200);
    expect(Object.keys(response.json().prompts[0].instances[0].mask)).toEqual(['rle']);
    expect(engine.segments[0]).toMatchObject({
      imageId: 'abc',
      threshold: 0,
      nmsIouThreshold: 0.7,
      maxDetections: 3,
      maskEncodings: ['rle'],
    });
    expect(engine.segments[0]!.image).toBeUndefined();
  });

  it('takes a multipart upload: the "image" file plus a "request" JSON field', async () => {
    const { app, engine } = await build();
    const form = new FormData();
    form.append('request', JSON.stringify({ prompts: [{ type: 'concept', text: 'a' }] }));
    form.append('image', new Blob([Buffer.from(TINY_PNG_BASE64, 'base64')]), 'a.png');
    const request = new Request('http://x/', { method: 'POST', body: form });
    const payload = Buffer.from(await request.arrayBuffer());
    const response = await app.inject({
      method: 'POST',
      url: '/v1/segment',
      payload,
      headers: { 'content-type': request.headers.get('content-type')! },
    });
    expect(response.statusCode).toBe(200);
    expect(Buffer.from(engine.segments[0]!.image as Uint8Array).toString('base64')).toBe(TINY_PNG_BASE64);
  });

  const invalid: Array<[string, Record<string, unknown>]> = [
    ['unknown-prompt-type', { image, prompts: [{ type: 'concpt', text: 'a' }] }],
    ['unknown-field', { image, prompts: [{ type: 'concept', text: 'a' }], treshold: 0.5 }],
    ['no-image', { prompts: [{ type: 'concept', text: 'a' }] }],
    [
      'two-images',
      {
        image: { url: 'https://example.com/a.png', base64: TINY_PNG_BASE64 },
        prompts: [{ type: 'concept', text: 'a' }],
      },
    ],
    ['points-on-concept', { image, prompts: [{ type: 'concept', text: 'a', points: [{ x: 1, y: 1 }] }] }],
    ['bad-box', { image, prompts: [{ type: 'object', box: [1, 2, 3] }] }],
    ['threshold-string', { image, prompts: [{ type: 'concept', text: 'a' }], threshold: '0.5' }],
  ];
  for (const [name, payload] of invalid) {
    it(`answers 400 naming the field for ${name}`, async () => {
      const { app, engine } = await build();
      const response = await app.inject({ method: 'POST', url: '/v1/segment', payload });
      expect(response.statusCode).toBe(400);
      expect(engine.segments).toHaveLength(0);
      await expectGolden(GOLDEN(`error-${name}`), response.json());
    });
  }

  it('maps engine errors by kind: 422 media, 413 too large, 503 + Retry-After busy, 504 deadline, 500 internal', async () => {
    const cases: Array<[Error, number]> = [
      [new SamError('IMAGE_DECODE_FAILED', 'not an image'), 422],
      [new SamError('IMAGE_TOO_LARGE', 'too many pixels', { limit: 64 }), 413],
      [new SamError('QUEUE_FULL', 'full'), 503],
      [new SamError('MODEL_NOT_READY', 'loading'), 503],
      [new SamError('DEADLINE_EXCEEDED', 'late'), 504],
      [new SamError('CAPABILITY_MISSING', 'no objects'), 501],
      [new Error('boom'), 500],
    ];
    for (const [error, status] of cases) {
      const { app, engine } = await build();
      engine.failWith = error;
      const response = await app.inject({
        method: 'POST',
        url: '/v1/segment',
        payload: { image, prompts: [{ type: 'concept', text: 'a' }] },
      });
      expect(response.statusCode, error.message).toBe(status);
      if (status === 503) expect(response.headers['retry-after']).toBe('1');
      if (status === 500)
        expect(response.json()).toEqual({
          error: { code: 'INTERNAL', message: 'Internal error; the server log has the details', details: {} },
        });
      else expect(response.json().error.code).toBe((error as SamError).code);
    }
  });

  it("names engine validation errors by the wire field (prompts[i]), not the engine's concepts/objects lists", async () => {
    const { app, engine } = await build();
    engine.failWith = invalidArgument(
      'objects[0].box',
      'a box with positive width and height (x1 > x0, y1 > y0)',
      'x0=5, y0=5, x1=5, y1=9',
    );
    const response = await app.inject({
      method: 'POST',
      url: '/v1/segment',
      payload: {
        image,
        prompts: [
          { type: 'concept', text: 'a' },
          { type: 'object', box: [5, 5, 5, 9] },
        ],
      },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.details.field).toBe('prompts[1].box');
    expect(response.json().error.message).toBe(
      'Expected a box with positive width and height (x1 > x0, y1 > y0) for prompts[1].box but received "x0=5, y0=5, x1=5, y1=9" (string)',
    );
  });

  it('gives up at the request deadline with 504', async () => {
    const { app, engine } = await build({ limits: { ...TEST_LIMITS, requestTimeoutMs: 50 } });
    engine.delayMs = 5_000;
    const response = await app.inject({
      method: 'POST',
      url: '/v1/segment',
      payload: { image, prompts: [{ type: 'concept', text: 'a' }] },
    });
    expect(response.statusCode).toBe(504);
    expect(response.json().error.code).toBe('DEADLINE_EXCEEDED');
  });

  it('refuses bodies over the limit with 413, broken JSON and other content types with 400', async () => {
    const { app } = await build();
    const big = await app.inject({
      method: 'POST',
      url: '/v1/segment',
      payload: { image: { base64: 'A'.repeat(TEST_LIMITS.maxBodyBytes) }, prompts: [] },
    });
    expect(big.statusCode).toBe(413);
    await expectGolden(GOLDEN('error-body-too-large'), big.json());
    const broken = await app.inject({
      method: 'POST',
      url: '/v1/segment',
      payload: '{"prompts": [',
      headers: { 'content-type': 'application/json' },
    });
    expect(broken.statusCode).toBe(400);
    expect(broken.json().error.code).toBe('INVALID_ARGUMENT');
    const text = await app.inject({
      method: 'POST',
      url: '/v1/segment',
      payload: '<a/>',
      headers: { 'content-type': 'application/xml' },
    });
    expect(text.statusCode).toBe(400);
    expect(text.json().error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });
});

describe('POST /v1/embed and GET /v1/models', () => {
  it('embeds and lists the model', async () => {
    const { app } = await build();
    const embed = await app.inject({ method: 'POST', url: '/v1/embed', payload: { image, image_id: 'k1' } });
    expect(embed.json()).toEqual({
      image_id: 'k1',
      width: 40,
      height: 30,
      timings_ms: { decode: 1, pcs_vision_encoder: 5 },
    });
    const models = await app.inject({ method: 'GET', url: '/v1/models' });
    await expectGolden(GOLDEN('models'), models.json());
  });
});

describe('probes, docs and unknown routes', () => {
  it('healthz is always 200; readyz follows readiness', async () => {
    let ready = false;
    const { app } = await build({ readiness: () => ({ ready, detail: ready ? 'model loaded' : 'model loading' }) });
    expect((await app.inject('/healthz')).statusCode).toBe(200);
    expect((await app.inject('/readyz')).statusCode).toBe(503);
    ready = true;
    expect((await app.inject('/readyz')).json()).toEqual({ status: 'ready', detail: 'model loaded' });
  });

  it('serves the OpenAPI document with every route, and the docs UI', async () => {
    const { app } = await build();
    await app.ready();
    const spec = app.swagger() as { paths: Record<string, unknown> };
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining([
        '/v1/segment',
        '/v1/embed',
        '/v1/models',
        '/sam3/concept_segment',
        '/sam3/visual_segment',
        '/sam3/embed_image',
        '/healthz',
        '/readyz',
      ]),
    );
    expect((await app.inject('/docs/')).statusCode).toBe(200);
  });

  it('answers unknown routes with a 404 error body', async () => {
    const { app } = await build();
    const response = await app.inject('/v2/nothing');
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('ROUTE_NOT_FOUND');
  });
});
