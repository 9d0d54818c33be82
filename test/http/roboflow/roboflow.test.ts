// The Roboflow facade through inject: documented request examples and every error shape, against golden JSON.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SamError, invalidArgument } from '../../../src/domain/errors.js';
import { TINY_PNG_BASE64, build, expectGolden } from '../../helpers/build-app.js';

const GOLDEN = (name: string): string => join(import.meta.dirname, 'goldens', `${name}.json`);
const image = { type: 'base64', value: TINY_PNG_BASE64 };
/** `time` is wall-clock; goldens pin everything else. */
const pinned = (body: Record<string, unknown>): Record<string, unknown> => {
  expect(typeof body.time).toBe('number');
  return { ...body, time: 0 };
};

describe('POST /sam3/concept_segment', () => {
  const cases: Array<[string, Record<string, unknown>]> = [
    ['text-prompts', { image, prompts: [{ type: 'text', text: 'dog' }, { text: 'cat' }] }],
    [
      'exemplar-boxes-both-forms',
      {
        image,
        prompts: [
          {
            type: 'visual',
            boxes: [
              { x: 5, y: 4, width: 10, height: 6 },
              { x0: 20, y0: 10, x1: 30, y1: 20 },
            ],
            box_labels: [1, true],
          },
        ],
      },
    ],
    [
      'text-and-negative-exemplar',
      {
        image,
        prompts: [
          {
            text: 'person',
            boxes: [
              { x: 1, y: 1, width: 8, height: 8 },
              { x0: 20, y0: 10, x1: 30, y1: 20 },
            ],
            box_labels: [1, 0],
          },
        ],
        output_prob_thresh: 0.3,
      },
    ],
    ['rle-format', { image, prompts: [{ text: 'dog' }], format: 'rle' }],
  ];
  for (const [name, body] of cases) {
    it(`answers the ${name} example`, async () => {
      const { app } = await build();
      const response = await app.inject({ method: 'POST', url: '/sam3/concept_segment', payload: body });
      expect(response.statusCode).toBe(200);
      await expectGolden(GOLDEN(`concept-${name}`), pinned(response.json()));
    });
  }

  it('translates boxes (top-left XYWH and XYXY), labels, thresholds and the format for the engine', async () => {
    const { app, engine } = await build();
    await app.inject({ method: 'POST', url: '/sam3/concept_segment', payload: cases[2]![1] });
    // The response built, the route gave the result back so its masks' memory serves the next request.
    expect(engine.released).toHaveLength(1);
    const request = engine.segments[0]!;
    expect(request.concepts).toEqual([
      {
        text: 'person',
        exemplars: [
          { box: { x0: 1, y0: 1, x1: 9, y1: 9 }, positive: true },
          { box: { x0: 20, y0: 10, x1: 30, y1: 20 }, positive: false },
        ],
      },
    ]);
    expect(request.threshold).toBe(0.3);
    expect(request.maskEncodings).toEqual(['outer_polygons']);
    expect(request.image).toEqual({ base64: TINY_PNG_BASE64 });
  });

  it('keeps output_prob_thresh 0 as 0 (upstream turns it into 0.5), honours image_id and nms_iou_threshold', async () => {
    const { app, engine } = await build();
    await app.inject({
      method: 'POST',
      url: '/sam3/concept_segment',
      payload: {
        image,
        image_id: 'img-7',
        prompts: [{ text: 'dog', output_prob_thresh: 0.2 }],
        output_prob_thresh: 0,
        nms_iou_threshold: 0.5,
      },
    });
    const request = engine.segments[0]!;
    expect(request.threshold).toBe(0);
    expect(request.imageId).toBe('img-7');
    expect(request.nmsIouThreshold).toBe(0.5);
    expect(request.concepts![0]!.threshold).toBe(0.2);
  });

  it('accepts a url image and ignores unknown fields as pydantic does', async () => {
    const { app, engine } = await build();
    const response = await app.inject({
      method: 'POST',
      url: '/sam3/concept_segment',
      payload: {
        image: { type: 'url', value: 'https://example.com/a.jpg' },
        prompts: [{ text: 'x' }],
        id: 'abc',
        usage_billable: true,
      },
    });
    expect(response.statusCode).toBe(200);
    expect(engine.segments[0]!.image).toEqual({ url: 'https://example.com/a.jpg' });
  });

  const invalid: Array<[string, Record<string, unknown>]> = [
    ['seventeen-prompts', { image, prompts: Array.from({ length: 17 }, () => ({ text: 'a' })) }],
    ['no-prompts', { image, prompts: [] }],
    ['missing-image', { prompts: [{ text: 'a' }] }],
    ['threshold-above-one', { image, prompts: [{ text: 'a' }], output_prob_thresh: 1.5 }],
    ['unknown-format', { image, prompts: [{ text: 'a' }], format: 'binary' }],
    ['labels-length-mismatch', { image, prompts: [{ boxes: [{ x: 1, y: 1, width: 2, height: 2 }], box_labels: [] }] }],
    ['visual-without-boxes', { image, prompts: [{ type: 'visual', text: 'a' }] }],
    ['empty-prompt', { image, prompts: [{ text: '  ' }] }],
    ['numpy-image', { image: { type: 'numpy', value: 'x' }, prompts: [{ text: 'a' }] }],
  ];
  for (const [name, body] of invalid) {
    it(`answers 422 {detail} for ${name}`, async () => {
      const { app, engine } = await build();
      const response = await app.inject({ method: 'POST', url: '/sam3/concept_segment', payload: body });
      expect(response.statusCode).toBe(422);
      expect(engine.segments).toHaveLength(0);
      await expectGolden(GOLDEN(`error-${name}`), response.json());
    });
  }
});

