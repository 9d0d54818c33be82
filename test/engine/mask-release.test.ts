// Results given back with `release` lend their mask memory to later requests: the later masks are exactly those of
// an engine that never reuses memory, whatever the earlier masks held.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SegmentRequest, SegmentResult } from '../../src/engine/engine.js';
import { LocalEngine } from '../../src/engine/local-engine.js';
import { demoBundle } from '../helpers/demo-bundles.js';
import { BLUE, GREEN, RED, drawScene, encodePng } from '../helpers/scenes.js';

let engine: LocalEngine;
beforeAll(async () => {
  engine = await LocalEngine.create({ modelDir: await demoBundle(504) });
}, 60_000);
afterAll(() => engine?.close());

const masksOf = (r: SegmentResult) => [
  ...r.concepts.flatMap((c) => c.instances.map((i) => Buffer.from(i.mask.data).toString('base64'))),
  ...r.objects.flatMap((o) => o.candidates.map((i) => Buffer.from(i.mask.data).toString('base64'))),
];

describe('release', () => {
  it('lends the masks to the next request, whose masks equal a fresh computation', async () => {
    const big = await encodePng(
      drawScene(640, 480, [
        { kind: 'rect', color: RED, x0: 0, y0: 0, x1: 640, y1: 300 },
        { kind: 'rect', color: GREEN, x0: 0, y0: 300, x1: 640, y1: 480 },
      ]),
    );
    const small = await encodePng(
      drawScene(640, 480, [
        { kind: 'ellipse', color: RED, cx: 500, cy: 400, rx: 40, ry: 30 },
        { kind: 'rect', color: BLUE, x0: 20, y0: 20, x1: 90, y1: 60 },
      ]),
    );
    const request = (image: Uint8Array): SegmentRequest => ({
      image,
      concepts: [{ text: 'red' }, { text: 'green' }, { text: 'blue' }],
      objects: [{ points: [{ x: 50, y: 40, positive: true }] }],
      maskEncodings: ['rle'],
    });
    const expected = masksOf(await engine.segment(request(small)));
    const first = await engine.segment(request(big));
    const firstFrames = new Set(first.concepts.flatMap((c) => c.instances.map((i) => i.mask.data)));
    engine.release(first);
    engine.release(first); // twice: harmless
    const second = await engine.segment(request(small));
    // Some of the second request's masks live in the first one's frames, zeroed and rewritten.
    const reused = second.concepts.flatMap((c) => c.instances).filter((i) => firstFrames.has(i.mask.data));
    expect(reused.length).toBeGreaterThan(0);
    expect(masksOf(second)).toEqual(expected);
    expect(second.concepts.map((c) => c.instances.map((i) => i.encoded?.rle?.counts))).toEqual(
      (await engine.segment(request(small))).concepts.map((c) => c.instances.map((i) => i.encoded?.rle?.counts)),
    );
  });
});
