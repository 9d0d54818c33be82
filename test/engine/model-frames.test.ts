// readModelFrames (decoding and preprocessing in a worker thread) against the real ffmpeg: every frame's tensor
// equals the main-thread conversion, a truncated file fails with VIDEO_DECODE_FAILED, and aborting or stopping
// early ends the worker without a hang.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SamError } from '../../src/domain/errors.js';
import { readModelFrames } from '../../src/engine/video/model-frames.js';
import { framePlanes, readVideoFrames } from '../../src/media/video-frames.js';
import { probeVideo } from '../../src/media/video-probe.js';
import { planarToNormalizedNchw } from '../../src/model/sam3/preprocess.js';
import { COLORS, linear, writeSyntheticVideo, type SyntheticVideo } from '../helpers/synthetic-video.js';

const R = 56;
let dir: string;
let clip: SyntheticVideo;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sam3-model-frames-'));
  clip = await writeSyntheticVideo(join(dir, 'clip.mp4'), {
    width: 96,
    height: 64,
    fps: 10,
    frames: 20,
    shapes: [linear(COLORS.blue, 20, 16, [0, 10], [70, 30], 0, 19, 20)],
  });
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('readModelFrames', () => {
  it('yields every frame as the normalised tensor the main thread would make, with its timestamp', async () => {
    const expected: Float32Array[] = [];
    for await (const f of readVideoFrames(clip.path, { width: R, height: R, layout: 'planar' }))
      expected.push(planarToNormalizedNchw(framePlanes(f.data, R, R), R));
    const got: Array<{ index: number; timeS: number; pixels: number[] }> = [];
    for await (const f of readModelFrames(clip.path, R, {})) {
      await new Promise((resolve) => setTimeout(resolve, 3)); // a slow consumer: the worker must wait, not drop
      got.push({ index: f.index, timeS: f.timeS, pixels: Array.from(f.pixels) });
    }
    expect(got.map((f) => f.index)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    got.forEach((f, i) => {
      expect(f.timeS).toBeCloseTo(i / 10, 3);
      expect(f.pixels).toEqual(Array.from(expected[i]!));
    });
  });

  it('fails a truncated file with VIDEO_DECODE_FAILED from the worker', async () => {
    const cut = join(dir, 'cut.mp4');
    const bytes = await readFile(clip.path);
    await writeFile(cut, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    const info = await probeVideo(cut);
    const drain = async () => {
      for await (const f of readModelFrames(cut, R, { expectedFrames: info.frameCount }))
        expect(f.pixels.length).toBe(3 * R * R);
    };
    await expect(drain()).rejects.toMatchObject({
      code: 'VIDEO_DECODE_FAILED',
      message: expect.stringMatching(/truncated|could not|no decodable/),
    });
  });

  it('stops on abort with the abort reason, and when the consumer stops early', async () => {
    const controller = new AbortController();
    const reason = new SamError('REQUEST_CANCELLED', 'stop', {});
    const seen: number[] = [];
    const run = async () => {
      for await (const f of readModelFrames(clip.path, R, {}, controller.signal)) {
        seen.push(f.index);
        if (f.index === 3) controller.abort(reason);
      }
    };
    await expect(run()).rejects.toBe(reason);
    expect(seen).toEqual([0, 1, 2, 3]);
    for await (const f of readModelFrames(clip.path, R, {})) if (f.index === 1) break;
    let count = 0;
    for await (const _ of readModelFrames(clip.path, R, { maxFrames: 5 })) count++;
    expect(count).toBe(5);
  });
});
