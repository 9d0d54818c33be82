// `npm run bench`: mask encodings (COCO RLE encode/decode, contour tracing) against OpenCV and pycocotools measured
// in the same run, logit upsampling, and overlay encoding per format. Prints Markdown for BENCHMARKS.md.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { countsFromString, countsToString, decodeRle, encodeRle } from '../src/masks/coco-rle.js';
import { maskToOuterPolygons, maskToPolygonsWithHoles } from '../src/masks/polygons.js';
import { upsampleLogitsToMask } from '../src/masks/upsample-logits.js';
import { encodeOverlay } from '../src/media/image-encode.js';
import { benchMask, type MaskKind } from './mask-fixtures.js';
import { medianMs, medianMsAsync } from './median.js';

const sizes: Array<[number, number, number]> = [
  [1920, 1080, 30],
  [3840, 2160, 10],
];
const kinds: MaskKind[] = ['blob', 'many-blobs', 'noise'];
const dir = mkdtempSync(join(tmpdir(), 'sam3-bench-'));
const cases: Array<{ name: string; path: string; width: number; height: number; runs: number; contours: boolean }> = [];
const ours: Record<string, Record<string, number>> = {};

sharp.concurrency(1);
const masks = new Map<string, ReturnType<typeof benchMask>>();
for (const [w, h, runs] of sizes) {
  for (const kind of kinds) {
    const name = `${w}×${h} ${kind}`;
    const mask = benchMask(kind, w, h);
    masks.set(name, mask);
    const path = join(dir, `${w}x${h}-${kind}.bin`);
    writeFileSync(path, mask.data);
    cases.push({ name, path, width: w, height: h, runs, contours: kind !== 'noise' });
  }
}

/** One round of ours over every case. */
function measureOurs(): Record<string, Record<string, number>> {
  const round: Record<string, Record<string, number>> = {};
  for (const c of cases) {
    const mask = masks.get(c.name)!;
    const text = countsToString(encodeRle(mask).counts);
    const r: Record<string, number> = {};
    r.encode = medianMs(() => countsToString(encodeRle(mask).counts), c.runs);
    r.decode = medianMs(() => decodeRle({ height: c.height, width: c.width, counts: countsFromString(text) }), c.runs);
    if (c.contours) {
      // Contours of pixel noise (millions of one-pixel components) are not a realistic workload.
      r.outer = medianMs(() => maskToOuterPolygons(mask), c.runs);
      r.holes = medianMs(() => maskToPolygonsWithHoles(mask), c.runs);
    }
    r.chars = text.length;
    round[c.name] = r;
  }
  return round;
}

type PeerRun = { peers: Record<string, string>; results: Record<string, Record<string, number | string>> };
let peerNote = '';
/** One round of the peers (OpenCV, pycocotools) over every case, from the Python that has the most of them. */
function measurePeers(): PeerRun {
  let best: PeerRun = { peers: {}, results: {} };
  const pythons = [...(process.env.PYTHON ? [process.env.PYTHON] : []), '/usr/bin/python3', 'python3'];
  for (const python of pythons) {
    try {
      const out = execFileSync(python, [join(import.meta.dirname, 'peers.py'), JSON.stringify({ cases })], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        maxBuffer: 256 * 1024 * 1024, // the noise masks' RLE strings, returned for the check
      });
      const parsed = JSON.parse(out) as PeerRun;
      if (Object.keys(parsed.peers).length > Object.keys(best.peers).length) best = parsed;
      if (Object.keys(best.peers).length === 2) break;
    } catch (e) {
      peerNote += `${python}: ${(e as Error).message.split('\n')[0]!.slice(0, 120)}; `;
    }
  }
  return best;
}

