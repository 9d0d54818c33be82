// `sam3 label DIR|FILE…`: labels a set of images with text concepts — locally or on a running server — and writes
// COCO, YOLO-seg or Label Studio files. Resumable: each finished image is recorded under OUT/.sam3-label/, and a
// rerun with the same prompts skips what is done.
import cliProgress from 'cli-progress';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { extname, join, relative, resolve } from 'node:path';
import { Sam3Client } from '../api/client.js';
import { createLocalEngine, type EngineSettings } from '../compose.js';
import type { CocoRle } from '../domain/encoded-mask.js';
import { SamError, invalidArgument } from '../domain/errors.js';
import type { PixelBox } from '../domain/geometry.js';
import type { SegmentationEngine } from '../engine/engine.js';
import { decodeCocoRle } from '../masks/coco-rle.js';
import { maskBox } from '../masks/mask-ops.js';
import {
  LABEL_FORMATS,
  writeAtomic,
  writeCoco,
  writeLabelStudioTasks,
  writeLabelme,
  writeYoloSeg,
  type ImageRecord,
  type LabelFormat,
} from './label-formats.js';

export interface LabelCliOptions {
  text?: string;
  format?: string;
  out?: string;
  threshold?: string;
  server?: string;
  apiKey?: string;
  /** Also segment everything (automatic masks), as the category "object". */
  everything?: boolean;
  /** Draw a progress bar (the CLI on a terminal); tests leave it off. */
  progress?: boolean;
}

const IMAGE_EXTENSIONS = new Set([
  '.jpg',
  '.jpeg',
  '.png',
  '.webp',
  '.gif',
  '.tif',
  '.tiff',
  '.avif',
  '.heic',
  '.heif',
]);

/** The images under each input (directories recursively, in name order), with the name they are labelled under. */
async function collectImages(inputs: readonly string[]): Promise<Array<{ path: string; file: string }>> {
  const out: Array<{ path: string; file: string }> = [];
  for (const input of inputs) {
    const info = await stat(input).catch((cause: NodeJS.ErrnoException) => {
      throw new SamError('INPUT_NOT_FOUND', `Could not read ${input}: ${cause.code ?? cause.message}`, {
        field: 'inputs',
        received: input,
      });
    });
    if (!info.isDirectory()) {
      out.push({ path: input, file: input });
      continue;
    }
    const entries = await readdir(input, { recursive: true, withFileTypes: true });
    const files = entries
      .filter((e) => e.isFile() && IMAGE_EXTENSIONS.has(extname(e.name).toLowerCase()))
      .map((e) => join(e.parentPath, e.name))
      .filter(
        (p) =>
          !relative(input, p)
            .split(/[\\/]/)
            .some((part) => part.startsWith('.')),
      )
      .sort();
    for (const path of files) out.push({ path, file: relative(input, path) });
  }
  return out;
}

/** COCO's [x, y, width, height] of the mask's tight box (pycocotools `toBbox`; zeros for an empty mask). */
const cocoBox = (box: PixelBox | null): [number, number, number, number] =>
  box ? [box.x0, box.y0, box.x1 - box.x0, box.y1 - box.y0] : [0, 0, 0, 0];

/** What one image's labelling does, local or remote. */
type Labeller = (bytes: Uint8Array) => Promise<Omit<ImageRecord, 'file'>>;

/** The category of automatic masks (`--everything`). */
export const EVERYTHING_CATEGORY = 'object';

function localLabeller(
  engine: SegmentationEngine,
  concepts: readonly string[],
  threshold: number | undefined,
  everything: boolean,
): Labeller {
  return async (bytes) => {
    const r = await engine.segment({
      image: bytes,
      concepts: concepts.map((text) => ({ text })),
      maskEncodings: ['rle'],
      ...(threshold === undefined ? {} : { threshold }),
      ...(everything ? { everything: {} } : {}),
    });
    const automatic = (r.everything ?? []).map((x) => ({
      category: EVERYTHING_CATEGORY,
      score: x.score,
      rle: x.encoded!.rle!,
      bbox: cocoBox(maskBox(x.mask)),
      area: x.area,
    }));
    return {
      width: r.width,
      height: r.height,
      instances: r.concepts
        .flatMap((c, i) =>
          c.instances.map((x) => ({
            category: concepts[i]!,
            score: x.score,
            rle: x.encoded!.rle!,
            bbox: cocoBox(maskBox(x.mask)),
            area: x.area,
          })),
        )
        .concat(automatic),
    };
  };
}

function serverLabeller(
  client: Sam3Client,
  concepts: readonly string[],
  threshold: number | undefined,
  everything: boolean,
): Labeller {
  return async (bytes) => {
    const r = await client.segmentUpload(bytes, {
      prompts: [
        ...concepts.map((text) => ({ type: 'concept' as const, text })),
        ...(everything ? [{ type: 'everything' as const }] : []),
      ],
      mask_formats: ['rle'],
      ...(threshold === undefined ? {} : { threshold }),
    });
    return {
      width: r.width,
      height: r.height,
      instances: r.prompts.flatMap((p) =>
        p.instances.map((x) => ({
          category: p.type === 'everything' ? EVERYTHING_CATEGORY : concepts[p.index]!,
          score: x.score,
          rle: x.mask.rle as CocoRle,
          bbox: cocoBox(maskBox(decodeCocoRle(x.mask.rle as CocoRle))),
          area: x.area,
        })),
      ),
    };
  };
}

export interface LabelSummary {
  labelled: number;
  skipped: number;
  failed: number;
  outputs: string[];
}

