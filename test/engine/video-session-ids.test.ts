// Object ids of concept objects in interactive sessions, on the demo model, both tracking modes: ids are the
// session's, not one propagation pass's. Two passes (forward and backward) never give one id to two objects, a
// second propagation keeps the ids of the first, a text prompt repeated on a frame does not duplicate objects, and a
// propagation in chunks (max_frames, then on from the next frame) continues every object under its id.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BinaryMask } from '../../src/domain/segmentation.js';
import type { VideoFrameResult } from '../../src/domain/video.js';
import { LocalEngine } from '../../src/engine/local-engine.js';
import { decodeCocoRle } from '../../src/masks/coco-rle.js';
import { maskIou } from '../../src/masks/mask-ops.js';
import { demoBundle } from '../helpers/demo-bundles.js';
import { COLORS, linear, writeSyntheticVideo, type SyntheticVideo } from '../helpers/synthetic-video.js';

const W = 192;
const H = 144;
const FRAMES = 40;
let dir: string;
let video: SyntheticVideo;
let bytes: Uint8Array;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sam3-session-ids-'));
  // Red only early (frames 0–9), blue only late (frames 28–39), green throughout: prompted on frame 20, where red
  // and blue are both absent, each pass meets a different one of them first.
  video = await writeSyntheticVideo(join(dir, 'ids.mp4'), {
    width: W,
    height: H,
    fps: 10,
    frames: FRAMES,
    shapes: [
      linear(COLORS.red, 36, 30, [10, 10], [60, 20], 0, 9, FRAMES),
      linear(COLORS.blue, 36, 30, [140, 90], [100, 80], 28, FRAMES - 1, FRAMES),
      linear(COLORS.green, 30, 30, [150, 20], [10, 100], 0, FRAMES - 1, FRAMES),
    ],
  });
  bytes = new Uint8Array(await readFile(video.path));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** id → the shapes (by index) its masks cover best, over every frame where it appears. */
function shapesOf(frames: readonly VideoFrameResult[]): Map<number, Set<number>> {
  const out = new Map<number, Set<number>>();
  for (const f of frames) {
    for (const o of f.objects) {
      const mask = decodeCocoRle(o.rle) as BinaryMask;
      let best = -1;
      let bestIou = 0;
      video.truth[f.index]!.forEach((t, k) => {
        const v = t ? maskIou(mask, t) : 0;
        if (v > bestIou) [best, bestIou] = [k, v];
      });
      expect(bestIou, `object ${o.id} on frame ${f.index}`).toBeGreaterThanOrEqual(0.9);
      out.set(o.id, (out.get(o.id) ?? new Set()).add(best));
    }
  }
  return out;
}