// Rounds alternating ours and the peers (the side going first alternating); each figure is the median of the rounds.
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const ourRounds: Array<Record<string, Record<string, number>>> = [];
const peerRounds: PeerRun[] = [];
for (let r = 0; r < ROUNDS; r++) {
  if (r % 2 === 0) {
    ourRounds.push(measureOurs());
    peerRounds.push(measurePeers());
  } else {
    peerRounds.push(measurePeers());
    ourRounds.push(measureOurs());
  }
}
const middle = (xs: number[]): number | undefined =>
  xs.length === 0 ? undefined : [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const c of cases) {
  const r: Record<string, number> = {};
  for (const key of Object.keys(ourRounds[0]![c.name]!)) r[key] = middle(ourRounds.map((o) => o[c.name]![key]!))!;
  ours[c.name] = r;
}
const peers: { peers: Record<string, string>; results: Record<string, Record<string, number>> } = {
  peers: peerRounds[0]!.peers,
  results: {},
};
const rleCheck: string[] = [];
for (const c of cases) {
  const r: Record<string, number> = {};
  for (const key of Object.keys(peerRounds[0]!.results[c.name] ?? {})) {
    if (key === 'rle') continue;
    const values = peerRounds.map((p) => p.results[c.name]?.[key]).filter((v): v is number => typeof v === 'number');
    r[key] = middle(values)!;
  }
  peers.results[c.name] = r;
  const theirs = peerRounds[0]!.results[c.name]?.rle;
  if (typeof theirs === 'string') {
    const mine = countsToString(encodeRle(masks.get(c.name)!).counts);
    rleCheck.push(`${c.name}: ${mine === theirs ? 'identical' : 'DIFFER'}`);
  }
}

const fmt = (v: number | undefined): string => (v === undefined ? '–' : v.toFixed(2));
const ratio = (a: number | undefined, b: number | undefined): string =>
  a === undefined || b === undefined ? '–' : `${(a / b).toFixed(2)}×`;
console.log(
  `Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'} ×${cpus().length}; peers: ${JSON.stringify(peers.peers)}`,
);
if (!peers.peers.pycocotools)
  console.log(
    'pycocotools: not installed for this Python (set PYTHON to a venv that has it) — RLE peer columns skipped.',
  );
else console.log(`RLE strings checked against pycocotools first — ${rleCheck.join('; ')}.`);
console.log(`Median of ${ROUNDS} rounds alternating ours and the peers.`);
if (!peers.peers.opencv)
  console.log(`OpenCV: not installed (${peerNote || 'python3-opencv missing'}) — contour peer columns skipped.`);
console.log(
  '\n| mask | RLE chars | encode ms | pycocotools encode (C-order) ms | ratio | decode ms | pycocotools decode (→C) ms | ratio | outer polygons ms | cv2 EXTERNAL ms | ratio | polygons+holes ms | cv2 CCOMP ms | ratio |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const c of cases) {
  const o = ours[c.name]!;
  const p = peers.results[c.name] ?? {};
  console.log(
    `| ${c.name} | ${o.chars} | ${fmt(o.encode)} | ${fmt(p.coco_encode_from_c_order)} | ${ratio(o.encode, p.coco_encode_from_c_order)} | ${fmt(o.decode)} | ${fmt(p.coco_decode_to_c_order)} | ${ratio(o.decode, p.coco_decode_to_c_order)} | ${fmt(o.outer)} | ${fmt(p.findContours_external_simple)} | ${ratio(o.outer, p.findContours_external_simple)} | ${fmt(o.holes)} | ${fmt(p.findContours_ccomp_simple)} | ${ratio(o.holes, p.findContours_ccomp_simple)} |`,
  );
}

// Logit upsampling (one kept query, 288² → output size) and overlay encoding per format.
console.log('\n| stage | 1920×1080 ms | 3840×2160 ms |');
console.log('|---|---|---|');
const logits = new Float32Array(288 * 288);
for (let i = 0; i < logits.length; i++) logits[i] = Math.sin(i / 977) * 4;
const up = sizes.map(([w, h, runs]) => medianMs(() => upsampleLogitsToMask(logits, 0, 288, 288, w, h), runs));
console.log(`| upsample 288² logits → mask | ${fmt(up[0])} | ${fmt(up[1])} |`);
for (const format of ['png', 'jpeg', 'webp'] as const) {
  const t: number[] = [];
  for (const [w, h] of sizes) {
    const rgb = new Uint8Array(w * h * 3);
    for (let i = 0; i < rgb.length; i++) rgb[i] = (i * 7) & 255;
    const image = { width: w, height: h, channels: 3 as const, data: rgb };
    const objects = [{ id: 0, mask: benchMask('blob', w, h) }];
    t.push(await medianMsAsync(() => encodeOverlay(image, objects, format), 5));
  }
  console.log(`| overlay (blend + outline + encode) ${format} | ${fmt(t[0])} | ${fmt(t[1])} |`);
}
