// Label Studio ⇄ engine: a task's image (its URL, a Label Studio file with the configured token, or a data URI), the
// project's labels as concept prompts, an interactive context as one object prompt, and instances as brush (Label
// Studio RLE), polygon and rectangle results in percent of the image.
import { randomUUID } from 'node:crypto';
import type { MaskEncoding } from '../../domain/encoded-mask.js';
import { SamError } from '../../domain/errors.js';
import type { ImageInput } from '../../domain/image.js';
import type { ClickPoint, ObjectPrompt } from '../../domain/prompts.js';
import type { Instance, SegmentResult } from '../../engine/engine.js';
import type { Control, ControlKind, LabelConfig } from './label-config.js';
import type { ContextRegion, LsResult } from './schemas.js';

/** Where Label Studio's own files are fetched from (SAM3_LABEL_STUDIO_URL / _TOKEN). */
export interface LabelStudioSource {
  readonly url?: string;
  readonly token?: string;
}

const RESULT_TYPE: Record<Exclude<ControlKind, 'keypoint'>, string> = {
  brush: 'brushlabels',
  bitmask: 'bitmasklabels',
  polygon: 'polygonlabels',
  rectangle: 'rectanglelabels',
};

const field = (name: string): string => `tasks[0].data.${name}`;

/** The task's image as an engine input, with the Label Studio token for Label Studio's own file URLs. */
export function taskImage(data: Record<string, unknown>, config: LabelConfig, source: LabelStudioSource): ImageInput {
  const key = config.image.dataKey;
  const value = data[key];
  if (typeof value !== 'string' || value === '')
    throw new SamError(
      'INVALID_ARGUMENT',
      `Expected the task's image URL in data.${key} (the <Image value="$${key}">)`,
      {
        field: field(key),
      },
    );
  if (value.startsWith('data:')) return { base64: value };
  const withToken = (url: string): ImageInput =>
    source.token ? { url, headers: { authorization: `Token ${source.token}` } } : { url };
  if (/^https?:\/\//i.test(value)) {
    const own = source.url && new URL(value).origin === new URL(source.url).origin;
    return own ? withToken(value) : { url: value };
  }
  if (value.startsWith('/')) {
    if (!source.url)
      throw new SamError(
        'INVALID_ARGUMENT',
        `The task's image ${value} is a Label Studio file: set SAM3_LABEL_STUDIO_URL (and SAM3_LABEL_STUDIO_TOKEN) so the server can fetch it`,
        { field: field(key), received: value },
      );
    return withToken(new URL(value, source.url).toString());
  }
  throw new SamError(
    'INVALID_ARGUMENT',
    `Expected an http(s) URL, a Label Studio file path or a data URI in data.${key}`,
    {
      field: field(key),
      received: value.slice(0, 200),
    },
  );
}

/** Segmenting controls (brush, polygon, rectangle) and the labels they offer, in config order without repeats. */
export function conceptLabels(config: LabelConfig): string[] {
  return [...new Set(config.controls.filter((c) => c.kind !== 'keypoint').flatMap((c) => c.labels))];
}

/** The per-instance encodings the project's controls need. */
export function encodingsFor(controls: readonly Control[]): MaskEncoding[] {
  const out: MaskEncoding[] = [];
  if (controls.some((c) => c.kind === 'brush')) out.push('labelstudio_rle');
  if (controls.some((c) => c.kind === 'bitmask')) out.push('labelstudio_bitmask');
  if (controls.some((c) => c.kind === 'polygon')) out.push('outer_polygons');
  return out;
}

const percent = (value: unknown, name: string): number => {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < -1 || value > 101)
    throw new SamError('INVALID_ARGUMENT', `Expected ${name} in percent of the image (0–100)`, {
      field: `params.context.result.value.${name}`,
      received: value,
    });
  return Math.min(100, Math.max(0, value));
};

