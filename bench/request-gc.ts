// `npx tsx bench/request-gc.ts`: garbage collections and memory per 5-concept request on the demo model at full
// size (1008², 200 queries × 288² masks per concept), 1080p JPEG with five coloured shapes: counts of minor and major
// (mark-compact) GCs and their pause time over steady-state requests, heap and RSS, host time outside the graphs.
// KEPT_QUERIES=0 runs it with the concept decoder unmodified (every query's masks copied out), for comparison.
import { constants, PerformanceObserver } from 'node:perf_hooks';
import sharp from 'sharp';
import { LocalEngine } from '../src/engine/local-engine.js';
import { writeDemoBundle } from '../src/demo-model/write-demo-bundle.js';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

const REQUESTS = Number(process.env.REQUESTS ?? 10);
const WIDTH = 1920;
const HEIGHT = 1080;
const shapes = [
  ['#ff0000', 100, 100, 300, 250],
  ['#00ff00', 500, 150, 260, 300],
  ['#0000ff', 900, 500, 400, 300],
  ['#ffff00', 1400, 100, 300, 500],
  ['#00ffff', 300, 650, 500, 300],
] as const;
/** A different image per request (shapes moved by `shift` px), so every request decodes and encodes afresh. */
const jpegAt = (shift: number) =>
  sharp({ create: { width: WIDTH, height: HEIGHT, channels: 3, background: '#808080' } })
    .composite(
      shapes.map(([color, left, top, w, h]) => ({
        input: { create: { width: w, height: h, channels: 3, background: color } },
        left: left + shift,
        top,
      })),
    )
    .jpeg({ quality: 90 })
    .toBuffer();
const jpegs = await Promise.all(Array.from({ length: REQUESTS + 3 }, (_, i) => jpegAt(i * 3)));
// KEPT_QUERIES=0: the concept decoder as loaded, copying out all 200 mask planes a concept (before the selection).
const keptQueries = process.env.KEPT_QUERIES !== '0';
const engine = await LocalEngine.create({
  // SAM3_ORT_SPINNING=on: ONNX Runtime's threads spinning, as the server's setting of that name.
  spinning: process.env.SAM3_ORT_SPINNING === 'on',
  modelDir: await writeDemoBundle(join(tmpdir(), 'sam3-bench-demo-r1008')),
  keptQueries,
});
let next = 0;
const request = () =>
  engine.segment({
    image: jpegs[next++]!,
    concepts: ['red', 'green', 'blue', 'yellow', 'cyan'].map((text) => ({ text })),
    maskEncodings: ['rle'],
  });
for (let i = 0; i < 3; i++) await request();

const gcs = { minor: 0, major: 0, incremental: 0, pauseMs: 0, majorPauseMs: 0 };
const observer = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    const kind = (e as unknown as { detail?: { kind?: number } }).detail?.kind;
    gcs.pauseMs += e.duration;
    if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) {
      gcs.major++;
      gcs.majorPauseMs += e.duration;
    } else if (kind === constants.NODE_PERFORMANCE_GC_MINOR) gcs.minor++;
    else if (kind === constants.NODE_PERFORMANCE_GC_INCREMENTAL) gcs.incremental++;
  }
});
observer.observe({ entryTypes: ['gc'] });
const graphs = ['pcs_vision_encoder', 'pcs_text_encoder', 'pcs_decoder'];
const stages: Record<string, number> = {};
let host = 0;
let total = 0;
let instances = 0;
const started = performance.now();
for (let i = 0; i < REQUESTS; i++) {
  const t = performance.now();
  const r = await request();
  const wall = performance.now() - t;
  total += wall;
  host += wall - graphs.reduce((s, g) => s + (r.timings[g] ?? 0), 0);
  for (const [k, v] of Object.entries(r.timings)) stages[k] = (stages[k] ?? 0) + v / REQUESTS;
  instances += r.concepts.reduce((n, c) => n + c.instances.length, 0);
}
await new Promise((r) => setTimeout(r, 100));
observer.disconnect();
const usage = process.memoryUsage();
console.log(
  JSON.stringify(
    {
      requests: REQUESTS,
      keptQueriesInGraph: engine.model.info.concepts?.selectsInGraph ?? false,
      instancesPerRequest: instances / REQUESTS,
      msPerRequest: +(total / REQUESTS).toFixed(1),
      hostMsPerRequest: +(host / REQUESTS).toFixed(1),
      gcPerRequest: {
        minor: +(gcs.minor / REQUESTS).toFixed(2),
        major: +(gcs.major / REQUESTS).toFixed(2),
        incremental: +(gcs.incremental / REQUESTS).toFixed(2),
        pauseMs: +(gcs.pauseMs / REQUESTS).toFixed(1),
        majorPauseMs: +(gcs.majorPauseMs / REQUESTS).toFixed(1),
      },
      stagesMs: Object.fromEntries(Object.entries(stages).map(([k, v]) => [k, +v.toFixed(1)])),
      heapUsedMiB: +(usage.heapUsed / 2 ** 20).toFixed(0),
      rssMiB: +(usage.rss / 2 ** 20).toFixed(0),
      peakRssMiB: +(process.resourceUsage().maxRSS / 1024).toFixed(0),
      wallS: +((performance.now() - started) / 1000).toFixed(1),
    },
    null,
    1,
  ),
);
await engine.close();