export async function runLabel(
  inputs: readonly string[],
  opts: LabelCliOptions,
  settings: EngineSettings,
  print: (line: string) => void,
): Promise<LabelSummary> {
  const concepts = [
    ...new Set(
      (opts.text ?? '')
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean),
    ),
  ];
  const everything = opts.everything === true;
  if (concepts.length === 0 && !everything)
    throw invalidArgument('--text', 'comma-separated concepts, e.g. "person, car" (or --everything)', opts.text);
  const categories =
    everything && !concepts.includes(EVERYTHING_CATEGORY) ? [...concepts, EVERYTHING_CATEGORY] : concepts;
  const format = (opts.format ?? 'coco') as LabelFormat;
  if (!LABEL_FORMATS.includes(format)) throw invalidArgument('--format', LABEL_FORMATS.join(', '), opts.format);
  if (!opts.out) throw invalidArgument('--out', 'an output directory', opts.out);
  const threshold = opts.threshold === undefined ? undefined : Number(opts.threshold);
  if (threshold !== undefined && !(threshold >= 0 && threshold <= 1))
    throw invalidArgument('--threshold', 'a number between 0 and 1', opts.threshold);
  const images = await collectImages(inputs);
  if (images.length === 0)
    throw new SamError('INPUT_NOT_FOUND', `No images (${[...IMAGE_EXTENSIONS].join(' ')}) under ${inputs.join(', ')}`, {
      field: 'inputs',
    });
  const out = resolve(opts.out);
  const state = join(out, '.sam3-label');
  await mkdir(state, { recursive: true });
  // Records made with other prompts, threshold or model do not count as done.
  const fingerprint = createHash('sha256')
    .update(JSON.stringify({ concepts, threshold, everything, model: opts.server ?? settings.model }))
    .digest('hex')
    .slice(0, 16);
  const recordPath = (path: string): string =>
    join(state, `${createHash('sha256').update(resolve(path)).digest('hex').slice(0, 24)}.json`);
  const readRecord = async (path: string): Promise<ImageRecord | undefined> => {
    const text = await readFile(recordPath(path), 'utf8').catch(() => undefined);
    if (!text) return undefined;
    const stored = JSON.parse(text) as { fingerprint: string; record: ImageRecord };
    return stored.fingerprint === fingerprint ? stored.record : undefined;
  };

  const todo: typeof images = [];
  for (const image of images) if (!(await readRecord(image.path))) todo.push(image);
  const summary: LabelSummary = { labelled: 0, skipped: images.length - todo.length, failed: 0, outputs: [] };
  let engine: (SegmentationEngine & { close(): Promise<void> }) | undefined;
  let label: Labeller | undefined;
  if (todo.length) {
    if (opts.server)
      label = serverLabeller(
        new Sam3Client(opts.server, opts.apiKey ? { apiKey: opts.apiKey } : {}),
        concepts,
        threshold,
        everything,
      );
    else {
      engine = await createLocalEngine(settings);
      label = localLabeller(engine, concepts, threshold, everything);
    }
  }
  if (summary.skipped)
    print(`${summary.skipped} of ${images.length} images already labelled with these prompts: skipped`);
  const bar = opts.progress
    ? new cliProgress.SingleBar(
        {
          format: ' labelling |{bar}| {value}/{total} images | {rate} img/s | ETA {eta_formatted} | {file}',
          hideCursor: true,
        },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  const started = Date.now();
  const failures: string[] = [];
  bar?.start(todo.length, 0, { rate: '0.0', file: '' });
  try {
    for (const image of todo) {
      try {
        const bytes = await readFile(image.path);
        const record: ImageRecord = { file: image.file, ...(await label!(bytes)) };
        await writeAtomic(recordPath(image.path), JSON.stringify({ fingerprint, record }));
        summary.labelled++;
      } catch (error) {
        if (!(error instanceof SamError) || error.kind === 'internal' || error.kind === 'unavailable') throw error;
        summary.failed++;
        const line = `skipped ${image.file}: ${error.code}: ${error.message}`;
        if (bar) failures.push(line);
        else print(line);
      }
      const seconds = (Date.now() - started) / 1000;
      bar?.increment(1, { rate: (summary.labelled / Math.max(seconds, 1e-3)).toFixed(1), file: image.file.slice(-40) });
    }
  } finally {
    bar?.stop();
    failures.forEach((line) => print(line));
    await engine?.close();
  }

  const records: ImageRecord[] = [];
  for (const image of images) {
    const record = await readRecord(image.path);
    if (record) records.push(record);
  }
  if (format === 'coco') {
    const path = join(out, 'annotations.json');
    await writeCoco(path, records, categories);
    summary.outputs.push(path);
  } else if (format === 'yolo-seg') {
    await writeYoloSeg(out, records, categories);
    summary.outputs.push(join(out, 'labels'), join(out, 'classes.txt'));
  } else if (format === 'labelme') {
    const written = await writeLabelme(out, records);
    summary.outputs.push(...(written.length > 3 ? [`${written.length} LabelMe JSON files in ${out}`] : written));
  } else {
    const path = join(out, 'tasks.json');
    await writeLabelStudioTasks(path, records, `sam3-server:${opts.server ? 'server' : settings.model}`);
    summary.outputs.push(path);
  }
  const instances = records.reduce((n, r) => n + r.instances.length, 0);
  print(
    `labelled ${summary.labelled} image(s)${summary.skipped ? `, ${summary.skipped} already done` : ''}${summary.failed ? `, ${summary.failed} failed (rerun to retry)` : ''}: ${records.length} image(s), ${instances} instance(s) → ${summary.outputs.join(', ')}`,
  );
  return summary;
}
