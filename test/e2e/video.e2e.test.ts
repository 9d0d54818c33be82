// Video end to end on `sam3 serve --model demo`: the official wavespeed SDK runs sam3-video-rle (upload, polling,
// the RLE document and the overlay MP4), the native POST /v1/videos (multipart) with /v1/jobs polling, and a
// corrupt upload failing the job with a clear error.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from 'wavespeed';
import type { BinaryMask } from '../../src/domain/segmentation.js';
import { decodeCocoRle } from '../../src/masks/coco-rle.js';
import { maskIou } from '../../src/masks/mask-ops.js';
import { probeVideo } from '../../src/media/video-probe.js';
import { startServer, type RunningServer } from '../helpers/spawn-server.js';
import { COLORS, linear, writeSyntheticVideo, type SyntheticVideo } from '../helpers/synthetic-video.js';

let server: RunningServer;
let dir: string;
let clip: SyntheticVideo;

interface RleDocument {
  video: { width: number; height: number; fps: number; frame_count: number };
  size: [number, number];
  frames: Array<{
    index: number;
    time_s: number;
    objects: Array<{ id: number; score: number; box: number[]; rle: { size: [number, number]; counts: string } }>;
  }>;
  objects: Array<{ id: number; label: string; first_frame: number }>;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sam3-video-e2e-'));
  clip = await writeSyntheticVideo(join(dir, 'clip.mp4'), {
    width: 96,
    height: 64,
    fps: 10,
    frames: 16,
    shapes: [
      linear(COLORS.red, 24, 20, [4, 4], [66, 8], 0, 15, 16),
      linear(COLORS.blue, 20, 20, [70, 40], [10, 36], 0, 15, 16),
    ],
  });
  server = await startServer([]);
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

function checkDocument(doc: RleDocument, labels: string[]): void {
  expect(doc.video).toEqual({ width: 96, height: 64, fps: 10, frame_count: 16 });
  expect(doc.size).toEqual([64, 96]);
  expect(doc.frames).toHaveLength(16);
  expect(doc.objects.map((o) => o.label)).toEqual(labels);
  labels.forEach((_, k) => {
    const id = doc.objects[k]!.id;
    doc.frames.forEach((f, i) => {
      const got = f.objects.find((o) => o.id === id);
      expect(got, `object ${k} on frame ${i}`).toBeDefined();
      expect(maskIou(decodeCocoRle(got!.rle) as BinaryMask, clip.truth[i]![k]!)).toBeGreaterThan(0.85);
    });
  });
}

describe('video through the server', () => {
  it('the wavespeed SDK runs sam3-video-rle: RLE document and overlay video', async () => {
    const client = new Client('unused', { baseUrl: server.url, maxConnectionRetries: 0 });
    const url = await client.upload(clip.path);
    const out = await client.run(
      'wavespeed-ai/sam3-video-rle',
      { video: url, prompt: 'red, blue' },
      { pollInterval: 0.1, timeout: 120 },
    );
    const result = out.outputs[0] as {
      rle_url: string;
      video_url: string;
      frame_count: number;
      objects: Array<{ label: string }>;
    };
    expect(result.frame_count).toBe(16);
    const doc = (await (await fetch(result.rle_url)).json()) as RleDocument;
    checkDocument(doc, ['red', 'blue']);
    const overlay = await fetch(result.video_url);
    expect(overlay.headers.get('content-type')).toBe('video/mp4');
    const overlayPath = join(dir, 'overlay.mp4');
    await writeFile(overlayPath, Buffer.from(await overlay.arrayBuffer()));
    expect(await probeVideo(overlayPath)).toMatchObject({ width: 96, height: 64, frameCount: 16, codec: 'h264' });
  }, 120_000);

  it('POST /v1/videos (multipart) runs as a job with progress, the document and no overlay unless asked', async () => {
    const form = new FormData();
    form.set(
      'video',
      new Blob([await (await import('node:fs/promises')).readFile(clip.path)], { type: 'video/mp4' }),
      'clip.mp4',
    );
    form.set('request', JSON.stringify({ concepts: ['blue'], output_delay_frames: 0 }));
    const submitted = await fetch(`${server.url}/v1/videos`, { method: 'POST', body: form });
    expect(submitted.status).toBe(202);
    const job = (await submitted.json()) as { id: string; kind: string };
    expect(job.kind).toBe('video');
    let record: {
      status: string;
      progress: number | null;
      files: Record<string, string>;
      result: { frame_count: number; objects: unknown[]; mode: string } | null;
      error: unknown;
    };
    do {
      await new Promise((r) => setTimeout(r, 100));
      record = (await (await fetch(`${server.url}/v1/jobs/${job.id}`)).json()) as typeof record;
    } while (record.status === 'created' || record.status === 'processing');
    expect(record.error).toBeNull();
    expect(record.status).toBe('completed');
    expect(record.progress).toBe(1);
    expect(record.result).toMatchObject({ frame_count: 16, mode: 'memory-tracker' });
    expect(Object.keys(record.files)).toEqual(['rle']);
    const doc = (await (await fetch(record.files.rle!)).json()) as RleDocument;
    expect(doc.objects.map((o) => o.label)).toEqual(['blue']);
  }, 120_000);

  it('refuses a request without prompts with a 400 naming the field, and fails a corrupt video clearly', async () => {
    const bad = await fetch(`${server.url}/v1/videos`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ video: { url: 'https://example.com/v.mp4' } }),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { details: { field?: string } } }).error.details.field).toBe('concepts');
    const junk = Buffer.from(Array.from({ length: 4000 }, (_, i) => (i * 31) % 251)).toString('base64');
    const submitted = await fetch(`${server.url}/v1/videos`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ video: { base64: junk }, concepts: ['red'] }),
    });
    expect(submitted.status).toBe(202);
    const { id } = (await submitted.json()) as { id: string };
    let record: { status: string; error: { code: string; message: string } | null };
    do {
      await new Promise((r) => setTimeout(r, 100));
      record = (await (await fetch(`${server.url}/v1/jobs/${id}`)).json()) as typeof record;
    } while (record.status === 'created' || record.status === 'processing');
    expect(record.status).toBe('failed');
    expect(record.error).toMatchObject({
      code: 'VIDEO_DECODE_FAILED',
      message: expect.stringContaining('could not be read as a video'),
    });
  }, 60_000);
});
