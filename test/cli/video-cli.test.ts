// `sam3 video` through runVideo: the RLE document and overlay files, the summary lines, and clear flag errors.
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runVideo, videoObjects } from '../../src/cli/video.js';
import { probeVideo } from '../../src/media/video-probe.js';
import { TEST_MODEL_ROOT } from '../helpers/demo-bundles.js';
import { COLORS, linear, writeSyntheticVideo } from '../helpers/synthetic-video.js';

const settings = {
  model: 'demo',
  device: 'cpu' as const,
  dtype: 'fp32' as const,
  threads: 0,
  cacheDir: join(TEST_MODEL_ROOT, 'cli'),
};

describe('sam3 video', () => {
  it('writes the RLE document and the overlay and lists the objects', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sam3-video-cli-'));
    const clip = await writeSyntheticVideo(join(dir, 'in.mp4'), {
      width: 80,
      height: 60,
      fps: 8,
      frames: 10,
      shapes: [linear(COLORS.green, 20, 20, [4, 4], [50, 30], 0, 9, 10)],
    });
    const lines: string[] = [];
    const out = join(dir, 'masks.json');
    const overlay = join(dir, 'overlay.mp4');
    await runVideo(clip.path, { text: 'green, red', out, overlay, progress: false }, settings, (l) => lines.push(l));
    expect(lines[0]).toMatch(/80×60, 8\.00 fps, 10 frames processed \(memory-tracker\)/);
    expect(lines[1]).toMatch(/id +1 +green +from frame 0/);
    const doc = JSON.parse(await readFile(out, 'utf8')) as {
      frames: Array<{ objects: unknown[] }>;
      objects: unknown[];
    };
    expect(doc.frames).toHaveLength(10);
    expect(doc.frames.every((f) => f.objects.length === 1)).toBe(true);
    expect(await probeVideo(overlay)).toMatchObject({ width: 80, height: 60, frameCount: 10 });
  }, 60_000);

  it('parses frame-tagged points and boxes, and refuses malformed ones before loading the model', async () => {
    expect(videoObjects(['3:10,20', '3:30,40,0', '5:1,2'], ['7:1,2,30,40'])).toEqual([
      {
        frameIndex: 3,
        label: 'points@3',
        points: [
          { x: 10, y: 20, positive: true },
          { x: 30, y: 40, positive: false },
        ],
      },
      { frameIndex: 5, label: 'points@5', points: [{ x: 1, y: 2, positive: true }] },
      { frameIndex: 7, label: 'box 1', box: { x0: 1, y0: 2, x1: 30, y1: 40 } },
    ]);
    await expect(
      runVideo('/nonexistent.mp4', { point: ['10,20'], out: 'x.json' }, settings, () => {}),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', details: { field: '--point' } });
    await expect(
      runVideo('/nonexistent.mp4', { text: 'red', out: 'x.json' }, settings, () => {}),
    ).rejects.toMatchObject({ code: 'INPUT_NOT_FOUND' });
    await expect(runVideo('/nonexistent.mp4', { text: 'red' }, settings, () => {})).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      details: { field: '--out' },
    });
  });
});
