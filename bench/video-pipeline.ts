// `npm run bench:video [-- --seconds N] [-- --fps N] [-- --modes memory,detection] [-- --no-replay] [-- --replays N]`:
// a synthetic 1280×720 clip through `segmentVideo` on the demo model (3 concepts), per tracking mode:
//  1. the real graphs (recorded): wall-clock fps, time in the graphs vs the rest, peak RSS;
//  2. the same run with every graph call answered from the recording: the non-model pipeline (ffmpeg decode and
//     scale, preprocess, tracker, memory writes, upsampling, non-overlap, RLE, JSON) at its own speed, N times
//     (default 3) with the garbage-collector setting the product applies (SAM3_GC_CONCURRENT_MARKING, as `sam3`
//     does at start) and N times with the other one, alternating, as the peer. Every replayed RLE document must
//     come out byte-identical to pass 1, or the benchmark fails.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalEngine } from '../src/engine/local-engine.js';
import type { VideoSummary } from '../src/engine/video-engine.js';
import { demoBundle } from '../test/helpers/demo-bundles.js';
import { COLORS, linear, writeSyntheticVideo } from '../test/helpers/synthetic-video.js';
import { applyGcTuning } from '../src/cli/gc-tuning.js';
import { readSettings } from '../src/config/settings.js';
import { GraphReplay } from './graph-replay.js';

const arg = (name: string, fallback: string): string => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? process.argv[at + 1]! : fallback;
};
const seconds = Number(arg('seconds', '10'));
const sampleFps = Number(arg('fps', '0')) || undefined;
const modes = arg('modes', 'memory,detection').split(',');
const replayPass = !process.argv.includes('--no-replay');
const replays = Number(arg('replays', '3'));
const gcSetting = readSettings().gcConcurrentMarking;
applyGcTuning(gcSetting);
const productGc = gcSetting === 'on';
const markingName = (on: boolean): string => `concurrent marking ${on ? 'on' : 'off'}`;
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
const video = await writeSyntheticVideo(join(dir, 'clip.mp4'), {
  width: 1280,
  height: 720,
  fps,
  frames,
  shapes,
  preset: 'ultrafast',
  crf: 18,
  keepTruth: false,
});
const encodeS = (performance.now() - encodeStarted) / 1000;

const GRAPH_STAGE = /encoder|decoder|attention/;
const graphMs = (s: VideoSummary): number =>
  Object.entries(s.timingsMs)
    .filter(([k]) => GRAPH_STAGE.test(k))
    .reduce((n, [, v]) => n + v, 0);
const stages = (s: VideoSummary): string =>
  Object.entries(s.timingsMs)
    .map(([k, v]) => `${k} ${Math.round(v)}`)
    .join(', ');

async function pass(memoryTracker: boolean, documentPath: string): Promise<{ summary: VideoSummary; wallMs: number }> {
  const engine = await LocalEngine.create({ modelDir: await demoBundle(1008, { memoryTracker }) });
  try {
    const started = performance.now();
    const summary = await engine.segmentVideo(
      {
        video: video.path,
        concepts: ['red', 'blue', 'green'],
        objects: [],
        documentPath,
        ...(sampleFps ? { sampleFps } : {}),
      },
      { frame: () => undefined },
    );
    return { summary, wallMs: performance.now() - started };
  } finally {
    await engine.close();
  }
}

console.log(
  `### Video pipeline, 1280×720, ${seconds} s at ${fps} fps${sampleFps ? `, processed at ${sampleFps} fps` : ''}, demo model at 1008, 3 concepts (${cpus().length} × ${cpus()[0]?.model.trim()}, Node ${process.version}; SAM3_GC_CONCURRENT_MARKING=${gcSetting})\n`,
);
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
  console.log(
    `| pass 1 (real graphs): wall | ${(realWallMs / 1000).toFixed(1)} s (${(n / (realWallMs / 1000)).toFixed(1)} fps) |`,
  );
  console.log(`| pass 1: in the graphs | ${(realGraphMs / 1000).toFixed(1)} s |`);
  console.log(
    `| pass 1: everything else (wall − graphs) | ${((realWallMs - realGraphMs) / 1000).toFixed(1)} s → ${(n / ((realWallMs - realGraphMs) / 1000)).toFixed(1)} fps |`,
  );
  console.log(`| pass 1: peak RSS of the process so far | ${peakRssMb.toFixed(0)} MB |`);
  if (replayPass) {
    const runs: Record<'product' | 'peer', Array<{ hostMs: number; answerMs: number; stages: string }>> = {
      product: [],
      peer: [],
    };
    for (let k = 0; k < 2 * replays; k++) {
      const which = k % 2 === 0 ? 'product' : 'peer';
      applyGcTuning((which === 'product') === productGc ? 'on' : 'off');
      replay.replay();
      const documentPath = join(dir, `${mode}-replay-${k}.json`);
      const replayed = await pass(memoryTracker, documentPath);
      replay.restore();
      const same = readFileSync(join(dir, `${mode}-real.json`), 'utf8') === readFileSync(documentPath, 'utf8');
      failed ||= !same;
      if (!same) console.log(`| replay ${k + 1}: RLE document identical to pass 1 | **NO** |`);
      const answerMs = graphMs(replayed.summary);
      runs[which].push({ hostMs: replayed.wallMs - answerMs, answerMs, stages: stages(replayed.summary) });
    }
    applyGcTuning(gcSetting);
    const fpsOf = (ms: number): number => n / (ms / 1000);
    // The median run; of an even count, the slower of the middle two.
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    for (const which of ['product', 'peer'] as const) {
      const list = runs[which];
      const marking = markingName(which === 'product' ? productGc : !productGc);
      const best = median(list.map((r) => r.hostMs));
      const label =
        which === 'product'
          ? `**non-model pipeline**, ${marking} (as \`sam3\` runs here)`
          : `non-model pipeline, ${marking} (peer)`;
      console.log(
        `| ${label}: replays (wall − replay answers) | ${list.map((r) => `${(r.hostMs / 1000).toFixed(2)} s → ${fpsOf(r.hostMs).toFixed(1)} fps`).join('; ')} |`,
      );
      console.log(`| ${label}: median | **${fpsOf(best).toFixed(1)} fps** (${(best / n).toFixed(1)} ms/frame) |`);
    }
    console.log(`| replays' RLE documents identical to pass 1 | ${failed ? '**NO**' : 'yes, all'} |`);
    console.log(`| replay stages, first run with ${markingName(productGc)} (ms) | ${runs.product[0]!.stages} |`);
  }
  console.log(`| pass 1 stages (ms) | ${stages(real.summary)} |\n`);
}
console.log(`(clip encoded in ${encodeS.toFixed(1)} s, not counted)`);
rmSync(dir, { recursive: true, force: true });
if (failed) {
  console.error('The replayed pass did not reproduce the recorded pass: the measurement is void.');
  process.exitCode = 1;
}
