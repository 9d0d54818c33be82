// Video tracking on the demo model through the real pipeline (ffmpeg decode, ONNX graphs, tracker, RLE):
// stable ids through crossing, leaving and re-entering, objects appearing mid-video, clicked objects, hotstart.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Value } from 'typebox/value';
import { VideoRleDocument } from '../../src/api/video-rle-wire.js';
import type { BinaryMask } from '../../src/domain/segmentation.js';
import type { VideoFrameResult } from '../../src/domain/video.js';
import { LocalEngine } from '../../src/engine/local-engine.js';
import { decodeCocoRle } from '../../src/masks/coco-rle.js';
import { maskIou } from '../../src/masks/mask-ops.js';
import { demoBundle } from '../helpers/demo-bundles.js';
import {
  COLORS,
  linear,
  writeSyntheticVideo,
  type MovingShape,
  type SyntheticVideo,
} from '../helpers/synthetic-video.js';

let dir: string;
const engines = new Map<string, LocalEngine>();
let engine: LocalEngine;
// The demo bundle at 672 px has a 192² mask grid, as fine as these frames: masks are exact to about a pixel.
const W = 192;
const H = 144;
const FRAMES = 40;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sam3-video-track-'));
  engines.set('memory-tracker', await LocalEngine.create({ modelDir: await demoBundle(672) }));
  engines.set(
    'tracking-by-detection',
    await LocalEngine.create({ modelDir: await demoBundle(672, { memoryTracker: false }) }),
  );
});
afterAll(async () => {
  for (const e of engines.values()) await e.close();
  await rm(dir, { recursive: true, force: true });
});

async function run(
  video: SyntheticVideo,
  request: {
    concepts?: string[];
    objects?: Parameters<LocalEngine['segmentVideo']>[0]['objects'];
    outputDelayFrames?: number;
  },
) {
  const frames: VideoFrameResult[] = [];
  const progress: number[] = [];
  const summary = await engine.segmentVideo(
    {
      video: video.path,
      concepts: request.concepts ?? [],
      objects: request.objects ?? [],
      documentPath: join(dir, 'out.json'),
      tracking: { outputDelayFrames: request.outputDelayFrames ?? 15 },
    },
    { frame: (f) => void frames.push(f), progress: (p) => void progress.push(p.framesDone) },
  );
  return { frames, summary, progress };
}

/** For one object id: IoU against the truth of shape k on every frame where the shape is present; and frames where it is absent but a mask exists. */
function follow(
  frames: VideoFrameResult[],
  video: SyntheticVideo,
  id: number,
  shape: number,
): { minIou: number; ghostFrames: number[]; missing: number[] } {
  let minIou = 1;
  const ghostFrames: number[] = [];
  const missing: number[] = [];
  frames.forEach((f, i) => {
    const truth = video.truth[i]![shape];
    const got = f.objects.find((o) => o.id === id);
    if (!truth) {
      if (got) ghostFrames.push(i);
      return;
    }
    if (!got) return void missing.push(i);
    const v = maskIou(decodeCocoRle(got.rle) as BinaryMask, truth);
    minIou = Math.min(minIou, v);
  });
  return { minIou, ghostFrames, missing };
}

const idOn = (frames: VideoFrameResult[], frame: number, video: SyntheticVideo, shape: number): number | undefined => {
  const truth = video.truth[frame]![shape]!;
  return frames[frame]!.objects.find((o) => maskIou(decodeCocoRle(o.rle) as BinaryMask, truth) > 0.5)?.id;
};

