// `npm run bench:video [-- --seconds N] [-- --fps N]`: a synthetic 1280×720 clip through `segmentVideo` on the
// demo model (3 concepts): wall-clock fps, time in the model's graphs vs the rest (decode, preprocess, tracker,
// upsampling, non-overlap, RLE, JSON), and peak RSS. Prints Markdown for BENCHMARKS.md.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeDemoBundle } from '../src/demo-model/write-demo-bundle.js';
import { LocalEngine } from '../src/engine/local-engine.js';
import { COLORS, linear, writeSyntheticVideo } from '../test/helpers/synthetic-video.js';

const arg = (name: string, fallback: number): number => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const seconds = arg('seconds', 20);
const sampleFps = arg('fps', 0) || undefined;
const fps = 30;
const frames = seconds * fps;
const dir = mkdtempSync(join(tmpdir(), 'sam3-bench-video-'));
const bounce = (period: number, span: number) => (f: number) => {
  const t = (f % period) / period;
  return (t < 0.5 ? t * 2 : 2 - t * 2) * span;
};
const x = bounce(240, 1100);
const y = bounce(180, 560);
const shapes = [
  { color: COLORS.red, at: (f: number) => ({ x0: x(f), y0: 100, x1: x(f) + 160, y1: 260 }) },
  { color: COLORS.blue, at: (f: number) => ({ x0: 1100 - x(f), y0: y(f), x1: 1100 - x(f) + 140, y1: y(f) + 140 }) },
  linear(COLORS.green, 200, 120, [40, 560], [1000, 560], 0, frames - 1, frames),
];
let started = performance.now();
const video = await writeSyntheticVideo(join(dir, 'clip.mp4'), { width: 1280, height: 720, fps, frames, shapes, preset: 'ultrafast', crf: 18, keepTruth: false });
const encodeS = (performance.now() - started) / 1000;
const engine = await LocalEngine.create({ modelDir: await writeDemoBundle(join(process.cwd(), '.cache', 'test-models', 'demo-r1008'), { resolution: 1008 }) });
started = performance.now();
const summary = await engine.segmentVideo(
  { video: video.path, concepts: ['red', 'blue', 'green'], objects: [], documentPath: join(dir, 'rle.json'), ...(sampleFps ? { sampleFps } : {}) },
  { frame: () => undefined },
);
const wallS = (performance.now() - started) / 1000;
const modelMs = Object.entries(summary.timingsMs).filter(([k]) => /encoder|decoder/.test(k)).reduce((n, [, v]) => n + v, 0);
const restS = wallS - modelMs / 1000;
const peakRssMb = process.resourceUsage().maxRSS / 1024;
await engine.close();
console.log(`### Video pipeline, 1280×720, ${seconds} s at ${fps} fps${sampleFps ? `, processed at ${sampleFps} fps` : ''}, demo model, 3 concepts (${cpus().length} × ${cpus()[0]?.model.trim()})\n`);
console.log('| measure | value |\n|---|---:|');
console.log(`| frames processed | ${summary.frameCount} |`);
console.log(`| objects | ${summary.objects.map((o) => `${o.id} ${o.label}`).join(', ')} |`);
console.log(`| wall time | ${wallS.toFixed(1)} s (${(summary.frameCount / wallS).toFixed(1)} fps) |`);
console.log(`| in the model's graphs | ${(modelMs / 1000).toFixed(1)} s |`);
console.log(`| everything else (decode wait, preprocess, tracker, render, RLE, JSON) | ${restS.toFixed(1)} s → **${(summary.frameCount / restS).toFixed(1)} fps** |`);
console.log(`| peak RSS of the process | ${peakRssMb.toFixed(0)} MB |`);
console.log(`| RLE document | ${(statSync(join(dir, 'rle.json')).size / 1024).toFixed(0)} KiB |`);
console.log(`| stages (ms) | ${Object.entries(summary.timingsMs).map(([k, v]) => `${k} ${Math.round(v)}`).join(', ')} |`);
console.log(`\n(clip encoded in ${encodeS.toFixed(1)} s, not counted)`);
rmSync(dir, { recursive: true, force: true });
