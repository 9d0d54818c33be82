// `sam3 segment IMAGE`: runs the engine on one image — in this process, or on a server through the typed client
// (--server) — prints a table, and writes JSON / label-map PNG / overlay files.
import { constants } from 'node:fs';
import { access, readFile, writeFile } from 'node:fs/promises';
import { dirname, extname, resolve } from 'node:path';
import { Sam3Client } from '../api/client.js';
import type { WirePrompt } from '../api/native-wire.js';
import { createLocalEngine, type EngineSettings } from '../compose.js';
import type { CocoRle } from '../domain/encoded-mask.js';
import { SamError, invalidArgument } from '../domain/errors.js';
import type { PixelBox } from '../domain/geometry.js';
import type { RawImage } from '../domain/image.js';
import type { ConceptPrompt, EverythingOptions, ObjectPrompt } from '../domain/prompts.js';
import type { BinaryMask } from '../domain/segmentation.js';
import { StageTimings } from '../domain/stage-timings.js';
import { decodeCocoRle } from '../masks/coco-rle.js';
import { decodeImage } from '../media/image-decode.js';
import { encodeLabelMapPng, encodeOverlay, type OverlayFormat } from '../media/image-encode.js';
import { buildPrompts } from './parse-prompts.js';
import { vocabularyHint } from '../domain/vocabulary-hint.js';

export interface SegmentCliOptions {
  text?: string;
  point?: string[];
  box?: string[];
  exemplar?: string[];
  threshold?: string;
  out?: string;
  png?: string;
  overlay?: string;
  timings?: boolean;
  /** Base URL of a running `sam3 serve`; the image is uploaded and nothing is loaded locally. */
  server?: string;
  /** Segment everything (automatic masks from a grid of clicks). */
  everything?: boolean;
  /** Clicks per side of the everything grid. */
  pointsPerSide?: string;
  apiKey?: string;
}

interface Row {
  label: string;
  score: number;
  box: PixelBox;
  area: number;
  mask: BinaryMask;
  rle: CocoRle;
}

interface Outcome {
  model: { name: string; label: string; vocabulary?: readonly string[] };
  width: number;
  height: number;
  imageId: string;
  rows: Row[];
  timings: Record<string, number>;
  image?: RawImage;
}

const conceptLabel = (c: ConceptPrompt, i: number): string => c.text?.trim() || `exemplars #${i}`;
const fmtBox = (b: PixelBox): string => [b.x0, b.y0, b.x1, b.y1].map((v) => Math.round(v)).join(',');

async function segmentLocally(
  bytes: Uint8Array,
  concepts: ConceptPrompt[],
  objects: ObjectPrompt[],
  threshold: number | undefined,
  wantImage: boolean,
  settings: EngineSettings,
  t: StageTimings,
  everything: EverythingOptions | undefined,
): Promise<Outcome> {
  const engine = await t.time('model_load', () => createLocalEngine(settings));
  try {
    const r = await engine.segment({
      image: bytes,
      concepts,
      objects,
      includeImage: wantImage,
      maskEncodings: ['rle'],
      ...(threshold === undefined ? {} : { threshold }),
      ...(everything ? { everything } : {}),
    });
    const rows: Row[] = [];
    r.concepts.forEach((c, i) =>
      c.instances.forEach((x) =>
        rows.push({
          label: conceptLabel(c.prompt, i),
          score: x.score,
          box: x.box,
          area: x.area,
          mask: x.mask,
          rle: x.encoded!.rle!,
        }),
      ),
    );
    r.objects.forEach((o, i) => {
      const x = o.candidates[0];
      if (x)
        rows.push({
          label: `object #${i}`,
          score: x.score,
          box: x.box,
          area: x.area,
          mask: x.mask,
          rle: x.encoded!.rle!,
        });
    });
    (r.everything ?? []).forEach((x, i) =>
      rows.push({ label: `mask #${i}`, score: x.score, box: x.box, area: x.area, mask: x.mask, rle: x.encoded!.rle! }),
    );
    const m = engine.info().model;
    return {
      model: { name: m.name, label: m.label, ...(m.vocabulary ? { vocabulary: m.vocabulary } : {}) },
      width: r.width,
      height: r.height,
      imageId: r.imageId,
      rows,
      timings: r.timings,
      ...(r.image ? { image: r.image } : {}),
    };
  } finally {
    await engine.close();
  }
}

