#!/usr/bin/env node
// The `sam3` command line: argv → command; SamError kinds → exit codes and "CODE: message" on stderr.
import { Command, Option } from 'commander';
import { SettingsError, kebab, readSettings, type SettingName } from '../config/settings.js';
import { SamError } from '../domain/errors.js';
import { MODEL_DTYPES, type ModelDtype } from '../model/sam3/model-bundle.js';
import type { Device } from '../model/ort/graph-session.js';
import { runSegment, type SegmentCliOptions } from './segment.js';
import { runServe } from './serve.js';
import { runWorker } from './worker.js';
import { runVideo, type VideoCliOptions } from './video.js';
import { CATALOGUE } from '../model/store/catalogue.js';
import { runDoctor } from './doctor.js';
import { runLabel, type LabelCliOptions } from './label.js';
import { LABEL_FORMATS } from './label-formats.js';
import { applyGcTuning } from './gc-tuning.js';
import { runList, runPull, runRemove, runVerify } from './models.js';
import { runExport, TINY_SOURCE, type ExportOptions } from './models-export.js';
import { cliCommand } from '../config/cli-command.js';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];
const EXIT_CODES: Record<SamError['kind'], number> = {
  invalid_request: 2,
  unprocessable_media: 3,
  payload_too_large: 3,
  not_found: 4,
  unsupported: 5,
  unauthorized: 6,
  forbidden: 6,
  busy: 7,
  unavailable: 5,
  timeout: 8,
  cancelled: 9,
  conflict: 10,
  insufficient_storage: 11,
  internal: 1,
};

let settings: ReturnType<typeof readSettings>;
try {
  settings = readSettings();
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}
applyGcTuning(settings.gcConcurrentMarking);
const program = new Command('sam3')
  .description('Segment Anything 3 on ONNX Runtime: server, CLI and tools')
  .version('0.1.0');

/** The model flags `segment` and `label` share: catalogue name, bundle directory or demo; provider; dtype. */
function withModelOptions(command: Command): Command {
  return command
    .option(
      '--model <name|dir|demo>',
      'installed catalogue model (sam3, sam3-tracker), bundle directory, or demo',
      settings.model,
    )
    .addOption(
      new Option('--device <device>', 'execution provider')
        .choices(['cpu', 'cuda', 'tensorrt', 'webgpu'])
        .default(settings.device),
    )
    .addOption(new Option('--dtype <dtype>', 'weight variant').choices([...MODEL_DTYPES]).default(settings.dtype));
}

/** The local engine those flags and the settings describe. */
const engineSettings = (opts: { model: string; device: Device; dtype: ModelDtype }) => ({
  model: opts.model,
  device: opts.device,
  dtype: opts.dtype,
  threads: settings.threads,
  ortSpinning: settings.ortSpinning,
  cacheDir: settings.cacheDir,
  modelDir: settings.modelDir,
  onWarning: (m: string) => console.error(`warning: ${m}`),
});

withModelOptions(program.command('segment'))
  .description('segment one image with text, exemplar, point and box prompts')
  .argument('<image>', 'image file (PNG, JPEG, WebP, …; EXIF orientation is applied)')
  .option('--text <concepts>', 'comma-separated concepts, e.g. "red, blue"')
  .option(
    '--point <x,y[,0]>',
    'click in pixels; ",0" makes it negative (repeatable; all points form one object)',
    collect,
  )
  .option('--box <x0,y0,x1,y1>', 'object box in pixels (repeatable; one object per box)', collect)
  .option(
    '--exemplar <x0,y0,x1,y1[,0]>',
    'exemplar box for the concepts ("find all like this"; ",0" = negative)',
    collect,
  )
  .option('--threshold <0..1>', 'concept score threshold (default 0.5)')
  .option('--everything', 'segment everything: automatic masks from a grid of clicks (SAM automatic mask generator)')
  .option('--points-per-side <n>', 'clicks per side of the --everything grid (default 16)')
  .option('--out <file.json>', 'write instances with COCO RLE masks as JSON')
  .option('--png <file.png>', 'write a label map PNG (pixel value = 1-based instance index)')
  .option('--overlay <file>', 'write an overlay image (.png, .jpg or .webp)')
  .option('--timings', 'print the time of each stage in ms')
  .option('--server <url>', 'send the image to a running `sam3 serve` instead of loading the model here')
  .option('--api-key <key>', 'API key for --server (default: the first of SAM3_API_KEYS)')
  .action(async (image: string, opts: SegmentCliOptions & { model: string; device: Device; dtype: ModelDtype }) => {
    const apiKey = opts.apiKey ?? settings.apiKeys[0];
    await runSegment(image, { ...opts, ...(apiKey ? { apiKey } : {}) }, engineSettings(opts), (line) =>
      console.log(line),
    );
  });

