// `sam3 video IN`: tracks text concepts and clicked objects through a video in this process, with a progress bar
// (frames, fps, ETA); writes the RLE document (--out) and optionally the overlay MP4 (--overlay).
import { access, copyFile, mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import cliProgress from 'cli-progress';
import { createLocalEngine, type EngineSettings } from '../compose.js';
import { SamError } from '../domain/errors.js';
import type { VideoObjectPrompt } from '../domain/video.js';

export interface VideoCliOptions {
  text?: string;
  point?: string[];
  box?: string[];
  out?: string;
  overlay?: string;
  fps?: string;
  maxFrames?: string;
  delay?: string;
  progress?: boolean;
}

const numbers = (text: string, flag: string, count: number[]): number[] => {
  const values = text.split(',').map((v) => Number(v.trim()));
  if (!count.includes(values.length) || values.some((v) => !Number.isFinite(v))) {
    throw new SamError(
      'INVALID_ARGUMENT',
      `Expected ${flag} as ${flag === '--point' ? 'FRAME:x,y[,0]' : 'FRAME:x0,y0,x1,y1'} but received ${JSON.stringify(text)}`,
      { field: flag },
    );
  }
  return values;
};

function frameOf(spec: string, flag: string): [number, string] {
  const m = /^(\d+):(.*)$/.exec(spec.trim());
  if (!m)
    throw new SamError(
      'INVALID_ARGUMENT',
      `Expected ${flag} to start with a frame index (FRAME:…) but received ${JSON.stringify(spec)}`,
      { field: flag },
    );
  return [Number(m[1]), m[2]!];
}

/** --point FRAME:x,y[,0] (points on one frame form one object) and --box FRAME:x0,y0,x1,y1 (one object each). */
export function videoObjects(points: readonly string[] = [], boxes: readonly string[] = []): VideoObjectPrompt[] {
  const byFrame = new Map<number, VideoObjectPrompt>();
  for (const spec of points) {
    const [frame, rest] = frameOf(spec, '--point');
    const [x, y, label] = numbers(rest, '--point', [2, 3]);
    const object = byFrame.get(frame) ?? { frameIndex: frame, points: [], label: `points@${frame}` };
    object.points!.push({ x: x!, y: y!, positive: label !== 0 });
    byFrame.set(frame, object);
  }
  const objects = [...byFrame.values()];
  boxes.forEach((spec, i) => {
    const [frame, rest] = frameOf(spec, '--box');
    const [x0, y0, x1, y1] = numbers(rest, '--box', [4]);
    objects.push({ frameIndex: frame, box: { x0: x0!, y0: y0!, x1: x1!, y1: y1! }, label: `box ${i + 1}` });
  });
  return objects;
}

const positive = (text: string | undefined, flag: string, integer: boolean): number | undefined => {
  if (text === undefined) return undefined;
  const v = Number(text);
  if (!Number.isFinite(v) || v < 0 || (integer && !Number.isInteger(v)))
    throw new SamError(
      'INVALID_ARGUMENT',
      `Expected ${flag} as a ${integer ? 'whole ' : ''}number ≥ 0 but received ${JSON.stringify(text)}`,
      { field: flag },
    );
  return v;
};

export async function runVideo(
  input: string,
  options: VideoCliOptions,
  settings: EngineSettings,
  print: (line: string) => void,
): Promise<void> {
  const concepts = (options.text ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t.length > 0);
  const objects = videoObjects(options.point, options.box);
  if (!options.out && !options.overlay)
    throw new SamError(
      'INVALID_ARGUMENT',
      'Expected --out FILE.json and/or --overlay FILE.mp4 (where to write the result) but received neither',
      { field: '--out' },
    );
  const sampleFps = positive(options.fps, '--fps', false);
  const maxFrames = positive(options.maxFrames, '--max-frames', true);
  const delay = positive(options.delay, '--delay', true);
  await access(input).catch((cause: Error) => {
    throw new SamError(
      'INPUT_NOT_FOUND',
      `${input}: ${cause.message.replace(/^[A-Z]+: /, '').split(',')[0]}`,
      { field: 'video' },
      { cause },
    );
  });
  const engine = await createLocalEngine(settings);
  const work = await mkdtemp(join(tmpdir(), 'sam3-video-cli-'));
  const bar = new cliProgress.SingleBar(
    {
      format: ' frames |{bar}| {value}/{total} {fps} fps ETA {eta_formatted}',
      hideCursor: true,
      noTTYOutput: true,
      notTTYSchedule: 5000,
    },
    cliProgress.Presets.shades_classic,
  );
  try {
    const document = join(work, 'rle.json');
    const summary = await engine.segmentVideo(
      {
        video: input,
        concepts,
        objects,
        documentPath: document,
        ...(sampleFps ? { sampleFps } : {}),
        ...(maxFrames ? { maxFrames } : {}),
        ...(delay !== undefined ? { tracking: { outputDelayFrames: delay } } : {}),
      },
      {
        start: (_info, frameCount) => void (options.progress !== false && bar.start(frameCount, 0, { fps: '0.0' })),
        frame: () => undefined,
        progress: (p) => options.progress !== false && bar.update(p.framesDone, { fps: p.fps.toFixed(1) }),
      },
    );
    bar.stop();
    if (options.overlay)
      await engine.renderVideoOverlay({
        video: input,
        document,
        out: options.overlay,
        ...(sampleFps ? { sampleFps } : {}),
        maxFrames: summary.frameCount,
      });
    if (options.out) await rename(document, options.out).catch(() => copyFile(document, options.out!));
    const { info } = summary;
    print(
      `${input}: ${info.width}×${info.height}, ${info.fps.toFixed(2)} fps, ${summary.frameCount} frames processed (${summary.mode})`,
    );
    for (const o of summary.objects)
      print(`  id ${String(o.id).padStart(3)}  ${o.label.padEnd(20)} from frame ${o.firstFrame}`);
    if (summary.objects.length === 0) print('  no objects found');
    if (options.out) print(`wrote ${options.out}`);
    if (options.overlay) print(`wrote ${options.overlay}`);
  } finally {
    bar.stop();
    await rm(work, { recursive: true, force: true });
    await engine.close();
  }
}
