// `npm run bench:host`: the work around the SAM 3 graphs for one 1920×1080 JPEG — decode, model input, and per kept
// instance upsample + threshold, COCO RLE, area, box, outer polygons, then the JSON — ours (the functions the request
// path calls) against the Python peer (PIL, cv2, pycocotools; bench/host_peer.py) in the same run: outputs checked
// identical first, then rounds that alternate the two. Needs python3 with numpy, pillow, opencv and pycocotools
// (PYTHON=/path/to/venv/bin/python); without them it says so and times ours alone.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { countsToString, encodeRle } from '../src/masks/coco-rle.js';
import { maskArea, maskBox } from '../src/masks/mask-ops.js';
import { maskToOuterPolygons } from '../src/masks/polygons.js';
import type { BinaryMask } from '../src/domain/segmentation.js';
import { recycleFrames } from '../src/masks/frame-pool.js';
import { upsampleLogitsToFrame } from '../src/masks/upsample-logits.js';
import { decodeImage } from '../src/media/image-decode.js';
import { ResizePool } from '../src/media/resize-pool.js';
import { PIXEL_NORMALIZATION } from '../src/model/sam3/preprocess.js';
import { alternateRounds, median } from './median.js';
import { Peer } from './python-peer.js';

const WIDTH = 1920;
const HEIGHT = 1080;
const SIDE = 288;
const RESOLUTION = 1008;
const ROUNDS = Number(process.env.ROUNDS ?? 5);
/** RESIZE_THREADS=n: the model-input resize on n worker threads, as the engine does on machines with cores to spare. */
const RESIZE_THREADS = Number(process.env.RESIZE_THREADS ?? 0);
const resizer = new ResizePool(RESIZE_THREADS);
const RUNS = Number(process.env.RUNS ?? 8);
const dir = mkdtempSync(join(tmpdir(), 'sam3-host-bench-'));

/** A photo-like 1080p JPEG: gradients, texture and shapes (JPEG decode cost depends on content). */
async function makeJpeg(): Promise<Uint8Array> {
  const raw = Buffer.alloc(WIDTH * HEIGHT * 3);
  for (let y = 0; y < HEIGHT; y++)
    for (let x = 0; x < WIDTH; x++) {
      const i = (y * WIDTH + x) * 3;
      const t = Math.sin(x / 37) * Math.cos(y / 23);
      raw[i] = (x * 255) / WIDTH + 30 * t;
      raw[i + 1] = (y * 255) / HEIGHT - 30 * t;
      raw[i + 2] = 128 + 60 * Math.sin((x + y) / 53) + ((x * 7919 + y * 104729) % 23);
    }
  return sharp(raw, { raw: { width: WIDTH, height: HEIGHT, channels: 3 } })
    .jpeg({ quality: 90 })
    .toBuffer();
}