async function segmentOnServer(
  bytes: Uint8Array,
  concepts: ConceptPrompt[],
  objects: ObjectPrompt[],
  threshold: number | undefined,
  wantImage: boolean,
  opts: SegmentCliOptions,
  t: StageTimings,
  everything: EverythingOptions | undefined,
): Promise<Outcome> {
  const client = new Sam3Client(opts.server!, opts.apiKey ? { apiKey: opts.apiKey } : {});
  const xyxy = (b: PixelBox): [number, number, number, number] => [b.x0, b.y0, b.x1, b.y1];
  const prompts: WirePrompt[] = [
    ...concepts.map((c): WirePrompt => ({
      type: 'concept',
      ...(c.text ? { text: c.text } : {}),
      ...(c.exemplars ? { exemplars: c.exemplars.map((e) => ({ box: xyxy(e.box), positive: e.positive })) } : {}),
    })),
    ...objects.map((o): WirePrompt => ({
      type: 'object',
      ...(o.points ? { points: o.points.map((p) => ({ ...p })) } : {}),
      ...(o.box ? { box: xyxy(o.box) } : {}),
    })),
    ...(everything
      ? [
          {
            type: 'everything' as const,
            ...(everything.pointsPerSide ? { points_per_side: everything.pointsPerSide } : {}),
          },
        ]
      : []),
  ];
  const [models, r] = await t.time('request', () =>
    Promise.all([
      client.models(),
      client.segmentUpload(bytes, {
        prompts,
        mask_formats: ['rle'],
        ...(threshold === undefined ? {} : { threshold }),
      }),
    ]),
  );
  const rows: Row[] = [];
  r.prompts.forEach((p) => {
    const label =
      p.type === 'concept' ? conceptLabel(concepts[p.index]!, p.index) : `object #${p.index - concepts.length}`;
    const several = p.type === 'concept' || p.type === 'everything';
    (several ? p.instances : p.instances.slice(0, 1)).forEach((x, k) => {
      const rowLabel = p.type === 'everything' ? `mask #${k}` : label;
      const rle = x.mask.rle as CocoRle;
      rows.push({
        label: rowLabel,
        score: x.score,
        box: { x0: x.box[0], y0: x.box[1], x1: x.box[2], y1: x.box[3] },
        area: x.area,
        mask: decodeCocoRle(rle),
        rle,
      });
    });
  });
  const image = wantImage ? await t.time('decode', () => decodeImage(bytes)) : undefined;
  const m = models.models[0]!;
  return {
    model: { name: m.name, label: m.label, ...(m.vocabulary ? { vocabulary: m.vocabulary } : {}) },
    width: r.width,
    height: r.height,
    imageId: r.image_id,
    rows,
    timings: r.timings_ms,
    ...(image ? { image } : {}),
  };
}

const OVERLAY_FORMATS: Record<string, OverlayFormat> = { png: 'png', jpg: 'jpeg', jpeg: 'jpeg', webp: 'webp' };

/** Output files are checked before any inference: a format from the name, and a directory that can be written. */
async function checkOutputs(opts: SegmentCliOptions): Promise<void> {
  if (opts.overlay !== undefined && !OVERLAY_FORMATS[extname(opts.overlay).slice(1).toLowerCase()]) {
    throw invalidArgument('--overlay', 'a file name ending in .png, .jpg, .jpeg or .webp', opts.overlay);
  }
  if (opts.png !== undefined && extname(opts.png).toLowerCase() !== '.png')
    throw invalidArgument('--png', 'a file name ending in .png', opts.png);
  for (const [flag, path] of [
    ['--out', opts.out],
    ['--png', opts.png],
    ['--overlay', opts.overlay],
  ] as const) {
    if (path === undefined || (flag === '--out' && path === '-')) continue;
    await access(dirname(resolve(path)), constants.W_OK).catch((cause: NodeJS.ErrnoException) => {
      throw new SamError(
        'INVALID_ARGUMENT',
        `Cannot write ${flag} ${path}: its directory ${cause.code === 'ENOENT' ? 'does not exist' : 'is not writable'}`,
        { field: flag, received: path },
        { cause },
      );
    });
  }
}

