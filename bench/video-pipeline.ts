// `npm run bench:video [-- --seconds N] [-- --fps N] [-- --modes memory,detection] [-- --no-replay]`: a synthetic
// 1280×720 clip through `segmentVideo` on the demo model (3 concepts), per tracking mode in two passes:
//  1. the real graphs (recorded): wall-clock fps, time in the graphs vs the rest, peak RSS;
//  2. the same run with every graph call answered from the recording: the non-model pipeline (ffmpeg decode and
//     scale, preprocess, tracker, memory writes, upsampling, non-overlap, RLE, JSON) at its own speed. The RLE
//     document must come out byte-identical to pass 1, or the benchmark fails.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalEngine } from '../src/engine/local-engine.js';
import type { VideoSummary } from '../src/engine/video-engine.js';
import { demoBundle } from '../test/helpers/demo-bundles.js';
import { COLORS, linear, writeSyntheticVideo } from '../test/helpers/synthetic-video.js';
import { GraphReplay } from './graph-replay.js';

const arg = (name: string, fallback: string): string => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? process.argv[at + 1]! : fallback;
};
const seconds = Number(arg('seconds', '10'));
const sampleFps = Number(arg('fps', '0')) || undefined;
const modes = arg('modes', 'memory,detection').split(',');
const replayPass = !process.argv.includes('--no-replay');
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
const encodeStarted = performance.now();
const video = await writeSyntheticVideo(join(dir, 'clip.mp4'), { width: 1280, height: 720, fps, frames, shapes, preset: 'ultrafast', crf: 18, keepTruth: false });
const encodeS = (performance.now() - encodeStarted) / 1000;

const GRAPH_STAGE = /encoder|decoder|attention/;
const graphMs = (s: VideoSummary): number => Object.entries(s.timingsMs).filter(([k]) => GRAPH_STAGE.test(k)).reduce((n, [, v]) => n + v, 0);
const stages = (s: VideoSummary): string => Object.entries(s.timingsMs).map(([k, v]) => `${k} ${Math.round(v)}`).join(', ');

async function pass(memoryTracker: boolean, documentPath: string): Promise<{ summary: VideoSummary; wallMs: number }> {
  const engine = await LocalEngine.create({ modelDir: await demoBundle(1008, { memoryTracker }) });
  try {
    const started = performance.now();
    const summary = await engine.segmentVideo({ video: video.path, concepts: ['red', 'blue', 'green'], objects: [], documentPath, ...(sampleFps ? { sampleFps } : {}) }, { frame: () => undefined });
    return { summary, wallMs: performance.now() - started };
  } finally {
    await engine.close();
  }
}

console.log(`### Video pipeline, 1280×720, ${seconds} s at ${fps} fps${sampleFps ? `, processed at ${sampleFps} fps` : ''}, demo model at 1008, 3 concepts (${cpus().length} × ${cpus()[0]?.model.trim()}, Node ${process.version})\n`);
let failed = false;
for (const mode of modes) {
  const memoryTracker = mode === 'memory';
  const replay = new GraphReplay();
  if (replayPass) replay.record();
  const real = await pass(memoryTracker, join(dir, `${mode}-real.json`));
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  const realGraphMs = graphMs(real.summary) - replay.recordMs;
  const realWallMs = real.wallMs - replay.recordMs;
  const n = real.summary.frameCount;
  console.log(`#### ${real.summary.mode}\n`);
  console.log('| measure | value |\n|---|---:|');
  console.log(`| frames processed | ${n} |`);
  console.log(`| objects | ${real.summary.objects.map((o) => `${o.id} ${o.label}`).join(', ')} |`);
  console.log(`| pass 1 (real graphs): wall | ${(realWallMs / 1000).toFixed(1)} s (${(n / (realWallMs / 1000)).toFixed(1)} fps) |`);
  console.log(`| pass 1: in the graphs | ${(realGraphMs / 1000).toFixed(1)} s |`);
  console.log(`| pass 1: everything else (wall − graphs) | ${((realWallMs - realGraphMs) / 1000).toFixed(1)} s → ${(n / ((realWallMs - realGraphMs) / 1000)).toFixed(1)} fps |`);
  console.log(`| pass 1: peak RSS of the process so far | ${peakRssMb.toFixed(0)} MB |`);
  if (replayPass) {
    replay.replay();
    const replayed = await pass(memoryTracker, join(dir, `${mode}-replay.json`));
    replay.restore();
    const same = readFileSync(join(dir, `${mode}-real.json`), 'utf8') === readFileSync(join(dir, `${mode}-replay.json`), 'utf8');
    failed ||= !same;
    const answerMs = graphMs(replayed.summary);
    const hostMs = replayed.wallMs - answerMs;
    console.log(`| pass 2 (graphs replayed): wall | ${(replayed.wallMs / 1000).toFixed(2)} s, of which ${(answerMs / 1000).toFixed(2)} s answering graph calls from the recording |`);
    console.log(`| **non-model pipeline** (pass 2 wall − replay answers) | ${(hostMs / 1000).toFixed(2)} s → **${(n / (hostMs / 1000)).toFixed(1)} fps** (${(hostMs / n).toFixed(1)} ms/frame) |`);
    console.log(`| pass 2 RLE document identical to pass 1 | ${same ? 'yes' : '**NO**'} |`);
    console.log(`| pass 2 stages (ms) | ${stages(replayed.summary)} |`);
  }
  console.log(`| pass 1 stages (ms) | ${stages(real.summary)} |\n`);
}
console.log(`(clip encoded in ${encodeS.toFixed(1)} s, not counted)`);
rmSync(dir, { recursive: true, force: true });
if (failed) {
  console.error('The replayed pass did not reproduce the recorded pass: the measurement is void.');
  process.exitCode = 1;
}
