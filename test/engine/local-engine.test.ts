// LocalEngine on the demo bundles: every prompt type, several sizes and aspect ratios, EXIF rotation, both
// resolutions (1008 and 504), caching counters.
import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import { LocalEngine } from '../../src/engine/local-engine.js';
import { demoBundle } from '../helpers/demo-bundles.js';
import {
  BLUE,
  GREEN,
  RED,
  drawScene,
  encodeExifRotatedJpeg,
  encodePng,
  iou,
  unionMask,
  type Scene,
} from '../helpers/scenes.js';

function sceneOf(width: number, height: number): Scene {
  return drawScene(width, height, [
    { kind: 'rect', color: RED, x0: width * 0.1, y0: height * 0.15, x1: width * 0.45, y1: height * 0.6 },
    { kind: 'ellipse', color: BLUE, cx: width * 0.7, cy: height * 0.55, rx: width * 0.18, ry: height * 0.25 },
    { kind: 'rect', color: GREEN, x0: width * 0.15, y0: height * 0.7, x1: width * 0.35, y1: height * 0.92 },
  ]);
}

for (const resolution of [1008, 504]) {
  describe(`demo model at R=${resolution}`, () => {
    let engine: LocalEngine;
    beforeAll(async () => {
      engine = await LocalEngine.create({ modelDir: await demoBundle(resolution) });
    });
    afterAll(() => engine.close());

    it('reports sizes read from the graphs, not constants', () => {
      expect(engine.model.info.concepts).toMatchObject({
        resolution,
        maskSize: (4 * resolution) / 14,
        queries: 200,
        textLength: 32,
      });
      expect(engine.model.info.objects).toMatchObject({ resolution, maskSize: (4 * resolution) / 14 });
      expect(engine.info().model.label).toBe('demo (synthetic, not SAM 3)');
    });

    for (const [w, h] of [
      [640, 480],
      [300, 520],
      [1280, 720],
    ] as const) {
      it(`text prompts find the named colors at ${w}×${h}`, async () => {
        const scene = sceneOf(w, h);
        const r = await engine.segment({
          image: await encodePng(scene),
          concepts: [{ text: 'red' }, { text: 'the blue' }, { text: 'yellow' }, { text: 'dog' }],
        });
        expect(r.width).toBe(w);
        expect(r.height).toBe(h);
        const [red, blue, yellow, dog] = r.concepts;
        expect(red!.instances).toHaveLength(1);
        expect(red!.instances[0]!.score).toBeGreaterThanOrEqual(0.9);
        expect(iou(red!.instances[0]!.mask, scene.masks[0]!)).toBeGreaterThanOrEqual(0.95);
        expect(iou(blue!.instances[0]!.mask, scene.masks[1]!)).toBeGreaterThanOrEqual(0.95);
        expect(yellow!.instances).toHaveLength(0);
        expect(dog!.instances).toHaveLength(0);
        const box = red!.instances[0]!.box;
        expect(Math.abs(box.x0 - w * 0.1)).toBeLessThan(w * 0.02);
        expect(Math.abs(box.y1 - h * 0.6)).toBeLessThan(h * 0.02);
      });
    }

    it('exemplar boxes: positive finds all of its color, negative removes its color', async () => {
      const scene = sceneOf(800, 600);
      const image = await encodePng(scene);
      const redBox = { x0: 100, y0: 110, x1: 340, y1: 340 };
      const blueBox = { x0: 470, y0: 250, x1: 650, y1: 400 };
      const r = await engine.segment({
        image,
        concepts: [
          { exemplars: [{ box: redBox, positive: true }] },
          {
            exemplars: [
              { box: redBox, positive: true },
              { box: blueBox, positive: true },
            ],
          },
          { text: 'red', exemplars: [{ box: redBox, positive: false }] },
          {
            exemplars: [
              { box: redBox, positive: true },
              { box: blueBox, positive: true },
              { box: { x0: 130, y0: 430, x1: 270, y1: 540 }, positive: false },
            ],
          },
        ],
      });
      expect(iou(r.concepts[0]!.instances[0]!.mask, scene.masks[0]!)).toBeGreaterThanOrEqual(0.95);
      expect(
        iou(r.concepts[1]!.instances[0]!.mask, unionMask([scene.masks[0]!, scene.masks[1]!])),
      ).toBeGreaterThanOrEqual(0.95);
      expect(r.concepts[2]!.instances).toHaveLength(0);
      expect(
        iou(r.concepts[3]!.instances[0]!.mask, unionMask([scene.masks[0]!, scene.masks[1]!])),
      ).toBeGreaterThanOrEqual(0.95);
    });

    it('points and boxes select one object; best of 3 candidates by predicted IoU', async () => {
      const scene = sceneOf(640, 480);
      const image = await encodePng(scene);
      const r = await engine.segment({
        image,
        objects: [
          { points: [{ x: 150, y: 150, positive: true }] },
          { box: { x0: 330, y0: 130, x1: 570, y1: 400 } },
          {
            points: [
              { x: 150, y: 150, positive: true },
              { x: 448, y: 264, positive: true },
              { x: 160, y: 160, positive: false },
            ],
          },
          { box: { x0: 40, y0: 60, x1: 170, y1: 300 } },
        ],
      });
      expect(iou(r.objects[0]!.candidates[0]!.mask, scene.masks[0]!)).toBeGreaterThanOrEqual(0.95);
      expect(r.objects[0]!.candidates[0]!.score).toBeCloseTo(0.92, 5);
      expect(iou(r.objects[1]!.candidates[0]!.mask, scene.masks[1]!)).toBeGreaterThanOrEqual(0.95);
      expect(iou(r.objects[2]!.candidates[0]!.mask, scene.masks[1]!)).toBeGreaterThanOrEqual(0.95); // red removed by the negative click
      const partial = r.objects[3]!.candidates[0]!; // box over part of the red rectangle: only red inside the box
      expect(partial.box.x0).toBeGreaterThanOrEqual(60);
      expect(partial.box.x1).toBeLessThanOrEqual(172);
      expect(partial.box.y1).toBeLessThanOrEqual(290);
      const all = await engine.segment({
        image,
        objects: [{ points: [{ x: 150, y: 150, positive: true }] }],
        allCandidates: true,
      });
      expect(all.objects[0]!.candidates.map((c) => Math.round(c.score * 100))).toEqual([92, 55, 20]);
    });

    it('EXIF-rotated JPEG: coordinates and masks refer to the upright image', async () => {
      const scene = sceneOf(480, 640);
      const jpeg = await encodeExifRotatedJpeg(scene);
      const r = await engine.segment({
        image: jpeg,
        concepts: [{ text: 'red' }],
        objects: [{ points: [{ x: 130, y: 200, positive: true }] }],
      });
      expect([r.width, r.height]).toEqual([480, 640]);
      expect(iou(r.concepts[0]!.instances[0]!.mask, scene.masks[0]!)).toBeGreaterThanOrEqual(0.95);
      expect(iou(r.objects[0]!.candidates[0]!.mask, scene.masks[0]!)).toBeGreaterThanOrEqual(0.95);
    });
  });
}

