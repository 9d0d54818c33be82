// `npx tsx bench/full-size.ts DIR`: the CPU cost of a SAM 3 request on graphs of the real size (random weights, from
// tools/reference/export_full.py), per graph and for the host around them, on one 1920×1080 JPEG: 1 concept,
// 5 concepts, one click (a fresh image each time, so the vision encoders run), then a second click on the cached
// embedding. Median of `--runs` (default 3) after one warm-up run of each.
import { cpus, totalmem } from 'node:os';
import sharp from 'sharp';
import { LocalEngine } from '../src/engine/local-engine.js';

const dir = process.argv[2];
if (!dir) throw new Error('usage: npx tsx bench/full-size.ts BUNDLE_DIR [--runs N]');
const runsAt = process.argv.indexOf('--runs');
const runs = runsAt > 0 ? Number(process.argv[runsAt + 1]) : 3;

/** A 1080p photo-like JPEG, different per seed so every request encodes a new image. */
async function photo(seed: number): Promise<Uint8Array> {
  const w = 1920;
  const h = 1080;
  const rgb = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 3;
      rgb[i] = (x * 255) / w;
      rgb[i + 1] = (y * 255) / h;
      rgb[i + 2] = 128 + 100 * Math.sin((x + seed * 37) / 40) * Math.cos(y / 30);
    }
  }
  return sharp(rgb, { raw: { width: w, height: h, channels: 3 } })
    .jpeg({ quality: 90 })
    .toBuffer();
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const engine = await LocalEngine.create({ modelDir: dir });
const GRAPHS = ['pcs_vision_encoder', 'pcs_text_encoder', 'pcs_decoder', 'pvs_vision_encoder', 'pvs_decoder'];
const scenarios: Array<{
  name: string;
  request: (image: Uint8Array, run: number) => Parameters<LocalEngine['segment']>[0];
}> = [
  // Random weights score every query alike: at most 4 instances per concept keeps the host's share realistic.
  // Each run a new text per concept (`person 12`), so the text encoder runs as for a prompt never seen before.
  {
    name: '1 concept',
    request: (image, k) => ({
      image,
      concepts: [{ text: `person ${k}` }],
      threshold: 0.2,
      maxDetections: 4,
      maskEncodings: ['rle'],
    }),
  },
  {
    name: '5 concepts',
    request: (image, k) => ({
      image,
      concepts: ['person', 'car', 'dog', 'tree', 'sky'].map((text) => ({ text: `${text} ${k}` })),
      threshold: 0.2,
      maxDetections: 4,
      maskEncodings: ['rle'],
    }),
  },
  {
    name: '1 click (new image)',
    request: (image) => ({
      image,
      objects: [{ points: [{ x: 960, y: 540, positive: true }] }],
      maskEncodings: ['rle'],
    }),
  },
];

console.log(
  `Machine: ${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}, ${(totalmem() / 1024 ** 3).toFixed(0)} GiB, Node ${process.version}; ONNX Runtime CPU; SAM 3 graphs at full size, random weights; median of ${runs} after a warm-up.\n`,
);
console.log(`| request | instances | total ms | ${GRAPHS.join(' ms | ')} ms | host ms (total − graphs) |`);
console.log(`|---|---|---|${GRAPHS.map(() => '---').join('|')}|---|`);
let seed = 0;
const { concepts: canConcepts, objects: canObjects } = engine.info().model;
for (const s of scenarios.filter((x) => (x.name.includes('concept') ? canConcepts : canObjects))) {
  const samples: Array<Record<string, number>> = [];
  for (let k = 0; k <= runs; k++) {
    const image = await photo(++seed);
    const started = performance.now();
    const result = await engine.segment(s.request(image, seed));
    const total = performance.now() - started;
    const instances = result.concepts.reduce((n, c) => n + c.instances.length, 0) + result.objects.length;
    if (k > 0) samples.push({ ...result.timings, total, instances });
  }
  const m = (key: string): number => median(samples.map((t) => t[key] ?? 0));
  const graphs = GRAPHS.map(m);
  const total = m('total');
  console.log(
    `| ${s.name} | ${m('instances')} | ${total.toFixed(0)} | ${graphs.map((g) => g.toFixed(0)).join(' | ')} | ${(total - graphs.reduce((a, b) => a + b, 0)).toFixed(0)} |`,
  );
}
// A second click on an image whose embedding is cached: the interactive path.
if (!canObjects) {
  await engine.close();
  process.exit(0);
}
const image = await photo(++seed);
await engine.segment({ image, objects: [{ points: [{ x: 100, y: 100, positive: true }] }] });
const clicks: Array<Record<string, number>> = [];
for (let k = 0; k < runs; k++) {
  const started = performance.now();
  const result = await engine.segment({
    image,
    objects: [{ points: [{ x: 300 + k * 50, y: 400, positive: true }] }],
    maskEncodings: ['rle'],
  });
  clicks.push({ ...result.timings, total: performance.now() - started });
}
const cm = (key: string): number => median(clicks.map((t) => t[key] ?? 0));
console.log(
  `| click on a cached image | 1 | ${cm('total').toFixed(0)} | ${GRAPHS.map((g) => cm(g).toFixed(0)).join(' | ')} | ${(cm('total') - GRAPHS.reduce((a, g) => a + cm(g), 0)).toFixed(0)} |`,
);
await engine.close();
