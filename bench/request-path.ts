// `npm run bench:request`: the work around the graphs on the real request path — `LocalEngine.segment`, then
// `POST /v1/segment` and `POST /sam3/concept_segment` through the Fastify app — against the Python peer
// (bench/host_peer.py) doing the same work on the same logits, in the same run. The demo model at 1008² (288² masks)
// gives one instance per concept; 5 and 20 concepts over a 1920×1080 JPEG of five coloured shapes. Ours is each
// request's wall time less its graphs' time (the engine's own stage timings); the embedding cache is off, so every
// request decodes and resizes. The peer gets the logits the engine keeps (read from the same graphs), and the
// outputs are checked identical (RLE, area, outer polygons) before timing. PYTHON=/path/to/venv/bin/python.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { writeDemoBundle } from '../src/demo-model/write-demo-bundle.js';
import { StageTimings } from '../src/domain/stage-timings.js';
import { LocalEngine } from '../src/engine/local-engine.js';
import { buildApp } from '../src/http/app.js';
import { decodeImage } from '../src/media/image-decode.js';
import { ResizePool } from '../src/media/resize-pool.js';
import { PIXEL_NORMALIZATION } from '../src/model/sam3/preprocess.js';
import { alternateRounds, median } from './median.js';
import { Peer } from './python-peer.js';

const ROUNDS = Number(process.env.ROUNDS ?? 5);
const RUNS = Number(process.env.RUNS ?? 6);
const GRAPHS = ['pcs_vision_encoder', 'pcs_text_encoder', 'pcs_decoder'];
const COLORS = ['red', 'green', 'blue', 'yellow', 'cyan'];
const dir = mkdtempSync(join(tmpdir(), 'sam3-request-bench-'));

const jpeg = await sharp({ create: { width: 1920, height: 1080, channels: 3, background: '#808080' } })
  .composite(
    (
      [
        ['#ff0000', 100, 100, 300, 250],
        ['#00ff00', 500, 150, 260, 300],
        ['#0000ff', 900, 500, 400, 300],
        ['#ffff00', 1400, 100, 300, 500],
        ['#00ffff', 300, 650, 500, 300],
      ] as const
    ).map(([color, left, top, w, h]) => ({
      input: { create: { width: w, height: h, channels: 3, background: color } },
      left,
      top,
    })),
  )
  .jpeg({ quality: 90 })
  .toBuffer();
writeFileSync(join(dir, 'image.jpg'), jpeg);
const b64 = jpeg.toString('base64');

let lastTimings: Record<string, number> = {};
const engine = await LocalEngine.create({
  modelDir: await writeDemoBundle(join(tmpdir(), 'sam3-bench-demo-r1008')),
  embeddingCacheBytes: 0,
  onTimings: (t) => (lastTimings = t),
});
const app = await buildApp({
  engine,
  limits: {
    maxBodyBytes: 100 * 1024 * 1024,
    maxImageBytes: 50 * 1024 * 1024,
    maxPrompts: 64,
    requestTimeoutMs: 60_000,
  },
  version: 'bench',
});
const graphMs = (): number => GRAPHS.reduce((s, g) => s + (lastTimings[g] ?? 0), 0);

/** The S×S logits of every instance the engine keeps, in its order (concepts as given, each by score). */
async function keptLogits(texts: string[]): Promise<{ logits: Float32Array; side: number }> {
  const timings = new StageTimings();
  const image = await decodeImage(jpeg);
  const resizer = new ResizePool(0);
  const pixels = await resizer.planes(image, 1008, 1008, PIXEL_NORMALIZATION);
  const embedding = await engine.model.encodeImage('concepts', pixels, timings);
  const planes: Float32Array[] = [];
  let side = 0;
  for (const text of texts) {
    const found = await engine.model.detectConcept(embedding, { text }, image, 0.5, timings);
    for (const d of found) planes.push(d.logits);
    side = found[0]?.maskSize ?? side;
  }
  const logits = new Float32Array(planes.length * side * side);
  planes.forEach((p, i) => logits.set(p, i * side * side));
  return { logits, side };
}

const python = process.env.PYTHON ?? 'python3';
const started = await Peer.start(python);
const peer = typeof started === 'string' ? undefined : started;
console.log(
  `## Request path against the Python peer (\`npm run bench:request\`, ${new Date().toISOString().slice(0, 10)})\n`,
);
if (!peer) console.log(`The Python peer did not start (${python}: ${started as string}); ours alone.\n`);

