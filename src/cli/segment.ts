// `sam3 segment IMAGE`: runs the engine on one image, prints a table, writes JSON / label-map PNG / overlay files.
import { readFile, writeFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { createLocalEngine, type EngineSettings } from '../compose.js';
import { SamError, invalidArgument } from '../domain/errors.js';
import { StageTimings } from '../domain/stage-timings.js';
import type { Instance, SegmentResult } from '../engine/engine.js';
import { encodeMask } from '../engine/output-format.js';
import { encodeLabelMapPng, encodeOverlay, type OverlayFormat } from '../media/image-encode.js';
import { buildPrompts } from './parse-prompts.js';

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
}

interface Row {
  label: string;
  instance: Instance;
}

function rowsOf(result: SegmentResult): Row[] {
  const rows: Row[] = [];
  result.concepts.forEach((c, i) => {
    const label = c.prompt.text?.trim() || `exemplars #${i}`;
    for (const inst of c.instances) rows.push({ label, instance: inst });
  });
  result.objects.forEach((o, i) => {
    const best = o.candidates[0];
    if (best) rows.push({ label: `object #${i}`, instance: best });
  });
  return rows;
}

const fmtBox = (b: Instance['box']): string => [b.x0, b.y0, b.x1, b.y1].map((v) => Math.round(v)).join(',');

export async function runSegment(imagePath: string, opts: SegmentCliOptions, settings: EngineSettings, print: (line: string) => void): Promise<void> {
  const cliTimings = new StageTimings();
  const { concepts, objects } = buildPrompts(opts);
  const threshold = opts.threshold === undefined ? undefined : Number(opts.threshold);
  if (threshold !== undefined && !Number.isFinite(threshold)) throw invalidArgument('--threshold', 'a number between 0 and 1', opts.threshold);
  // Read the image before loading the model, so a wrong path fails at once.
  const bytes = await cliTimings.time('read_file', () =>
    readFile(imagePath).catch((cause: NodeJS.ErrnoException) => {
      throw new SamError('INPUT_NOT_FOUND', `Could not read image file ${imagePath}: ${cause.code ?? cause.message}`, { field: 'image', received: imagePath }, { cause });
    }),
  );
  const engine = await cliTimings.time('model_load', () => createLocalEngine(settings));
  try {
    const result = await engine.segment({ image: bytes, concepts, objects, includeImage: opts.overlay !== undefined, ...(threshold === undefined ? {} : { threshold }) });
    const rows = rowsOf(result);
    print(`model: ${engine.info().model.label}   image: ${result.width}×${result.height}   instances: ${rows.length}`);
    print(['label'.padEnd(20), 'score'.padStart(6), 'box (x0,y0,x1,y1)'.padEnd(24), 'area'.padStart(9)].join('  '));
    for (const r of rows) {
      print([r.label.slice(0, 20).padEnd(20), r.instance.score.toFixed(3).padStart(6), fmtBox(r.instance.box).padEnd(24), String(r.instance.area).padStart(9)].join('  '));
    }
    if (opts.out) {
      const encoded = await cliTimings.time('encode_rle', () => Promise.all(rows.map((r) => encodeMask(r.instance.mask, new Set(['rle'])))));
      const json = {
        model: { name: engine.info().model.name, label: engine.info().model.label },
        image: { width: result.width, height: result.height, image_id: result.imageId },
        instances: rows.map((r, i) => ({ label: r.label, score: r.instance.score, box: [r.instance.box.x0, r.instance.box.y0, r.instance.box.x1, r.instance.box.y1], area: r.instance.area, rle: encoded[i]!.rle })),
        timings_ms: result.timings,
      };
      await writeFile(opts.out, `${JSON.stringify(json, null, 2)}\n`);
    }
    if (opts.png) {
      const png = await cliTimings.time('encode_png', () => encodeLabelMapPng(rows.map((r) => r.instance.mask), result.width, result.height));
      await writeFile(opts.png, png);
    }
    if (opts.overlay) {
      const ext = extname(opts.overlay).slice(1).toLowerCase();
      const format: OverlayFormat = ext === 'jpg' || ext === 'jpeg' ? 'jpeg' : ext === 'webp' ? 'webp' : 'png';
      const image = result.image!;
      const overlay = await cliTimings.time('encode_overlay', () => encodeOverlay(image, rows.map((r, i) => ({ id: i, mask: r.instance.mask })), format));
      await writeFile(opts.overlay, overlay);
    }
    if (opts.timings) {
      print('timings (ms):');
      const all = { ...cliTimings.toJSON(), ...result.timings };
      for (const [stage, ms] of Object.entries(all)) print(`  ${stage.padEnd(22)} ${ms.toFixed(1).padStart(9)}`);
    }
  } finally {
    await engine.close();
  }
}