describe('caching', () => {
  it('k concepts encode the image once; a second request encodes nothing; repeated text hits the cache', async () => {
    const engine = await LocalEngine.create({ modelDir: await demoBundle(1008) });
    try {
      const image = await encodePng(sceneOf(320, 240));
      await engine.segment({ image, concepts: [{ text: 'red' }, { text: 'blue' }, { text: 'green' }] });
      expect(engine.model.counters.conceptVisionRuns).toBe(1);
      expect(engine.model.counters.textEncoderRuns).toBe(3);
      await engine.segment({ image, concepts: [{ text: 'red' }, { text: 'blue' }] });
      expect(engine.model.counters.conceptVisionRuns).toBe(1);
      expect(engine.model.counters.textEncoderRuns).toBe(3);
      expect(engine.stats().textCache.hits).toBeGreaterThanOrEqual(2);
      const embedded = await engine.embed({ image, imageId: 'scene-1' });
      expect(embedded.imageId).toBe('scene-1');
      expect(engine.model.counters.objectVisionRuns).toBe(1);
      const byId = await engine.segment({
        imageId: 'scene-1',
        concepts: [{ text: 'red' }],
        objects: [{ points: [{ x: 60, y: 60, positive: true }] }],
      });
      expect(byId.concepts[0]!.instances).toHaveLength(1);
      expect(byId.objects[0]!.candidates[0]!.area).toBeGreaterThan(0);
      expect(engine.model.counters.conceptVisionRuns).toBe(1);
      expect(engine.model.counters.objectVisionRuns).toBe(1);
      await expect(engine.segment({ imageId: 'never-seen', concepts: [{ text: 'red' }] })).rejects.toThrow(
        /not in the embedding cache/,
      );
      // includeImage hands back the decoded pixels (decoding once more only on a cache hit, where none were decoded).
      const withImage = await engine.segment({ image, concepts: [{ text: 'red' }], includeImage: true });
      expect([withImage.image?.width, withImage.image?.height, withImage.image?.data.length]).toEqual([
        320,
        240,
        320 * 240 * 3,
      ]);
      expect((await engine.segment({ image, concepts: [{ text: 'red' }] })).image).toBeUndefined();
    } finally {
      await engine.close();
    }
  });
});
