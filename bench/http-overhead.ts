// `npm run bench:http`: what the HTTP layer costs on top of the engine. The peer is LocalEngine.segment called in
// the same process on the same image and prompts, in the same run; the server is the real Fastify app on loopback.
import { cpus } from 'node:os';
import { join } from 'node:path';
import { Sam3Client } from '../src/api/client.js';
import { buildApp } from '../src/http/app.js';
import { LocalEngine } from '../src/engine/local-engine.js';
import { writeDemoBundle } from '../src/demo-model/write-demo-bundle.js';
import { twoRectScene } from './two-rect-scene.js';
import { medianMsAsync } from './median.js';

const modelDir = await writeDemoBundle(join(process.cwd(), '.cache', 'bench-models', 'demo'));
const engine = await LocalEngine.create({ modelDir });
const app = await buildApp({
  engine,
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
const runs = 15;
const rows: string[] = [];

for (const [w, h] of [
  [640, 480],
  [1920, 1080],
] as const) {
  const { png, b64, click } = await twoRectScene(w, h);
  // Every call sends the image bytes; after the first, the embedding cache hits on both paths alike.
  const direct = await medianMsAsync(
    () =>
      engine.segment({
        image: png,
        concepts: [{ text: 'red' }],
        objects: [{ points: [{ ...click, positive: true }] }],
        maskEncodings: ['rle'],
      }),
    runs,
  );
  const native = await medianMsAsync(
    () =>
      client.segment({
        image: { base64: b64 },
        prompts: [
          { type: 'concept', text: 'red' },
          { type: 'object', points: [click] },
        ],
      }),
    runs,
  );
  const upload = await medianMsAsync(
    () =>
      client.segmentUpload(png, {
        prompts: [
          { type: 'concept', text: 'red' },
          { type: 'object', points: [click] },
        ],
      }),
    runs,
  );
  const roboflow = await medianMsAsync(
    () =>
      fetch(`${url}/sam3/concept_segment`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ image: { type: 'base64', value: b64 }, prompts: [{ text: 'red' }], format: 'rle' }),
      }).then((r) => r.json()),
    runs,
  );
  const directConcept = await medianMsAsync(
    () => engine.segment({ image: png, concepts: [{ text: 'red' }], maskEncodings: ['rle'] }),
    runs,
  );
  const f = (ms: number, peer: number): string => `${ms.toFixed(1)} | ${(ms / peer).toFixed(2)}×`;
  rows.push(
    `| ${w}×${h} (PNG ${(png.length / 1024).toFixed(0)} KiB) | ${direct.toFixed(1)} | ${f(native, direct)} | ${f(upload, direct)} | ${directConcept.toFixed(1)} | ${f(roboflow, directConcept)} |`,
  );
}
await app.close();
await engine.close();

console.log(
  `Machine: ${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}, Node ${process.version}; demo model, CPU; median of ${runs} after warm-up.\n`,
);
console.log(
  '| image | engine.segment (concept + click) ms | POST /v1/segment JSON base64 ms | ratio | multipart upload ms | ratio | engine.segment (concept) ms | POST /sam3/concept_segment ms | ratio |',
);
console.log('|---|---|---|---|---|---|---|---|---|');
for (const r of rows) console.log(r);
