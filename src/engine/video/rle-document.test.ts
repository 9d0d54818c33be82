// The RLE document writer when a job is stopped mid-write (SIGTERM, cancel): calls reject, the process keeps running.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VideoRleWriter } from './rle-document.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sam3-rle-doc-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

const info = {
  width: 4,
  height: 2,
  fps: 10,
  frameCount: 3,
  frameCountExact: true,
  durationS: 0.3,
  rotation: 0,
  codec: 'h264',
};
const frame = (index: number) => ({
  index,
  timeS: index / 10,
  objects: [
    { id: 1, score: 0.9, box: { x0: 0, y0: 0, x1: 1, y1: 1 }, rle: { size: [2, 4] as [number, number], counts: '08' } },
  ],
});

describe('VideoRleWriter after abort', () => {
  it('rejects a frame written after abort instead of raising an unhandled error event', async () => {
    const writer = await VideoRleWriter.open(join(dir, 'a.json'), info, 3);
    await writer.frame(frame(0));
    writer.abort();
    await expect(writer.frame(frame(1))).rejects.toMatchObject({ code: 'JOB_CANCELLED' });
    await expect(writer.close([])).rejects.toMatchObject({ code: 'JOB_CANCELLED' });
    await new Promise((resolve) => setTimeout(resolve, 50)); // any stray 'error' event would fail the run here
  });

  it('a write waiting for drain wakes when the stream is aborted', async () => {
    const writer = await VideoRleWriter.open(join(dir, 'b.json'), info, 3);
    const big = {
      ...frame(0),
      objects: Array.from({ length: 4000 }, (_, i) => ({ ...frame(0).objects[0]!, id: i + 1 })),
    };
    const pending = writer.frame(big); // well over the stream's buffer: waits for 'drain'
    writer.abort();
    await expect(pending).rejects.toMatchObject({ code: 'JOB_CANCELLED' });
  });
});
