// Durability: SIGKILL `sam3 serve` with jobs queued and running, restart it on the same data directory, and every
// accepted job ends completed (re-run within the attempt limit) — none lost, and none completed twice differently.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { RED, YELLOW, drawScene, encodePng } from '../helpers/scenes.js';
import { startServer } from '../helpers/spawn-server.js';

interface Prediction {
  id: string;
  status: string;
  outputs: Array<{ rle: string; objects: unknown[] }>;
  error: string;
}

const predict = async (base: string, id: string): Promise<Prediction> =>
  ((await (await fetch(`${base}/api/v3/predictions/${id}/result`)).json()) as { data: Prediction }).data;

it('every job survives a SIGKILL and a restart on the same data dir', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sam3-restart-'));
  const env = { SAM3_DATA_DIR: dataDir, SAM3_JOB_CONCURRENCY: '1' };
  const scene = drawScene(1280, 960, [
    { kind: 'rect', color: RED, x0: 100, y0: 100, x1: 500, y1: 400 },
    { kind: 'ellipse', color: YELLOW, cx: 900, cy: 600, rx: 200, ry: 150 },
  ]);
  const image = `data:image/png;base64,${(await encodePng(scene)).toString('base64')}`;
  const first = await startServer([], env);
  const ids: string[] = [];
  for (let i = 0; i < 12; i++) {
    const res = await fetch(`${first.url}/api/v3/wavespeed-ai/sam3-image-rle`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ image, prompt: i % 2 ? 'red' : 'red, yellow' }),
    });
    ids.push(((await res.json()) as { data: { id: string } }).data.id);
  }
  // Wait until one job is done and the next is running, then kill without warning.
  for (;;) {
    const states = await Promise.all(ids.map((id) => predict(first.url, id)));
    if (states.some((s) => s.status === 'completed') && states.some((s) => s.status === 'processing')) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  const before = await Promise.all(ids.map((id) => predict(first.url, id)));
  first.child.kill('SIGKILL');
  await new Promise((r) => first.child.once('exit', r));
  const statuses = before.map((p) => p.status);
  expect(statuses).toContain('processing');
  expect(statuses).toContain('created');

  const second = await startServer([], env);
  try {
    const after: Prediction[] = [];
    for (const id of ids) {
      let p = await predict(second.url, id);
      for (let i = 0; i < 600 && (p.status === 'created' || p.status === 'processing'); i++) {
        await new Promise((r) => setTimeout(r, 50));
        p = await predict(second.url, id);
      }
      after.push(p);
    }
    expect(after.map((p) => p.status)).toEqual(ids.map(() => 'completed'));
    // Jobs completed before the kill keep exactly their result; re-run jobs give what their twins gave.
    before.forEach((b, i) => {
      if (b.status === 'completed') expect(after[i]!.outputs[0]!.rle).toBe(b.outputs[0]!.rle);
    });
    after.forEach((p, i) => expect(p.outputs[0]!.rle).toBe(after[i % 2]!.outputs[0]!.rle));
    const job = (await (await fetch(`${second.url}/v1/jobs/${ids[1]}`)).json()) as { attempts: number };
    expect(job.attempts).toBeGreaterThanOrEqual(1);
  } finally {
    await second.stop();
  }
}, 120_000);
