// The engine with its model-input resize on worker threads answers exactly as with the resize inline.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalEngine } from '../../src/engine/local-engine.js';
import { demoBundle } from '../helpers/demo-bundles.js';
import { BLUE, RED, drawScene, encodePng } from '../helpers/scenes.js';

let inline: LocalEngine;
let threaded: LocalEngine;
beforeAll(async () => {
  const modelDir = await demoBundle(504);
  inline = await LocalEngine.create({ modelDir, resizeThreads: 0 });
  threaded = await LocalEngine.create({ modelDir, resizeThreads: 2 });
}, 60_000);
afterAll(async () => {
  await inline?.close();
  await threaded?.close();
});

describe('resize threads', () => {
  it('give the same masks, boxes and scores as the inline resize', async () => {
    const image = await encodePng(
      drawScene(733, 411, [
        { kind: 'rect', color: RED, x0: 40, y0: 30, x1: 300, y1: 260 },
        { kind: 'ellipse', color: BLUE, cx: 520, cy: 200, rx: 120, ry: 90 },
      ]),
    );
    const request = {
      image,
      concepts: [{ text: 'red' }, { text: 'blue' }],
      objects: [{ points: [{ x: 520, y: 200, positive: true }] }],
      maskEncodings: ['rle' as const],
    };
    const [a, b] = [await inline.segment(request), await threaded.segment(request)];
    const plain = (r: typeof a) => ({
      concepts: r.concepts.map((c) => c.instances.map((i) => [i.score, i.box, i.encoded?.rle])),
      objects: r.objects.map((o) => o.candidates.map((i) => [i.score, i.encoded?.rle])),
    });
    expect(plain(b)).toEqual(plain(a));
  });
});