withModelOptions(program.command('label'))
  .description('label a folder of images with text concepts: COCO, YOLO-seg or Label Studio files; a rerun resumes')
  .argument('<inputs...>', 'image files and directories (searched recursively; hidden folders skipped)')
  .option('--text <concepts>', 'comma-separated concepts, one category each, e.g. "person, car"')
  .option('--everything', 'also segment everything (automatic masks) as the category "object"')
  .requiredOption('--out <dir>', 'output directory (its .sam3-label/ folder records finished images)')
  .addOption(new Option('--format <format>', 'output format').choices([...LABEL_FORMATS]).default('coco'))
  .option('--threshold <0..1>', 'concept score threshold (default 0.5)')
  .option('--server <url>', 'send the images to a running `sam3 serve` (or a scaled-out deployment)')
  .option('--api-key <key>', 'API key for --server (default: the first of SAM3_API_KEYS)')
  .action(async (inputs: string[], opts: LabelCliOptions & { model: string; device: Device; dtype: ModelDtype }) => {
    const apiKey = opts.apiKey ?? settings.apiKeys[0];
    await runLabel(
      inputs,
      { ...opts, ...(apiKey ? { apiKey } : {}), progress: process.stderr.isTTY === true },
      engineSettings(opts),
      (line) => console.log(line),
    );
  });

withModelOptions(program.command('video'))
  .description('track text concepts and clicked objects through a video (RLE JSON per frame, optional overlay MP4)')
  .argument('<video>', 'video file (anything ffmpeg reads: MP4, MOV, WebM, …)')
  .option('--text <concepts>', 'comma-separated concepts, e.g. "person, cloth" (each tracked with its own ids)')
  .option(
    '--point <FRAME:x,y[,0]>',
    'click on a frame in pixels; ",0" = negative; points on one frame form one object (repeatable)',
    collect,
  )
  .option('--box <FRAME:x0,y0,x1,y1>', 'object box on a frame in pixels (repeatable; one object each)', collect)
  .option('--out <masks.json>', 'write the RLE document (docs/video-rle.schema.json)')
  .option('--overlay <out.mp4>', 'write the video with the masks painted (H.264)')
  .option('--fps <n>', 'process this many frames per second (default: every frame)')
  .option('--max-frames <n>', 'stop after this many processed frames')
  .option('--delay <frames>', 'frames held back for hotstart removal (default 15; 0 = none)')
  .option('--no-progress', 'no progress bar')
  .action(async (video: string, opts: VideoCliOptions & { model: string; device: Device; dtype: ModelDtype }) => {
    await runVideo(
      video,
      opts,
      { ...engineSettings(opts), ffmpegPath: settings.ffmpegPath, ffprobePath: settings.ffprobePath },
      (line) => console.log(line),
    );
  });

const SERVE_FLAGS: Array<[SettingName, string]> = [
  ['host', 'address to listen on'],
  ['port', 'TCP port (0 = any free port)'],
  ['model', 'installed catalogue model (sam3, sam3-tracker), bundle directory, or demo'],
  ['device', 'cpu, cuda, tensorrt or webgpu'],
  ['dtype', 'weight variant'],
  ['threads', 'ONNX Runtime intra-op threads'],
  ['dataDir', 'state directory (jobs, results)'],
  ['cacheDir', 'model cache directory'],
  ['concurrency', 'inference requests run at once'],
  ['maxQueued', 'requests allowed to wait before 503'],
  ['logLevel', 'log level'],
  ['logFormat', 'log lines: auto (pretty on a terminal), json or pretty'],
  ['queue', 'scale-out: redis://HOST:PORT/DB; this node takes requests and enqueues, `sam3 worker` runs models'],
  ['queuePrefix', 'Redis key prefix of the deployment'],
  ['filesDir', 'job files directory (shared volume in scale-out mode)'],
];
const serve = program
  .command('serve')
  .description('run the HTTP server: native /v1 API, Roboflow-compatible /sam3/*, OpenAPI docs at /docs');
for (const [name, help] of SERVE_FLAGS)
  serve.option(`--${kebab(name)} <value>`, `${help} (default: ${settings[name] as string | number})`);
serve
  .option('--api-key <key>', 'API key clients must send (repeatable; adds to SAM3_API_KEYS)', collect)
  .option('--pull', 'download the model first when it is a catalogue name not yet installed (SAM3_AUTO_PULL=1)')
  .option('--work', 'with --queue: also load the model and run a worker in this process')
  .action(async (opts: Record<string, string | string[] | boolean | undefined>) => {
    const overrides: Partial<Record<SettingName, string>> = {};
    for (const [name] of SERVE_FLAGS) if (typeof opts[name] === 'string') overrides[name] = opts[name];
    const keys = [...settings.apiKeys, ...((opts.apiKey as string[] | undefined) ?? [])];
    if (keys.length) overrides.apiKeys = keys.join(',');
    if (opts.pull === true) overrides.autoPull = '1';
    await runServe(overrides, { work: opts.work === true });
  });

