// Video tracking with memory against the reference on the real SAM 3 tracker architecture (tiny widths at 336 px,
// random weights): test/fixtures/reference/tiny-sam3-video was written by tools/reference/make_video_goldens.py, which
// ran transformers' Sam3TrackerVideoModel on a 20-frame clip with one object prompted on frame 0 (a click, a positive
// and a negative click, a box) and exported the graphs sam3-server runs from the same weights. sam3-server's session
// (image-sequence source, prompt, forward propagation) must give the same object on every frame: mask IoU ≥ 0.98, and
// present on exactly the frames where the reference shows it (measured: IoU ≥ 0.99997 on all 60 frames; asserted at
// 0.995). What only trained weights can show is not tested.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BinaryMask } from '../../src/domain/segmentation.js';
import type { VideoFrameResult } from '../../src/domain/video.js';
import { LocalEngine } from '../../src/engine/local-engine.js';
import { decodeCocoRle } from '../../src/masks/coco-rle.js';
import { maskIou } from '../../src/masks/mask-ops.js';

const BUNDLE = join(import.meta.dirname, '..', 'fixtures', 'reference', 'tiny-sam3-video');

type Rle = { size: [number, number]; counts: string };
interface Case {
  prompt: { name: string; points?: number[][]; labels?: number[]; box?: number[] };
  frames: Array<{ frame: number; objectScoreLogit: number; iou: number; rle: Rle }>;
}
interface Goldens {
  resolution: number;
  frames: number;
  cases: Record<string, Case>;
}

let goldens: Goldens;
let engine: LocalEngine;
let frames: Uint8Array[];

beforeAll(async () => {
  goldens = JSON.parse(await readFile(join(BUNDLE, 'goldens.json'), 'utf8')) as Goldens;
  const names = (await readdir(join(BUNDLE, 'clip'))).filter((n) => n.endsWith('.png')).sort();
  frames = await Promise.all(names.map((n) => readFile(join(BUNDLE, 'clip', n))));
  // transformers' tracker-only model cleans no holes; Meta's SAM 3 video model (sam3-server's default) fills holes and
  // removes specks up to 16 cells of 288² before output and memory, which on random-weight masks full of specks is
  // what makes the difference. The rest of the host loop is what is compared.
  engine = await LocalEngine.create({ modelDir: BUNDLE, videoTracking: { fillHoleAreaPx: 0 } });
});
afterAll(async () => engine?.close());

const mask = (rle: Rle): BinaryMask => decodeCocoRle(rle);

describe('memory tracking against transformers Sam3TrackerVideoModel (tiny real architecture)', () => {
  it('the clip and the goldens agree', () => {
    expect(frames).toHaveLength(goldens.frames);
    expect(Object.keys(goldens.cases).sort()).toEqual(['box', 'click', 'clicks']);
  });

  for (const name of ['click', 'clicks', 'box']) {
    it(`${name}: the object on every frame matches (IoU ≥ 0.98, same visibility)`, async () => {
      const sessions = engine.sessions!;
      const golden = goldens.cases[name]!;
      const session = await sessions.create({ frames });
      try {
        const p = golden.prompt;
        const b = p.box;
        const { objId } = await sessions.prompt(session.id, {
          frameIndex: 0,
          points: (p.points ?? []).map(([x, y], i) => ({ x: x!, y: y!, positive: p.labels![i] === 1 })),
          ...(b ? { box: { x0: b[0]!, y0: b[1]!, x1: b[2]!, y1: b[3]! } } : {}),
        });
        const got = new Map<number, VideoFrameResult>();
        const pass = await sessions.propagate(
          session.id,
          { direction: 'forward', startFrame: 0 },
          { frame: (f) => void got.set(f.index, f) },
        );
        expect(pass.mode).toBe('memory-tracker');
        const ious: number[] = [];
        for (const g of golden.frames) {
          const expected = mask(g.rle);
          let area = 0;
          for (const v of expected.data) area += v;
          const object = got.get(g.frame)?.objects.find((o) => o.id === objId);
          expect(object !== undefined, `frame ${g.frame}: present in the reference ${area > 0}`).toBe(area > 0);
          if (!object) continue;
          ious.push(maskIou(mask(object.rle as Rle), expected));
        }
        expect(Math.min(...ious), `IoU per frame ${ious.map((v) => v.toFixed(4)).join(' ')}`).toBeGreaterThanOrEqual(
          0.995,
        );
      } finally {
        await sessions.close(session.id);
      }
    });
  }
});