/** `count` smooth 288² logit planes, one elliptical object each (sizes from a few % of the frame to a third). */
function makeLogits(count: number): Float32Array {
  const out = new Float32Array(count * SIDE * SIDE);
  let s = 42;
  const rand = (): number => (s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  for (let k = 0; k < count; k++) {
    const cx = SIDE * (0.15 + 0.7 * rand());
    const cy = SIDE * (0.15 + 0.7 * rand());
    const rx = SIDE * (0.04 + 0.2 * rand());
    const ry = SIDE * (0.04 + 0.2 * rand());
    for (let y = 0; y < SIDE; y++)
      for (let x = 0; x < SIDE; x++) {
        const d = ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2;
        out[k * SIDE * SIDE + y * SIDE + x] = Math.max(-20, 12 * (1 - d) + 0.7 * Math.sin(x * 0.9 + y * 1.3 + k));
      }
  }
  return out;
}

interface Instance {
  rle: string;
  area: number;
  box: number[];
  polygons: number[][][];
}

/** Ours: the functions `LocalEngine.segment` runs around the graphs, in its order. */
async function ours(
  jpeg: Uint8Array,
  logits: Float32Array,
  count: number,
  stages?: Record<string, number[]>,
): Promise<{ pixels: Float32Array; instances: Instance[] }> {
  const t = (): number => performance.now();
  const t0 = t();
  const image = await decodeImage(jpeg);
  const t1 = t();
  const pixels = await resizer.planes(image, RESOLUTION, RESOLUTION, PIXEL_NORMALIZATION);
  const t2 = t();
  let upsample = 0;
  let rle = 0;
  let polygons = 0;
  const instances: Instance[] = [];
  const masks: BinaryMask[] = [];
  for (let k = 0; k < count; k++) {
    const a = t();
    const mask = upsampleLogitsToFrame(logits, k * SIDE * SIDE, SIDE, SIDE, image.width, image.height);
    masks.push(mask);
    const b = t();
    const counts = countsToString(encodeRle(mask).counts);
    const area = maskArea(mask);
    const box = maskBox(mask);
    const c = t();
    const rings = maskToOuterPolygons(mask);
    const d = t();
    upsample += b - a;
    rle += c - b;
    polygons += d - c;
    instances.push({
      rle: counts,
      area,
      box: box ? [box.x0, box.y0, box.x1 - box.x0, box.y1 - box.y0] : [0, 0, 0, 0],
      polygons: rings.filter((r) => r.length > 0),
    });
  }
  const t3 = t();
  JSON.stringify({ width: image.width, height: image.height, instances });
  // The response built, the masks' memory goes back, as the HTTP routes give their results back (engine.release).
  recycleFrames(masks);
  const t4 = t();
  if (stages) {
    const add = (name: string, ms: number): void => void (stages[name] ??= []).push(ms);
    add('decode', t1 - t0);
    add('preprocess', t2 - t1);
    add('upsample', upsample);
    add('rle_area_box', rle);
    add('polygons', polygons);
    add('json', t4 - t3);
    add('total', t4 - t0);
  }
  return { pixels, instances };
}

const STAGES = ['decode', 'preprocess', 'upsample', 'rle_area_box', 'polygons', 'json', 'total'];

const jpeg = await makeJpeg();
writeFileSync(join(dir, 'image.jpg'), jpeg);
const python = process.env.PYTHON ?? 'python3';
const started = await Peer.start(python);
const peer = typeof started === 'string' ? undefined : started;
console.log(
  `## Host pipeline, ${WIDTH}×${HEIGHT} JPEG (\`npm run bench:host\`, ${new Date().toISOString().slice(0, 10)})\n`,
);
if (!peer) console.log(`The Python peer did not start (${python}: ${started as string}); ours alone.\n`);

for (const count of [5, 20]) {
  const logits = makeLogits(count);
  writeFileSync(join(dir, 'logits.bin'), logits);
  const mine = await ours(jpeg, logits, count);
  if (peer) {
    await peer.ask({
      cmd: 'load',
      jpeg: join(dir, 'image.jpg'),
      logits: join(dir, 'logits.bin'),
      count,
      side: SIDE,
      resolution: RESOLUTION,
    });
    const theirs = await peer.ask<{ instances: Instance[] }>({ cmd: 'outputs', pixels: join(dir, 'pixels.bin') });
    const pixels = new Float32Array(readFileSync(join(dir, 'pixels.bin')).buffer.slice(0));
    let maxDiff = 0;
    for (let i = 0; i < pixels.length; i++) maxDiff = Math.max(maxDiff, Math.abs(pixels[i]! - mine.pixels[i]!));
    const same = (key: keyof Instance): boolean =>
      JSON.stringify(mine.instances.map((i) => i[key])) === JSON.stringify(theirs.instances.map((i) => i[key]));
    const verdict = (['rle', 'area', 'box', 'polygons'] as const).map(
      (k) => `${k} ${same(k) ? 'identical' : 'DIFFER'}`,
    );
    console.log(
      `${count} instances — outputs checked: ${verdict.join(', ')}; model input max |Δ| ${maxDiff.toExponential(1)}`,
    );
    if (verdict.some((v) => v.endsWith('DIFFER'))) {
      for (let k = 0; k < count; k++)
        if (mine.instances[k]!.rle !== theirs.instances[k]!.rle)
          console.log(`  instance ${k}: area ours ${mine.instances[k]!.area}, peer ${theirs.instances[k]!.area}`);
    }
  }
  const ourStages: Record<string, number[]> = {};
  const peerStages: Record<string, number[]> = {};
  const runOurs = async (): Promise<void> => {
    const round: Record<string, number[]> = {};
    // The model input goes back to the resizer as the engine gives it back once the graph has read it.
    for (let i = 0; i < RUNS; i++) resizer.release((await ours(jpeg, logits, count, round)).pixels);
    for (const s of STAGES) (ourStages[s] ??= []).push(median(round[s]!));
  };
  const runPeer = async (): Promise<void> => {
    if (!peer) return;
    const { stages } = await peer.ask<{ stages: Record<string, number[]> }>({ cmd: 'time', runs: RUNS });
    for (const s of STAGES) (peerStages[s] ??= []).push(median(stages[s]!));
  };
  await alternateRounds(ROUNDS, runOurs, runPeer);
  console.log(`\n| stage (${count} instances) | ours ms | Python peer ms | peer ÷ ours |\n|---|---|---|---|`);
  for (const s of STAGES) {
    const o = median(ourStages[s]!);
    const p = peer ? median(peerStages[s]!) : NaN;
    console.log(`| ${s} | ${o.toFixed(2)} | ${peer ? p.toFixed(2) : '–'} | ${peer ? `${(p / o).toFixed(2)}×` : '–'} |`);
  }
  console.log('');
}
console.log(
  `Median of ${ROUNDS} rounds (each the median of ${RUNS} runs), alternating which side goes first; resize threads: ${RESIZE_THREADS}.`,
);
peer?.close();
await resizer.close();
