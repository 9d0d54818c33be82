// `npm run bench:scaleout`: scale-out mode on the demo model, real processes. Peers in the same run: embedded
// `sam3 serve` (same image, prompt and thread count). Measured: (1) the queue's added latency per request and per job
// (sync /v1/segment and WaveSpeed sync-mode jobs, sequential); (2) throughput of a burst of image jobs with 1 and 2
// workers; (3) image_id calls routed to the worker holding the embedding vs. sending the image each time.
// Uses REDIS_URL, or starts a throwaway redis-server on a free port.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import {
  freePort,
  startServer,
  startWorker,
  type RunningServer,
  type RunningWorker,
} from '../test/helpers/spawn-server.js';
import { medianMsAsync } from './median.js';
import { twoRectScene } from './two-rect-scene.js';

const THREADS = '1';
const burst = Number(process.argv[process.argv.indexOf('--jobs') + 1]) || 40;
let redisUrl = process.env.REDIS_URL;
if (!redisUrl) {
  const port = await freePort();
  const redis = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  process.on('exit', () => redis.kill());
  await new Promise((r) => setTimeout(r, 300));
  redisUrl = `redis://127.0.0.1:${port}/0`;
}
const dir = mkdtempSync(join(tmpdir(), 'sam3-bench-scaleout-'));
const { b64 } = await twoRectScene(640, 480);
const env = {
  SAM3_THREADS: THREADS,
  SAM3_JOB_CONCURRENCY: '1',
  SAM3_CONCURRENCY: '1',
  SAM3_LOG_LEVEL: 'warn',
  SAM3_MAX_QUEUED: '256',
};
const post = (base: string, path: string, body: unknown): Promise<{ data: { id: string; status: string } }> =>
  fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  }).then(async (r) => {
    if (!r.ok) throw new Error(`${path}: HTTP ${r.status} ${await r.text()}`);
    return r.json() as Promise<{ data: { id: string; status: string } }>;
  });
const segment = (base: string, body: Record<string, unknown>) =>
  post(base, '/v1/segment', { prompts: [{ type: 'concept', text: 'red' }], ...body });
const job = (base: string, sync: boolean) =>
  post(base, '/api/v3/wavespeed-ai/sam3-image-rle', {
    image: `data:image/png;base64,${b64}`,
    prompt: 'red',
    apply_mask: false,
    enable_sync_mode: sync,
  });

async function latencies(base: string): Promise<{ sync: number; job: number }> {
  return {
    sync: await medianMsAsync(() => segment(base, { image: { base64: b64 } }), 31),
    job: await medianMsAsync(() => job(base, true), 31),
  };
}

async function throughput(base: string): Promise<number> {
  await job(base, true); // warm
  const t = performance.now();
  const ids = await Promise.all(Array.from({ length: burst }, () => job(base, false).then((r) => r.data.id)));
  for (const id of ids) {
    for (;;) {
      const r = (await (await fetch(`${base}/api/v3/predictions/${id}/result`)).json()) as { data: { status: string } };
      if (r.data.status === 'completed') break;
      if (r.data.status === 'failed') throw new Error(`job ${id} failed`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  return burst / ((performance.now() - t) / 1000);
}

const rows: string[] = [];
// Peer: embedded mode.
const embedded = await startServer([], { ...env, SAM3_DATA_DIR: join(dir, 'embedded') });
const peer = await latencies(embedded.url);
const peerRate = await throughput(embedded.url);
await embedded.stop();

// Scale-out: one API node; workers added one at a time.
const prefix = `bench-${randomUUID().slice(0, 8)}`;
const shared = ['--queue', redisUrl, '--queue-prefix', prefix, '--files-dir', join(dir, 'files')];
const workerEnv = { ...env, SAM3_LOG_LEVEL: 'info' };
const workers: RunningWorker[] = [startWorker(shared, workerEnv)];
await workers[0]!.waitForLog('worker ready');
const api: RunningServer = await startServer(shared, { ...env, SAM3_DATA_DIR: join(dir, 'api') });
const queued = await latencies(api.url);
const oneRate = await throughput(api.url);
workers.push(startWorker(shared, workerEnv));
await workers[1]!.waitForLog('worker ready');
await new Promise((r) => setTimeout(r, 2_500)); // the API node sees the new worker's heartbeat
const twoRate = await throughput(api.url);

// Embedding cache across 2 workers: image_id calls go to the holder (a cache hit) vs. the image sent each time.
const imageId = `bench-${randomUUID()}`;
await post(api.url, '/v1/embed', { image: { base64: b64 }, image_id: imageId });
const byId = await medianMsAsync(() => segment(api.url, { image_id: imageId }), 31);
const byImage = await medianMsAsync(() => segment(api.url, { image: { base64: b64 } }), 31);
let variant = 0;
const fresh = await Promise.all(
  Array.from({ length: 40 }, (_, i) =>
    sharp(Buffer.from(b64, 'base64'))
      .composite([
        {
          input: { create: { width: 1, height: 1, channels: 3, background: { r: i * 5, g: 7, b: 9 } } },
          left: i,
          top: 0,
        },
      ])
      .png()
      .toBuffer(),
  ),
);
const byFresh = await medianMsAsync(
  () => segment(api.url, { image: { base64: fresh[variant++ % fresh.length]!.toString('base64') } }),
  31,
);
await api.stop();
for (const w of workers) w.child.kill('SIGTERM');
await Promise.all(workers.map((w) => w.exited));
rmSync(dir, { recursive: true, force: true });

const f = (ms: number): string => ms.toFixed(1);
const d = (ms: number): string => `${ms >= 0 ? '+' : '−'}${Math.abs(ms).toFixed(1)}`;
rows.push(
  `Demo model, 640×480 PNG, prompt "red", SAM3_THREADS=${THREADS} per process, ${cpus().length} vCPU (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}.`,
  '',
  '| Latency (median of 31, sequential) | embedded (peer) | scale-out, 1 worker | added by the queue |',
  '|---|---|---|---|',
  `| sync \`POST /v1/segment\` (ms) | ${f(peer.sync)} | ${f(queued.sync)} | ${d(queued.sync - peer.sync)} (${(queued.sync / peer.sync).toFixed(2)}×) |`,
  `| WaveSpeed job, sync mode (ms) | ${f(peer.job)} | ${f(queued.job)} | ${d(queued.job - peer.job)} (${(queued.job / peer.job).toFixed(2)}×) |`,
  '',
  `| Throughput, burst of ${burst} image jobs | jobs/s | vs embedded |`,
  '|---|---|---|',
  `| embedded (peer) | ${peerRate.toFixed(2)} | 1.00× |`,
  `| scale-out, 1 worker | ${oneRate.toFixed(2)} | ${(oneRate / peerRate).toFixed(2)}× |`,
  `| scale-out, 2 workers | ${twoRate.toFixed(2)} | ${(twoRate / peerRate).toFixed(2)}× (${(twoRate / oneRate).toFixed(2)}× one worker) |`,
  '',
  '| 2 workers: segment after `/v1/embed` (median of 31) | ms |',
  '|---|---|',
  `| by \`image_id\` (routed to the worker holding the embedding) | ${f(byId)} |`,
  `| the same image sent each time (any worker; each caches it by content after its first call) | ${f(byImage)} |`,
  `| a new image each time (the encoder runs: what a call routed to the wrong worker would cost) | ${f(byFresh)} |`,
);
console.log(rows.join('\n'));