describe('POST /sam3/visual_segment', () => {
  it('answers the points + centre-anchored box example with one prediction per prompt', async () => {
    const { app, engine } = await build();
    const body = {
      image,
      prompts: {
        prompts: [
          {
            points: [
              { x: 10, y: 10, positive: true },
              { x: 30, y: 20, positive: false },
            ],
          },
          { box: { x: 20, y: 15, width: 10, height: 8 } },
        ],
      },
      multimask_output: true,
    };
    const response = await app.inject({ method: 'POST', url: '/sam3/visual_segment', payload: body });
    expect(response.statusCode).toBe(200);
    await expectGolden(GOLDEN('visual-points-and-box'), pinned(response.json()));
    expect(engine.segments[0]!.objects).toEqual([
      {
        points: [
          { x: 10, y: 10, positive: true },
          { x: 30, y: 20, positive: false },
        ],
      },
      { box: { x0: 15, y0: 11, x1: 25, y1: 19 } },
    ]);
    expect(engine.released).toHaveLength(1);
  });

  it('accepts prompts as a flat list or one object, image_id without image, and rle', async () => {
    const { app, engine } = await build();
    const flat = await app.inject({
      method: 'POST',
      url: '/sam3/visual_segment',
      payload: { image, prompts: [{ points: [{ x: 5, y: 5, positive: true }] }], format: 'rle' },
    });
    expect(flat.statusCode).toBe(200);
    expect(flat.json().predictions[0].format).toBe('rle');
    expect(flat.json().predictions[0].masks.size).toEqual([30, 40]);
    const single = await app.inject({
      method: 'POST',
      url: '/sam3/visual_segment',
      payload: { image_id: 'cached', prompts: { points: [{ x: 5, y: 5, positive: true }] } },
    });
    expect(single.statusCode).toBe(200);
    expect(engine.segments[1]!.imageId).toBe('cached');
    expect(engine.segments[1]!.image).toBeUndefined();
  });

  it('answers 422 when there is no prompt or no image at all', async () => {
    const { app } = await build();
    const none = await app.inject({ method: 'POST', url: '/sam3/visual_segment', payload: { image } });
    expect(none.statusCode).toBe(422);
    await expectGolden(GOLDEN('error-visual-no-prompts'), none.json());
    const noImage = await app.inject({
      method: 'POST',
      url: '/sam3/visual_segment',
      payload: { prompts: [{ points: [{ x: 1, y: 1, positive: true }] }] },
    });
    expect(noImage.statusCode).toBe(422);
  });
});

