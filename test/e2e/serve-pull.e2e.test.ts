// `sam3 serve --pull`: a catalogue model that is not installed is downloaded first (here from a local fake hub set
// by HF_ENDPOINT, serving the demo PVS graphs under sam3-tracker's file names), then served; offline, the server
// still starts at once and /readyz says what to run.
import { createServer, type Server } from 'node:http';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoBundle } from '../helpers/demo-bundles.js';
import { startServer } from '../helpers/spawn-server.js';

let hub: Server;
let hubUrl: string;
const requested: string[] = [];

beforeAll(async () => {
  const demo = await demoBundle(504);
  const files: Record<string, Buffer> = {};
  for (const graph of ['vision_encoder', 'prompt_encoder_mask_decoder']) {
    files[`/onnx-community/sam3-tracker-ONNX/resolve/main/onnx/${graph}.onnx`] = await readFile(
      join(demo, 'onnx', `${graph}.onnx`),
    );
    // The demo graphs keep their weights inline; the published exports ship an external-data file beside each.
    files[`/onnx-community/sam3-tracker-ONNX/resolve/main/onnx/${graph}.onnx_data`] =
      Buffer.from('unused external data');
  }
  hub = createServer((req, res) => {
    requested.push(req.url!);
    const body = files[req.url!];
    if (!body) return void res.writeHead(404).end('Entry not found');
    res.writeHead(200, { 'content-length': body.length }).end(body);
  });
  await new Promise<void>((r) => hub.listen(0, '127.0.0.1', r));
  hubUrl = `http://127.0.0.1:${(hub.address() as { port: number }).port}`;
});
afterAll(() => hub?.close());

describe('sam3 serve --pull', () => {
  it('downloads a missing catalogue bundle, then serves it', async () => {
    const modelDir = await mkdtemp(join(tmpdir(), 'sam3-pull-models-'));
    const server = await startServer(['--model', 'sam3-tracker', '--pull'], {
      HF_ENDPOINT: hubUrl,
      SAM3_MODEL_DIR: modelDir,
      SAM3_LOG_LEVEL: 'info',
    });
    try {
      expect(requested.filter((u) => u.endsWith('.onnx')).length).toBe(2);
      expect(server.logs()).toMatch(/model sam3-tracker \(fp32\) is not installed: pulling it into/);
      expect(server.logs()).toMatch(/pulled sam3-tracker: 100%/);
      const res = await fetch(`${server.url}/v1/models`);
      expect(((await res.json()) as { models: Array<{ name: string }> }).models[0]!.name).toBe('sam3-tracker');
    } finally {
      await server.stop();
    }
    // Installed now: a second start pulls nothing.
    const before = requested.length;
    const again = await startServer(['--model', 'sam3-tracker', '--pull'], {
      HF_ENDPOINT: hubUrl,
      SAM3_MODEL_DIR: modelDir,
    });
    await again.stop();
    expect(requested.length).toBe(before);
  });

  it('offline, starts at once and /readyz names the commands to run', async () => {
    const modelDir = await mkdtemp(join(tmpdir(), 'sam3-pull-offline-'));
    const started = Date.now();
    const server = await startServer(
      ['--model', 'sam3-tracker', '--pull'],
      { HF_ENDPOINT: 'http://127.0.0.1:9', SAM3_MODEL_DIR: modelDir },
      30_000,
      'alive',
    );
    try {
      let body: { status: string; detail: string } = { status: '', detail: '' };
      for (let i = 0; i < 100; i++) {
        body = (await (await fetch(`${server.url}/readyz`)).json()) as typeof body;
        if (body.detail.startsWith('model failed')) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(body.status).toBe('not_ready');
      expect(body.detail).toMatch(
        /^model failed to load: Could not pull the model sam3-tracker: Could not reach 127\.0\.0\.1:9 .*Run `npx sam3 models pull sam3-tracker --dtype fp32` when online \(it resumes\), or start with --model demo/,
      );
      expect(Date.now() - started).toBeLessThan(30_000);
    } finally {
      await server.stop();
    }
  });
});
