// `npm run bench:jobs`: what the async job path costs per request. Peer: the synchronous POST /v1/segment on the same
// app, image and prompt, same run. Measured: WaveSpeed sam3-image-rle in sync mode (SQLite writes, the stored input,
// the scheduler) and with submit + polling every 5 ms, as an SDK client would (its default poll is 1 s).
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Sam3Client } from '../src/api/client.js';
import { writeDemoBundle } from '../src/demo-model/write-demo-bundle.js';
import { LocalEngine } from '../src/engine/local-engine.js';
import { buildApp } from '../src/http/app.js';
import { UrlSigner } from '../src/http/signed-urls.js';
import { DirFileStore } from '../src/jobs/embedded/dir-file-store.js';
import { EmbeddedJobQueue } from '../src/jobs/embedded/embedded-job-queue.js';
import { SqliteJobStore } from '../src/jobs/embedded/sqlite-job-store.js';
import { SqliteUploadStore } from '../src/jobs/embedded/sqlite-upload-store.js';
import { imageJobProcessor } from '../src/jobs/run-image-job.js';
import { twoRectScene } from './two-rect-scene.js';
import { medianMsAsync } from './median.js';

const modelDir = await writeDemoBundle(join(process.cwd(), '.cache', 'bench-models', 'demo'));
const engine = await LocalEngine.create({ modelDir });
const dir = mkdtempSync(join(tmpdir(), 'sam3-bench-jobs-'));
const store = new SqliteJobStore(join(dir, 'jobs.db'));
const files = new DirFileStore(join(dir, 'files'));
const queue = new EmbeddedJobQueue({
  store,
  files,
  processors: { image: imageJobProcessor(engine) },
  retentionMs: 3_600_000,
});
queue.start();
const jobs = {
  queue,
  uploads: new SqliteUploadStore(store.db, files, 3_600_000),
  files,
  signer: new UrlSigner('bench'),
  publicUrl: '',
  syncTimeoutMs: 60_000,
  maxUploadBytes: 1 << 26,
  webhookSecret: () => 'whsec_bench',
};
const app = await buildApp({
  engine,
  jobs,
  limits: {
    maxBodyBytes: 100 * 1024 * 1024,
    maxImageBytes: 50 * 1024 * 1024,
    maxPrompts: 16,
    requestTimeoutMs: 60_000,
  },
  version: 'bench',
});
const url = await app.listen({ host: '127.0.0.1', port: 0 });
const client = new Sam3Client(url);
const runs = 31;
const rows: string[] = [];
const post = (path: string, body: unknown) =>
  fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  }).then((r) => r.json() as Promise<{ data: { id: string; status: string } }>);

for (const [w, h] of [
  [640, 480],
  [1920, 1080],
] as const) {
  const { b64 } = await twoRectScene(w, h);
  const body = { image: `data:image/png;base64,${b64}`, prompt: 'red', apply_mask: false };
  const sync = await medianMsAsync(
    () => client.segment({ image: { base64: b64 }, prompts: [{ type: 'concept', text: 'red' }] }),
    runs,
  );
  const jobSync = await medianMsAsync(
    () => post('/api/v3/wavespeed-ai/sam3-image-rle', { ...body, enable_sync_mode: true }),
    runs,
  );
  const jobPoll = await medianMsAsync(async () => {
    const { data } = await post('/api/v3/wavespeed-ai/sam3-image-rle', body);
    for (;;) {
      const r = (await (await fetch(`${url}/api/v3/predictions/${data.id}/result`)).json()) as {
        data: { status: string };
      };
      if (r.data.status === 'completed' || r.data.status === 'failed') return r;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }, runs);
  const f = (ms: number): string => `${ms.toFixed(1)} | ${(ms / sync).toFixed(2)}× | +${(ms - sync).toFixed(1)}`;
  rows.push(`| ${w}×${h} | ${sync.toFixed(1)} | ${f(jobSync)} | ${f(jobPoll)} |`);
}
await app.close();
await queue.close();
store.close();
await engine.close();
rmSync(dir, { recursive: true, force: true });

console.log(
  `Machine: ${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}, Node ${process.version}; demo model, CPU; median of ${runs} after warm-up.\n`,
);
console.log(
  '| image | POST /v1/segment ms | sam3-image-rle sync mode ms | ratio | added ms | submit + poll (5 ms) ms | ratio | added ms |',
);
console.log('|---|---|---|---|---|---|---|---|');
for (const r of rows) console.log(r);
