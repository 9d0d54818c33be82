// Segment everything on the demo model: a grid of clicks over a scene of coloured shapes gives one mask per shape,
// no duplicates; through POST /v1/segment as a prompt of type "everything"; bad grid options are refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalEngine } from '../../src/engine/local-engine.js';
import { buildApp } from '../../src/http/app.js';
import { decodeCocoRle } from '../../src/masks/coco-rle.js';
import { maskIou } from '../../src/masks/mask-ops.js';
import { TEST_LIMITS } from '../helpers/build-app.js';
import { demoBundle } from '../helpers/demo-bundles.js';
import { BLUE, GREEN, RED, drawScene, encodePng, type Scene } from '../helpers/scenes.js';

let engine: LocalEngine;
let scene: Scene;
let png: Buffer;

beforeAll(async () => {
  engine = await LocalEngine.create({ modelDir: await demoBundle(504) });
  scene = drawScene(320, 240, [
    { kind: 'rect', color: RED, x0: 20, y0: 20, x1: 120, y1: 110 },
    { kind: 'ellipse', color: BLUE, cx: 230, cy: 70, rx: 60, ry: 45 },
    { kind: 'rect', color: GREEN, x0: 60, y0: 150, x1: 260, y1: 220 },
  ]);
  png = await encodePng(scene);
}, 60_000);
afterAll(async () => {
  await engine?.close();
});

/** For each drawn shape, the returned masks that cover it (IoU ≥ 0.9). */
function matches(masks: ReadonlyArray<Parameters<typeof maskIou>[0]>): number[][] {
  return scene.masks.map((truth) => masks.flatMap((m, k) => (maskIou(m, truth) >= 0.9 ? [k] : [])));
}

describe('segment everything', () => {
  it('finds each shape once, and no two masks overlap much', async () => {
    const r = await engine.segment({ image: png, everything: { pointsPerSide: 12 } });
    const masks = r.everything!.map((i) => i.mask);
    for (const hits of matches(masks)) expect(hits).toHaveLength(1);
    for (let a = 0; a < masks.length; a++)
      for (let b = a + 1; b < masks.length; b++) expect(maskIou(masks[a]!, masks[b]!)).toBeLessThan(0.5);
    expect(r.everything!.every((i) => i.score >= 0.88)).toBe(true);
    expect(r.timings.pvs_decoder).toBeGreaterThan(0);
  });

  it('answers POST /v1/segment {"type": "everything"} with RLE instances, and refuses a bad grid', async () => {
    const app = await buildApp({
      engine,
      limits: { ...TEST_LIMITS, maxBodyBytes: 4 << 20, maxImageBytes: 4 << 20, requestTimeoutMs: 60_000 },
      version: 'test',
    });
    try {
      const ok = await app.inject({
        method: 'POST',
        url: '/v1/segment',
        payload: { image: { base64: png.toString('base64') }, prompts: [{ type: 'everything', points_per_side: 12 }] },
      });
      expect(ok.statusCode).toBe(200);
      const body = ok.json() as {
        prompts: Array<{
          type: string;
          instances: Array<{ mask: { rle: { size: [number, number]; counts: string } } }>;
        }>;
      };
      expect(body.prompts[0]!.type).toBe('everything');
      const masks = body.prompts[0]!.instances.map((i) => decodeCocoRle(i.mask.rle));
      for (const hits of matches(masks)) expect(hits).toHaveLength(1);

      const bad = await app.inject({
        method: 'POST',
        url: '/v1/segment',
        payload: { image: { base64: png.toString('base64') }, prompts: [{ type: 'everything', points_per_side: 500 }] },
      });
      expect(bad.statusCode).toBe(400);
      const mixed = await app.inject({
        method: 'POST',
        url: '/v1/segment',
        payload: {
          image: { base64: png.toString('base64') },
          prompts: [{ type: 'concept', text: 'red', points_per_side: 4 }],
        },
      });
      expect(mixed.statusCode).toBe(400);
      expect(mixed.json()).toMatchObject({ error: { details: { field: 'prompts[0].points_per_side' } } });
    } finally {
      await app.close();
    }
  });
});