export async function runSegment(
  imagePath: string,
  opts: SegmentCliOptions,
  settings: EngineSettings,
  print: (line: string) => void,
): Promise<void> {
  const t = new StageTimings();
  const { concepts, objects } = buildPrompts(opts);
  const perSide = opts.pointsPerSide === undefined ? undefined : Number(opts.pointsPerSide);
  if (perSide !== undefined && !(Number.isInteger(perSide) && perSide >= 1 && perSide <= 64))
    throw invalidArgument('--points-per-side', 'an integer from 1 to 64', opts.pointsPerSide);
  const everything: EverythingOptions | undefined =
    opts.everything || perSide !== undefined ? { ...(perSide ? { pointsPerSide: perSide } : {}) } : undefined;
  await checkOutputs(opts);
  // `--out -` writes the JSON to standard output; the table then goes to standard error, keeping stdout parseable.
  const show = opts.out === '-' ? (line: string) => process.stderr.write(`${line}\n`) : print;
  const threshold = opts.threshold === undefined ? undefined : Number(opts.threshold);
  if (threshold !== undefined && !Number.isFinite(threshold))
    throw invalidArgument('--threshold', 'a number between 0 and 1', opts.threshold);
  // Read the image before loading the model, so a wrong path fails at once.
  const bytes = await t.time('read_file', () =>
    readFile(imagePath).catch((cause: NodeJS.ErrnoException) => {
      throw new SamError(
        'INPUT_NOT_FOUND',
        `Could not read image file ${imagePath}: ${cause.code ?? cause.message}`,
        { field: 'image', received: imagePath },
        { cause },
      );
    }),
  );
  const wantImage = opts.overlay !== undefined;
  const r = opts.server
    ? await segmentOnServer(bytes, concepts, objects, threshold, wantImage, opts, t, everything)
    : await segmentLocally(bytes, concepts, objects, threshold, wantImage, settings, t, everything);
  show(
    `model: ${r.model.label}   image: ${r.width}×${r.height}   instances: ${r.rows.length}${opts.server ? `   server: ${opts.server}` : ''}`,
  );
  show(['label'.padEnd(20), 'score'.padStart(6), 'box (x0,y0,x1,y1)'.padEnd(24), 'area'.padStart(9)].join('  '));
  for (const row of r.rows)
    show(
      [
        row.label.slice(0, 20).padEnd(20),
        row.score.toFixed(3).padStart(6),
        fmtBox(row.box).padEnd(24),
        String(row.area).padStart(9),
      ].join('  '),
    );
  // A concept that found nothing on a closed-vocabulary model (the demo) says why.
  for (const c of concepts) {
    const hint =
      c.text && !r.rows.some((row) => row.label === c.text!.trim())
        ? vocabularyHint(c.text, r.model.vocabulary)
        : undefined;
    if (hint) show(`hint: ${hint}`);
  }
  if (opts.out) {
    const json = {
      model: { name: r.model.name, label: r.model.label },
      image: { width: r.width, height: r.height, image_id: r.imageId },
      instances: r.rows.map((row) => ({
        label: row.label,
        score: row.score,
        box: [row.box.x0, row.box.y0, row.box.x1, row.box.y1],
        area: row.area,
        rle: row.rle,
      })),
      timings_ms: r.timings,
    };
    if (opts.out === '-') print(JSON.stringify(json, null, 2));
    else await writeFile(opts.out, `${JSON.stringify(json, null, 2)}\n`);
  }
  if (opts.png)
    await writeFile(
      opts.png,
      await t.time('encode_png', () =>
        encodeLabelMapPng(
          r.rows.map((row) => row.mask),
          r.width,
          r.height,
        ),
      ),
    );
  if (opts.overlay) {
    const format = OVERLAY_FORMATS[extname(opts.overlay).slice(1).toLowerCase()]!;
    const image = r.image!;
    await writeFile(
      opts.overlay,
      await t.time('encode_overlay', () =>
        encodeOverlay(
          image,
          r.rows.map((row, i) => ({ id: i, mask: row.mask })),
          format,
        ),
      ),
    );
  }
  if (opts.timings) {
    show('timings (ms):');
    for (const [stage, ms] of Object.entries({ ...t.toJSON(), ...r.timings }))
      show(`  ${stage.padEnd(22)} ${ms.toFixed(1).padStart(9)}`);
  }
}