for (const memoryTracker of [true, false]) {
  describe(`session object ids (${memoryTracker ? 'memory tracker' : 'tracking by detection'})`, () => {
    let engine: LocalEngine;
    beforeAll(async () => {
      engine = await LocalEngine.create({ modelDir: await demoBundle(504, { memoryTracker }) });
    });
    afterAll(async () => {
      await engine?.close();
    });

    it('one id per object across both passes and across propagations', async () => {
      const sessions = engine.sessions;
      const { id } = await sessions.create({ bytes });
      const prompted = await sessions.prompt(id, { frameIndex: 20, text: 'red, blue, green' });
      expect(prompted.frame.objects).toHaveLength(1);
      const greenId = prompted.frame.objects[0]!.id;
      // The same text again on the same frame finds the same object, not a second one.
      const again = await sessions.prompt(id, { frameIndex: 20, text: 'green' });
      expect(again.frame.objects.map((o) => o.id)).toEqual([greenId]);

      const first: VideoFrameResult[] = [];
      await sessions.propagate(id, { direction: 'both' }, { frame: (f) => void first.push(f) });
      expect(first).toHaveLength(FRAMES);
      const shapes = shapesOf(first);
      // Three objects, each always the same shape, and three different ids.
      expect([...shapes.values()].map((s) => [...s])).toHaveLength(3);
      for (const [objId, s] of shapes) expect(s.size, `object ${objId} covers one shape`).toBe(1);
      const idOfShape = new Map([...shapes].map(([objId, s]) => [[...s][0]!, objId]));
      expect(idOfShape.get(2)).toBe(greenId);
      const info = sessions.get(id);
      expect(info.objects.map((o) => [o.id, o.label])).toEqual(
        [...idOfShape].sort((a, b) => a[1] - b[1]).map(([shape, objId]) => [objId, ['red', 'blue', 'green'][shape]]),
      );

      // Propagating again (backward first this time, then forward) gives every object the id it had.
      const second: VideoFrameResult[] = [];
      await sessions.propagate(
        id,
        { direction: 'backward', startFrame: FRAMES - 1 },
        { frame: (f) => void second.push(f) },
      );
      await sessions.propagate(id, { direction: 'forward', startFrame: 0 }, { frame: (f) => void second.push(f) });
      for (const [objId, s] of shapesOf(second)) expect(idOfShape.get([...s][0]!), `shape ${[...s][0]}`).toBe(objId);
      await sessions.close(id);
    }, 240_000);

    it('a propagation in chunks continues concept and clicked objects under their ids', async () => {
      const sessions = engine.sessions;
      const { id } = await sessions.create({ bytes });
      const red = (await sessions.prompt(id, { frameIndex: 2, text: 'red' })).frame.objects.map((o) => o.id);
      expect(red).toHaveLength(1);
      const green = centroidOf(video.truth[2]![2]!);
      const clicked = (
        await sessions.prompt(id, {
          frameIndex: 2,
          points: [{ x: green[0], y: green[1], positive: true }],
          label: 'player',
        })
      ).objId!;
      const run = async (
        direction: 'forward' | 'backward',
        startFrame: number,
        maxFrames: number,
      ): Promise<VideoFrameResult[]> => {
        const out: VideoFrameResult[] = [];
        await sessions.propagate(id, { direction, startFrame, maxFrames }, { frame: (f) => void out.push(f) });
        return out;
      };
      const chunks = [
        await run('forward', 2, 4), // frames 2–5
        await run('forward', 6, 6), // 6–11: starts where the session has not been
        await run('forward', 11, 3), // 11–13: starts on a visited frame, the click is out of its range
        await run('backward', 1, 2), // 1, 0: a backward chunk
      ];
      expect(chunks.map((c) => c.map((f) => f.index))).toEqual([
        [2, 3, 4, 5],
        [6, 7, 8, 9, 10, 11],
        [11, 12, 13],
        [1, 0],
      ]);
      const frames = chunks.flat();
      const shapes = shapesOf(frames);
      expect([...shapes.keys()].sort((a, b) => a - b)).toEqual([red[0]!, clicked].sort((a, b) => a - b));
      expect([...shapes.get(red[0]!)!]).toEqual([0]);
      expect([...shapes.get(clicked)!]).toEqual([2]);
      // Every frame shows what is there: red up to frame 9, the clicked green square on every frame.
      for (const f of frames)
        expect(
          f.objects.map((o) => o.id).sort((a, b) => a - b),
          `frame ${f.index}`,
        ).toEqual((f.index <= 9 ? [...red, clicked] : [clicked]).sort((a, b) => a - b));
      expect(
        sessions
          .get(id)
          .objects.map((o) => o.id)
          .sort((a, b) => a - b),
      ).toEqual([red[0]!, clicked].sort((a, b) => a - b));
      await sessions.close(id);
    }, 240_000);
  });
}

function centroidOf(mask: BinaryMask): [number, number] {
  let sx = 0;
  let sy = 0;
  let n = 0;
  for (let y = 0; y < mask.height; y++)
    for (let x = 0; x < mask.width; x++) if (mask.data[y * mask.width + x]) [sx, sy, n] = [sx + x, sy + y, n + 1];
  return [sx / n, sy / n];
}
