// Memory tracker vs tracking by detection on the same synthetic clip and demo model, in one run: wall time and the
// per-stage time of each mode (npm run bench:video-modes). The demo graphs are synthetic: this measures the host
// loop's overhead per tracked object, not SAM 3's speed.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalEngine } from '../src/engine/local-engine.js';
import { demoBundle } from '../test/helpers/demo-bundles.js';
import { COLORS, linear, writeSyntheticVideo } from '../test/helpers/synthetic-video.js';

const FRAMES = 40;
const dir = await mkdtemp(join(tmpdir(), 'sam3-bench-modes-'));
const video = await writeSyntheticVideo(join(dir, 'clip.mp4'), {
  width: 192,
  height: 144,
  fps: 10,
  frames: FRAMES,
  keepTruth: false,
  shapes: [
    linear(COLORS.red, 40, 36, [4, 20], [148, 40], 0, FRAMES - 1, FRAMES),
    linear(COLORS.blue, 40, 36, [148, 60], [4, 50], 0, FRAMES - 1, FRAMES),
  ],
});
const rows: string[] = [];
for (const memoryTracker of [true, false]) {
  const engine = await LocalEngine.create({ modelDir: await demoBundle(1008, { memoryTracker }) });
  await engine.segmentVideo(
    { video: video.path, concepts: ['red', 'blue'], objects: [], maxFrames: 3 },
    { frame() {} },
  ); // warm-up
  const started = performance.now();
  const summary = await engine.segmentVideo(
    { video: video.path, concepts: ['red', 'blue'], objects: [] },
    { frame() {} },
  );
  const ms = performance.now() - started;
  const stages = Object.entries(summary.timingsMs)
    .map(([k, v]) => `${k} ${Math.round(v)}`)
    .join(', ');
  rows.push(
    `${summary.mode}: ${FRAMES} frames, 2 objects in ${Math.round(ms)} ms (${(FRAMES / (ms / 1000)).toFixed(1)} fps); stages ms: ${stages}`,
  );
  await engine.close();
}
console.log(rows.join('\n'));
await rm(dir, { recursive: true, force: true });