describe.each(['memory-tracker', 'tracking-by-detection'] as const)('video tracking on the demo model (%s)', (mode) => {
  beforeAll(() => {
    engine = engines.get(mode)!;
  });

  it('keeps ids through crossing, leaving and re-entering, and mid-video appearance; absent objects have no masks', async () => {
    const shapes: MovingShape[] = [
      linear(COLORS.red, 40, 36, [4, 20], [148, 40], 0, FRAMES - 1, FRAMES),
      linear(COLORS.blue, 40, 36, [148, 60], [4, 50], 0, FRAMES - 1, FRAMES),
      {
        color: COLORS.green,
        at: (f) => (f >= 16 && f < 24 ? null : { x0: 10 + f * 2, y0: 100, x1: 50 + f * 2, y1: 136 }),
      },
      linear(COLORS.yellow, 30, 30, [150, 2], [100, 10], 10, FRAMES - 1, FRAMES),
    ];
    const video = await writeSyntheticVideo(join(dir, 'scene.mp4'), {
      width: W,
      height: H,
      fps: 10,
      frames: FRAMES,
      shapes,
    });
    const { frames, summary, progress } = await run(video, { concepts: ['red', 'blue', 'green', 'yellow'] });
    expect(summary.frameCount).toBe(FRAMES);
    expect(summary.mode).toBe(mode);
    expect(frames.map((f) => f.index)).toEqual(Array.from({ length: FRAMES }, (_, i) => i));
    expect(progress.at(-1)).toBe(FRAMES);
    const ids = shapes.map((_, k) => idOn(frames, k === 3 ? 12 : 0, video, k));
    expect(new Set(ids).size).toBe(4);
    shapes.forEach((_, k) => {
      const r = follow(frames, video, ids[k]!, k);
      expect(r.missing, `shape ${k} missing frames`).toEqual([]);
      expect(r.ghostFrames, `shape ${k} ghost frames`).toEqual([]);
      expect(r.minIou, `shape ${k} min IoU`).toBeGreaterThanOrEqual(0.9);
    });
    expect(summary.objects.map((o) => o.label).sort()).toEqual(['blue', 'green', 'red', 'yellow']);
    expect(summary.objects.find((o) => o.id === ids[3])!.firstFrame).toBe(10);
    const doc = JSON.parse(await readFile(join(dir, 'out.json'), 'utf8')) as {
      video: unknown;
      size: number[];
      frames: unknown[];
      objects: unknown[];
    };
    expect([...Value.Errors(VideoRleDocument, doc)].map((e) => `${e.instancePath} ${e.message}`)).toEqual([]);
    expect(doc.video).toEqual({ width: W, height: H, fps: 10, frame_count: FRAMES });
    expect(doc.size).toEqual([H, W]);
    expect(doc.frames).toHaveLength(FRAMES);
    expect(doc.objects).toHaveLength(4);
  }, 120_000);

  it('removes an object seen only briefly (hotstart), retroactively when frames are held back', async () => {
    const shapes: MovingShape[] = [
      linear(COLORS.red, 40, 36, [10, 20], [120, 40], 0, 29, 30),
      { color: [255, 0, 255], at: (f) => (f >= 4 && f <= 6 ? { x0: 120, y0: 90, x1: 160, y1: 130 } : null) },
    ];
    const video = await writeSyntheticVideo(join(dir, 'flash.mp4'), {
      width: W,
      height: H,
      fps: 10,
      frames: 30,
      shapes,
    });
    const held = await run(video, { concepts: ['red', 'magenta'] });
    expect(held.summary.objects.map((o) => o.label)).toEqual(['red']);
    expect(held.frames.every((f) => f.objects.length === 1)).toBe(true);
    const streaming = await run(video, { concepts: ['red', 'magenta'], outputDelayFrames: 0 });
    expect(streaming.frames[5]!.objects).toHaveLength(2);
    expect(streaming.summary.objects.map((o) => o.label)).toEqual(['red']);
  }, 120_000);

  it('follows a clicked object from its prompt frame on, under its own id', async () => {
    const shapes: MovingShape[] = [linear(COLORS.blue, 40, 36, [10, 50], [140, 60], 0, 29, 30)];
    const video = await writeSyntheticVideo(join(dir, 'click.mp4'), {
      width: W,
      height: H,
      fps: 10,
      frames: 30,
      shapes,
    });
    const start = shapes[0]!.at(8)!;
    const { frames, summary } = await run(video, {
      objects: [
        {
          frameIndex: 8,
          objId: 7,
          label: 'ball',
          points: [{ x: (start.x0 + start.x1) / 2, y: (start.y0 + start.y1) / 2, positive: true }],
        },
      ],
    });
    expect(summary.objects).toEqual([{ id: 7, label: 'ball', firstFrame: 8 }]);
    expect(frames.slice(0, 8).every((f) => f.objects.length === 0)).toBe(true);
    const r = follow(frames.slice(8), { ...video, truth: video.truth.slice(8) }, 7, 0);
    expect(r.missing).toEqual([]);
    expect(r.minIou).toBeGreaterThanOrEqual(0.9);
  }, 120_000);
});