const WORKER_FLAGS: Array<[SettingName, string]> = [
  ['queue', "the deployment's Redis: redis://HOST:PORT/DB (required)"],
  ['queuePrefix', 'Redis key prefix of the deployment'],
  ['model', 'installed catalogue model, bundle directory, or demo'],
  ['device', 'cpu, cuda, tensorrt or webgpu'],
  ['dtype', 'weight variant'],
  ['threads', 'ONNX Runtime intra-op threads'],
  ['cacheDir', 'model cache directory'],
  ['filesDir', 'job files directory, shared with the API nodes'],
  ['dataDir', 'state directory (files under it unless --files-dir)'],
  ['kinds', 'job kinds to take: image, video or both'],
  ['logLevel', 'log level'],
  ['logFormat', 'log lines: auto (pretty on a terminal), json or pretty'],
];
const worker = program
  .command('worker')
  .description('scale-out worker: run models for the jobs and synchronous calls of API nodes sharing a Redis queue');
for (const [name, help] of WORKER_FLAGS)
  worker.option(`--${kebab(name)} <value>`, `${help} (default: ${String(settings[name]) || '(none)'})`);
worker
  .option('--concurrency <n>', `jobs and inference requests run at once (default: ${settings.concurrency})`)
  .option('--pull', 'download the model first when it is a catalogue name not yet installed')
  .action(async (opts: Record<string, string | boolean | undefined>) => {
    const overrides: Partial<Record<SettingName, string>> = {};
    for (const [name] of WORKER_FLAGS) {
      const value = opts[name];
      if (typeof value === 'string') overrides[name] = value;
    }
    if (typeof opts.concurrency === 'string') overrides.concurrency = overrides.jobConcurrency = opts.concurrency;
    if (opts.pull === true) overrides.autoPull = '1';
    await runWorker(overrides);
  });

const print = (line: string): void => console.log(line);
const models = program.command('models').description('install and manage model bundles');
models
  .command('pull')
  .description('download a model bundle with resume and checksum verification')
  .argument('<name>', `catalogue name (${CATALOGUE.map((b) => b.name).join(', ')})`)
  .option('--dtype <dtype>', 'weight variant', 'fp32')
  .option('--dir <dir>', 'install under this directory instead of SAM3_MODEL_DIR')
  .action((name: string, o: { dtype: string; dir?: string }) => runPull(name, o.dtype, settings, o.dir, print));
models
  .command('list')
  .description('installed bundles and the catalogue')
  .action(() => runList(settings, print));
models
  .command('verify')
  .description('re-check checksums and open every graph')
  .argument('[name]')
  .action((name: string | undefined) => runVerify(name, settings, print));
models
  .command('export')
  .description(
    'export a bundle from a SAM 3 checkpoint with Python (torch, transformers): concept, click and video memory ' +
      'graphs, each checked against PyTorch; then verify it',
  )
  .option(
    '--from <source>',
    `Hugging Face id (gated: HF_TOKEN), checkpoint directory, or ${TINY_SOURCE}`,
    'facebook/sam3',
  )
  .option('--name <name>', 'install under this name in SAM3_MODEL_DIR (default sam3-export)')
  .addOption(
    new Option('--weights <weights>', 'fp16: stored as float16, computed in float32')
      .choices(['fp32', 'fp16'])
      .default('fp32'),
  )
  .option('--python <path>', 'the Python that runs the exporter (default: SAM3_PYTHON, else python3)')
  .option('--tokenizer <file>', "tokenizer.json to include (default: the checkpoint's)")
  .action(async (o: ExportOptions) => {
    const name = await runExport(o, settings.modelDir, print);
    await runVerify(name, settings, print);
    print(`use it: ${cliCommand()} serve --model ${name}   (or segment / video --model ${name})`);
  });
models
  .command('rm')
  .description('remove an installed bundle')
  .argument('<name>')
  .action((name: string) => runRemove(name, settings, print));
program
  .command('doctor')
  .description('versions, execution providers, ffmpeg, models, disk: paste this into bug reports')
  .action(() => runDoctor(settings, print));

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof SettingsError) {
    console.error(error.message);
    process.exit(2);
  }
  if (error instanceof SamError) {
    console.error(`${error.code}: ${error.message}`);
    process.exit(EXIT_CODES[error.kind]);
  }
  console.error(error);
  process.exit(1);
});