const rows: string[] = [];
for (const count of [5, 20]) {
  const texts = Array.from({ length: count }, (_, i) => COLORS[i % COLORS.length]!);
  const concepts = texts.map((text) => ({ text }));
  const viaEngine = async (): Promise<number> => {
    const t = performance.now();
    const result = await engine.segment({ image: jpeg, concepts, maskEncodings: ['rle', 'outer_polygons'] });
    engine.release(result); // as the HTTP routes do once their response is built
    return performance.now() - t - graphMs();
  };
  /** Host ms of one POST through the app (wall less the graphs), which must answer 200. */
  const viaHttp = async (url: string, payload: Record<string, unknown>): Promise<number> => {
    const t = performance.now();
    const res = await app.inject({ method: 'POST', url, payload });
    if (res.statusCode !== 200) throw new Error(`${url} answered ${res.statusCode}: ${res.body.slice(0, 200)}`);
    return performance.now() - t - graphMs();
  };
  const viaNative = (): Promise<number> =>
    viaHttp('/v1/segment', {
      image: { base64: b64 },
      prompts: texts.map((text) => ({ type: 'concept', text })),
      mask_formats: ['rle', 'polygons'],
    });
  const viaRoboflow = (): Promise<number> =>
    viaHttp('/sam3/concept_segment', {
      image: { type: 'base64', value: b64 },
      prompts: concepts,
      format: 'polygon',
    });

  // Outputs first: the engine's instances against the peer's on the logits the engine kept.
  const { logits, side } = await keptLogits(texts);
  const result = await engine.segment({ image: jpeg, concepts, maskEncodings: ['rle', 'outer_polygons'] });
  const mine = result.concepts.flatMap((c) => c.instances);
  let verdict = 'peer missing';
  if (peer) {
    writeFileSync(join(dir, 'logits.bin'), logits);
    const load = { cmd: 'load', jpeg: join(dir, 'image.jpg'), logits: join(dir, 'logits.bin'), count: mine.length };
    await peer.ask({ ...load, side, resolution: 1008 });
    const theirs = await peer.ask<{ instances: Array<{ rle: string; area: number; polygons: number[][][] }> }>({
      cmd: 'outputs',
      pixels: join(dir, 'pixels.bin'),
    });
    const same = (f: (i: number) => [unknown, unknown]): boolean =>
      mine.length === theirs.instances.length &&
      mine.every((_, i) => JSON.stringify(f(i)[0]) === JSON.stringify(f(i)[1]));
    const rle = same((i) => [mine[i]!.encoded?.rle?.counts, theirs.instances[i]!.rle]);
    const area = same((i) => [mine[i]!.area, theirs.instances[i]!.area]);
    const rings = same((i) => [
      mine[i]!.encoded?.outerPolygons?.filter((r) => r.length > 0),
      theirs.instances[i]!.polygons,
    ]);
    verdict = `rle ${rle ? 'identical' : 'DIFFER'}, area ${area ? 'identical' : 'DIFFER'}, outer polygons ${rings ? 'identical' : 'DIFFER'}`;
  }
  console.log(`${count} concepts, ${mine.length} instances — outputs checked: ${verdict}`);

  const ours: Record<string, number[]> = {};
  const peerTotals: number[] = [];
  const runOurs = async (): Promise<void> => {
    for (const [name, run] of [
      ['engine', viaEngine],
      ['native', viaNative],
      ['roboflow', viaRoboflow],
    ] as const) {
      await run(); // warm
      const round: number[] = [];
      for (let i = 0; i < RUNS; i++) round.push(await run());
      (ours[name] ??= []).push(median(round));
    }
  };
  const runPeer = async (): Promise<void> => {
    if (!peer) return;
    const { stages } = await peer.ask<{ stages: Record<string, number[]> }>({ cmd: 'time', runs: RUNS });
    peerTotals.push(median(stages.total!));
  };
  await alternateRounds(ROUNDS, runOurs, runPeer);
  const p = peer ? median(peerTotals) : NaN;
  const cell = (name: string): string => {
    const o = median(ours[name]!);
    return `${o.toFixed(1)} | ${peer ? `${(p / o).toFixed(2)}×` : '–'}`;
  };
  rows.push(
    `| ${mine.length} | ${peer ? p.toFixed(1) : '–'} | ${cell('engine')} | ${cell('native')} | ${cell('roboflow')} |`,
  );
}
const columns = ['LocalEngine.segment', 'POST /v1/segment', 'POST /sam3/concept_segment'];
console.log(`\n| instances | peer ms | ${columns.map((c) => `${c} host ms | peer ÷ ours`).join(' | ')} |`);
console.log('|---|---|---|---|---|---|---|---|');
for (const r of rows) console.log(r);
console.log(
  [
    `\nHost ms = wall − the graphs' stage times. Median of ${ROUNDS} rounds (each the median of ${RUNS}),`,
    'alternating which side goes first. /v1/segment asks RLE + polygons with holes, /sam3/concept_segment outer',
    'polygons; the peer does RLE, area, box, outer polygons and its JSON.',
  ].join(' '),
);
peer?.close();
await app.close();
await engine.close();