/** Clicks (keypointlabels, is_positive) and a box (rectanglelabels) on one object, in pixels; and the chosen label. */
export function contextObject(
  regions: readonly ContextRegion[],
  width: number,
  height: number,
): { object: ObjectPrompt; label: string | undefined } {
  const points: ClickPoint[] = [];
  let box: ObjectPrompt['box'];
  let label: string | undefined;
  for (const region of regions) {
    const v = region.value;
    const labels = v[region.type];
    if (Array.isArray(labels) && typeof labels[0] === 'string') label = labels[0];
    if (region.type === 'keypointlabels') {
      const positive = region.is_positive === undefined ? true : Boolean(region.is_positive);
      points.push({ x: (percent(v.x, 'x') * width) / 100, y: (percent(v.y, 'y') * height) / 100, positive });
    } else if (region.type === 'rectanglelabels') {
      const x0 = (percent(v.x, 'x') * width) / 100;
      const y0 = (percent(v.y, 'y') * height) / 100;
      box = {
        x0,
        y0,
        x1: x0 + (percent(v.width, 'width') * width) / 100,
        y1: y0 + (percent(v.height, 'height') * height) / 100,
      };
    }
  }
  if (!points.length && !box)
    throw new SamError('INVALID_ARGUMENT', 'Expected keypointlabels or rectanglelabels regions in the context', {
      field: 'params.context.result',
    });
  return { object: { ...(points.length ? { points } : {}), ...(box ? { box } : {}) }, label };
}

/** One result of `control` for an instance, in Label Studio's percent coordinates. */
function toResults(instance: Instance, control: Control, label: string, width: number, height: number): LsResult[] {
  const base = {
    from_name: control.name,
    to_name: control.toName,
    original_width: width,
    original_height: height,
    image_rotation: 0,
    score: instance.score,
    readonly: false,
  };
  const id = (): string => randomUUID().replace(/-/g, '').slice(0, 10);
  if (control.kind === 'brush')
    return [
      {
        ...base,
        id: id(),
        type: 'brushlabels',
        value: { format: 'rle', rle: instance.encoded?.labelStudioRle ?? [], brushlabels: [label] },
      },
    ];
  if (control.kind === 'bitmask') {
    const png = instance.encoded?.labelStudioBitmask;
    const imageDataURL = `data:image/png;base64,${png ? Buffer.from(png).toString('base64') : ''}`;
    return [{ ...base, id: id(), type: RESULT_TYPE.bitmask, value: { imageDataURL, bitmasklabels: [label] } }];
  }
  if (control.kind === 'polygon')
    return (instance.encoded?.outerPolygons ?? [])
      .filter((ring) => ring.length >= 3)
      .map((ring) => ({
        ...base,
        id: id(),
        type: 'polygonlabels',
        value: {
          points: ring.map(([x, y]) => [(x / width) * 100, (y / height) * 100]),
          closed: true,
          polygonlabels: [label],
        },
      }));
  const b = instance.box;
  return [
    {
      ...base,
      id: id(),
      type: RESULT_TYPE.rectangle,
      value: {
        x: (b.x0 / width) * 100,
        y: (b.y0 / height) * 100,
        width: ((b.x1 - b.x0) / width) * 100,
        height: ((b.y1 - b.y0) / height) * 100,
        rotation: 0,
        rectanglelabels: [label],
      },
    },
  ];
}

/** Pre-annotation: every instance of each label, once per control offering that label. */
export function preannotationResults(
  result: SegmentResult,
  labels: readonly string[],
  config: LabelConfig,
): LsResult[] {
  const out: LsResult[] = [];
  result.concepts.forEach((concept, i) => {
    const label = labels[i]!;
    const controls = config.controls.filter((c) => c.kind !== 'keypoint' && c.labels.includes(label));
    for (const instance of concept.instances)
      for (const control of controls) out.push(...toResults(instance, control, label, result.width, result.height));
  });
  return out;
}

/** The control an interactive answer is drawn with: the first brush, else bitmask, else polygon, else rectangle. */
export function interactiveControl(config: LabelConfig): Control {
  const order: ControlKind[] = ['brush', 'bitmask', 'polygon', 'rectangle'];
  for (const kind of order) {
    const found = config.controls.find((c) => c.kind === kind);
    if (found) return found;
  }
  // parseLabelConfig refuses a config without a segmenting control.
  return config.controls[0]!;
}

/** Interactive: the object's best mask as one region of `interactiveControl`. */
export function interactiveResults(result: SegmentResult, label: string | undefined, config: LabelConfig): LsResult[] {
  const best = result.objects[0]?.candidates[0];
  if (!best) return [];
  const control = interactiveControl(config);
  return toResults(best, control, label ?? control.labels[0] ?? 'object', result.width, result.height);
}

/** The prediction's overall score: the mean of its regions' scores (0 without regions). */
export const meanScore = (results: readonly LsResult[]): number =>
  results.length ? results.reduce((s, r) => s + r.score, 0) / results.length : 0;