describe('prompt caps (every list has one)', () => {
  const points = (n: number) => Array.from({ length: n }, (_, i) => ({ x: i % 40, y: 5, positive: true }));
  it('visual_segment: more than 64 points in one prompt is a 422 naming the field, before any work', async () => {
    const { app, engine } = await build();
    const response = await app.inject({
      method: 'POST',
      url: '/sam3/visual_segment',
      payload: { image, prompts: [{ points: points(1_000) }] },
    });
    expect(response.statusCode).toBe(422);
    expect(engine.segments).toHaveLength(0);
    expect(JSON.stringify(response.json())).toMatch(/points/);
    const ok = await app.inject({
      method: 'POST',
      url: '/sam3/visual_segment',
      payload: { image, prompts: [{ points: points(64) }] },
    });
    expect(ok.statusCode).toBe(200);
  });

  it('concept_segment: more than 64 exemplar boxes (or labels) in one prompt is a 422 naming the field', async () => {
    const { app, engine } = await build();
    const boxes = Array.from({ length: 65 }, () => ({ x: 1, y: 1, width: 2, height: 2 }));
    const response = await app.inject({
      method: 'POST',
      url: '/sam3/concept_segment',
      payload: { image, prompts: [{ boxes, box_labels: boxes.map(() => 1) }] },
    });
    expect(response.statusCode).toBe(422);
    expect(engine.segments).toHaveLength(0);
    expect(JSON.stringify(response.json())).toMatch(/boxes/);
  });
});

describe('POST /sam3/embed_image', () => {
  it("returns the image_id (the caller's or the content hash) and time", async () => {
    const { app } = await build();
    const own = await app.inject({ method: 'POST', url: '/sam3/embed_image', payload: { image, image_id: 'mine' } });
    expect(own.json().image_id).toBe('mine');
    const hashed = await app.inject({ method: 'POST', url: '/sam3/embed_image', payload: { image } });
    expect(hashed.json().image_id).toBe('fake-image-hash');
    expect(typeof hashed.json().time).toBe('number');
  });
});

describe('runtime errors', () => {
  const run = async (error: Error) => {
    const { app, engine } = await build();
    engine.failWith = error;
    return app.inject({ method: 'POST', url: '/sam3/concept_segment', payload: { image, prompts: [{ text: 'a' }] } });
  };
  it('an unreadable image is 400 "Could not load input image"', async () => {
    const response = await run(new SamError('IMAGE_DECODE_FAILED', 'Input buffer contains unsupported image format'));
    expect(response.statusCode).toBe(400);
    await expectGolden(GOLDEN('error-image-decode'), response.json());
  });
  it('a refused URL is 400 "Could not load input image"', async () => {
    const response = await run(
      new SamError(
        'IMAGE_URL_FORBIDDEN',
        'Refusing to fetch image URL http://10.0.0.1/a.png: 10.0.0.1 is a private address',
      ),
    );
    expect(response.statusCode).toBe(400);
    expect(response.json().message).toMatch(/^Could not load input image\. Cause: Refusing/);
  });
  it('an engine validation error is a 422 whose loc names the Roboflow prompt', async () => {
    const response = await run(
      invalidArgument(
        'concepts[0].boxes[0]',
        'a box with positive width and height (x1 > x0, y1 > y0)',
        'x0=1, y0=1, x1=1, y1=3',
      ),
    );
    expect(response.statusCode).toBe(422);
    expect(response.json().detail[0].loc).toEqual(['body', 'prompts', 0, 'boxes', 0]);
    expect(response.json().detail[0].msg).toMatch(/for prompts\[0\]\.boxes\[0\]/);
  });
  it('a full queue is 503 with Retry-After', async () => {
    const response = await run(new SamError('QUEUE_FULL', 'The inference queue is full'));
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('1');
    expect(response.json()).toEqual({ message: 'The inference queue is full' });
  });
  it('an unexpected failure is 500 "Internal error." without leaking details', async () => {
    const response = await run(new Error('secret stack detail'));
    expect(response.statusCode).toBe(500);
    expect(response.json()).toEqual({ message: 'Internal error.' });
  });
  it('an oversized image is 413', async () => {
    const response = await run(
      new SamError('IMAGE_TOO_LARGE', 'Expected at most 10 bytes for image but received 20', { limit: 10 }),
    );
    expect(response.statusCode).toBe(413);
  });
});
