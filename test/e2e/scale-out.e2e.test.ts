// Scale-out end to end on a real Redis (REDIS_URL): one API node and two `sam3 worker` processes on the demo model
// run 50 mixed jobs (images and short videos, some invalid); one worker is SIGKILLed while it runs a video. Every job
// ends as expected, none is lost or duplicated, and the killed one is finished by the other worker. Then a SIGTERM
// hands a running job back to the queue for the next worker.
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhook } from '../../src/jobs/webhook-signature.js';
import { demoBundle } from '../helpers/demo-bundles.js';
import { startServer, startWorker, type RunningServer, type RunningWorker } from '../helpers/spawn-server.js';
import { COLORS, linear, writeSyntheticVideo } from '../helpers/synthetic-video.js';

const url = process.env.REDIS_URL;
if (!url) console.warn('REDIS_URL is not set: skipping the scale-out e2e (CI starts redis-server and sets it)');

interface NativeJob {
  id: string;
  kind: string;
  status: string;
  attempts: number;
  error: { code: string } | null;
  result: { objects: Array<{ label: string }>; frame_count?: number } | null;
  files: Record<string, string>;
}

type Expect = { kind: 'image' | 'video'; valid: boolean };

describe.skipIf(!url)('scale-out: 1 API node, 2 workers, Redis', () => {
  const prefix = `sam3e2e-${randomUUID().slice(0, 8)}`;
  let dir: string;
  let api: RunningServer;
  const workers: RunningWorker[] = [];
  let png: Buffer;
  let clip: Buffer;
  let videoJob: string | undefined;
  // The demo model at 504 px: these checks are about the queue, not mask detail, and it runs 4× fewer pixels.
  let modelDir: string;
  const workerArgs = (): string[] => [
    ...['--model', modelDir, '--queue', url!, '--queue-prefix', prefix, '--files-dir', join(dir, 'files')],
  ];
  const workerEnv = { SAM3_QUEUE_LOCK_MS: '2000', SAM3_JOB_CONCURRENCY: '1', SAM3_VIDEO_JOB_CONCURRENCY: '1' };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sam3-scaleout-'));
    modelDir = await demoBundle(504);
    const raw = Buffer.alloc(160 * 120 * 3, 128);
    for (let y = 20; y < 70; y++) for (let x = 30; x < 90; x++) raw.set([255, 0, 0], (y * 160 + x) * 3);
    png = await sharp(raw, { raw: { width: 160, height: 120, channels: 3 } })
      .png()
      .toBuffer();
    const video = await writeSyntheticVideo(join(dir, 'clip.mp4'), {
      width: 96,
      height: 64,
      fps: 10,
      frames: 24,
      shapes: [linear(COLORS.red, 24, 20, [4, 4], [66, 8], 0, 23, 24)],
    });
    clip = await readFile(video.path);
    workers.push(startWorker(workerArgs(), workerEnv), startWorker(workerArgs(), workerEnv));
    await Promise.all(workers.map((w) => w.waitForLog('worker ready')));
    api = await startServer(['--queue', url!, '--queue-prefix', prefix, '--files-dir', join(dir, 'files')], {
      SAM3_SYNC_TIMEOUT_MS: '30000',
      SAM3_URL_ALLOW_NETWORKS: '127.0.0.1/32',
    });
  }, 180_000);

  afterAll(async () => {
    await api?.stop();
    for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const submitImage = async (valid: boolean): Promise<string> => {
    const image = `data:image/png;base64,${(valid ? png : Buffer.from('not an image at all')).toString('base64')}`;
    const res = await fetch(`${api.url}/api/v3/wavespeed-ai/sam3-image-rle`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ image, prompt: 'red' }),
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { data: { id: string } }).data.id;
  };
  const submitVideo = async (valid: boolean): Promise<string> => {
    const base64 = (valid ? clip : Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 31) % 251))).toString(
      'base64',
    );
    const res = await fetch(`${api.url}/v1/videos`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ video: { base64 }, concepts: ['red'], output_delay_frames: 0 }),
    });
    expect(res.status).toBe(202);
    return ((await res.json()) as { id: string }).id;
  };
  const job = async (id: string): Promise<NativeJob> =>
    (await (await fetch(`${api.url}/v1/jobs/${id}`)).json()) as NativeJob;
  const settle = async (ids: string[], timeoutMs: number): Promise<Map<string, NativeJob>> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const all = await Promise.all(ids.map(job));
      if (all.every((j) => ['completed', 'failed', 'cancelled'].includes(j.status)))
        return new Map(all.map((j) => [j.id, j]));
      if (Date.now() > deadline)
        throw new Error(
          `not settled: ${JSON.stringify(all.filter((j) => !['completed', 'failed'].includes(j.status)).map((j) => [j.id, j.status, j.attempts]))}\n${workers.map((w) => w.logs()).join('\n')}`,
        );
      await new Promise((r) => setTimeout(r, 250));
    }
  };

  it('runs 50 mixed jobs to the expected ends while a worker is SIGKILLed mid-video; none lost, none duplicated', async () => {
    const plan: Expect[] = [];
    for (let i = 0; i < 50; i++)
      plan.push(
        i % 10 === 3
          ? { kind: 'image', valid: false }
          : i % 17 === 8
            ? { kind: 'video', valid: false }
            : i % 5 === 0
              ? { kind: 'video', valid: true }
              : { kind: 'image', valid: true },
      );
    const ids: string[] = [];
    for (const p of plan) ids.push(p.kind === 'image' ? await submitImage(p.valid) : await submitVideo(p.valid));
    expect(new Set(ids).size).toBe(50);

    // Kill the first worker while it runs a valid video (the log names the job before any frame is read).
    const [victim, survivor] = workers as [RunningWorker, RunningWorker];
    const validVideos = new Set(ids.filter((_, i) => plan[i]!.kind === 'video' && plan[i]!.valid));
    let killedJob: string | undefined;
    const deadline = Date.now() + 60_000;
    while (!killedJob && Date.now() < deadline) {
      const started = [
        ...victim.logs().matchAll(/"job":"([0-9a-f]{32})","kind":"video","attempt":1,"msg":"job started"/g),
      ].map((m) => m[1]!);
      killedJob = started.find(
        (id) => validVideos.has(id) && !victim.logs().includes(`"job":"${id}","kind":"video","attempt":1,"outcome"`),
      );
      if (!killedJob) await new Promise((r) => setTimeout(r, 20));
    }
    expect(killedJob).toBeDefined();
    victim.child.kill('SIGKILL');

    const final = await settle(ids, 240_000);
    ids.forEach((id, i) => {
      const record = final.get(id)!;
      const p = plan[i]!;
      if (p.valid) {
        expect(record, `${p.kind} job ${id}`).toMatchObject({ status: 'completed', error: null });
        expect(record.result!.objects.map((o) => o.label)).toEqual(['red']);
        if (p.kind === 'video') expect(record.result!.frame_count).toBe(24);
      } else {
        expect(record).toMatchObject({
          status: 'failed',
          error: { code: p.kind === 'image' ? 'IMAGE_DECODE_FAILED' : 'VIDEO_DECODE_FAILED' },
        });
        // Bad input fails at once and is never retried, unless the victim was running it when it was killed (its
        // image jobs run beside its video job): that run counts as an attempt, as for any job.
        const vlogs = victim.logs();
        const cutShort =
          vlogs.includes(`"job":"${id}","kind":"${p.kind}","attempt":1,"msg":"job started"`) &&
          !vlogs.includes(`"job":"${id}","kind":"${p.kind}","attempt":1,"outcome"`);
        expect(record.attempts, `${p.kind} job ${id}`).toBe(cutShort ? 2 : 1);
      }
    });
    // The killed run counted as an attempt, and the survivor finished the job.
    expect(final.get(killedJob!)).toMatchObject({ status: 'completed', attempts: 2 });
    videoJob = killedJob;
    expect(survivor.logs()).toContain(`"job":"${killedJob}","kind":"video","attempt":2,"outcome":"completed"`);
    // Never two finished runs of one job across both workers (the victim's last lines may be lost with it).
    const logs = victim.logs() + survivor.logs();
    for (const id of ids)
      expect(
        (logs.match(new RegExp(`"job":"${id}"[^\\n]*"outcome":"(completed|failed)"`, 'g')) ?? []).length,
        id,
      ).toBeLessThanOrEqual(1);
    const listed = (await (await fetch(`${api.url}/v1/jobs?limit=100`)).json()) as {
      jobs: Array<{ id: string }>;
      total: number;
    };
    expect(listed.total).toBe(50);
    expect(new Set(listed.jobs.map((j) => j.id))).toEqual(new Set(ids));
  }, 300_000);

  it('answers synchronous routes through the queue like embedded mode', async () => {
    const res = await fetch(`${api.url}/sam3/concept_segment`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        image: { type: 'base64', value: png.toString('base64') },
        prompts: [{ type: 'text', text: 'red' }],
        format: 'rle',
      }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { prompt_results: Array<{ predictions: unknown[] }> };
    expect(body.prompt_results[0]!.predictions).toHaveLength(1);
  }, 60_000);

  it('sync mode, signed file links and signed webhooks work from the API node', async () => {
    const sync = await fetch(`${api.url}/api/v3/wavespeed-ai/sam3-image-rle`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        image: `data:image/png;base64,${png.toString('base64')}`,
        prompt: 'red',
        enable_sync_mode: true,
      }),
    });
    expect(((await sync.json()) as { data: { status: string; outputs: unknown[] } }).data).toMatchObject({
      status: 'completed',
      outputs: [expect.anything()],
    });

    const record = await job(videoJob!);
    const document = await fetch(record.files.rle!);
    expect(document.status).toBe(200);
    expect(((await document.json()) as { frames: unknown[] }).frames).toHaveLength(24);

    const received: Array<{ headers: Record<string, string | undefined>; body: string }> = [];
    const receiver: Server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on(
        'end',
        () => (received.push({ headers: req.headers as Record<string, string | undefined>, body }), res.end('ok')),
      );
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    try {
      const hook = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`;
      const secret = ((await (await fetch(`${api.url}/api/v3/webhook/secret`)).json()) as { data: { secret: string } })
        .data.secret;
      const submitted = await fetch(
        `${api.url}/api/v3/wavespeed-ai/sam3-image-rle?webhook=${encodeURIComponent(hook)}`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ image: `data:image/png;base64,${png.toString('base64')}`, prompt: 'red' }),
        },
      );
      const id = ((await submitted.json()) as { data: { id: string } }).data.id;
      for (let i = 0; i < 400 && received.length === 0; i++) await new Promise((r) => setTimeout(r, 25));
      expect(received).toHaveLength(1);
      expect(verifyWebhook(secret, received[0]!.headers, received[0]!.body)).toBe(true);
      expect(JSON.parse(received[0]!.body)).toMatchObject({ id, status: 'completed' });
    } finally {
      receiver.close();
    }
  }, 60_000);

  it('SIGTERM hands a running job back; the next worker runs it to completion', async () => {
    const [, survivor] = workers as [RunningWorker, RunningWorker];
    survivor.child.kill('SIGTERM');
    await survivor.exited;
    // A worker with no grace period: it takes the next video, is stopped during it, and must hand it back.
    const quick = startWorker(workerArgs(), { ...workerEnv, SAM3_SHUTDOWN_GRACE_MS: '0' });
    workers.push(quick);
    await quick.waitForLog('worker ready');
    const id = await submitVideo(true);
    await quick.waitForLog(`"job":"${id}","kind":"video","attempt":1,"msg":"job started"`);
    quick.child.kill('SIGTERM');
    expect(await quick.exited).toBe(0);
    expect(quick.logs()).toContain(`"job":"${id}","kind":"video","attempt":1,"outcome":"requeued"`);
    expect((await job(id)).status).toBe('created');
    const next = startWorker(workerArgs(), workerEnv);
    workers.push(next);
    const final = await settle([id], 120_000);
    expect(final.get(id)).toMatchObject({ status: 'completed', attempts: 1 });
    await next.child.kill('SIGTERM');
    expect(await next.exited).toBe(0);
  }, 240_000);
});
