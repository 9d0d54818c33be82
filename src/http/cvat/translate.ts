// CVAT ⇄ engine: the two functions this server offers (a SAM 3 interactor: clicks and a box → one mask; a SAM 3
// detector whose labels, set by SAM3_CVAT_LABELS, are its concept prompts), and masks in CVAT's forms — the
// interactor's full-frame 0/1 rows, the detector's bbox crop flattened row by row followed by its inclusive box.
import type { BinaryMask } from '../../domain/segmentation.js';
import type { ObjectPrompt } from '../../domain/prompts.js';
import { SamError } from '../../domain/errors.js';
import type { Instance } from '../../engine/engine.js';
import type { DetectorItem, InvocationBody, NuclioFunction } from './schemas.js';

export const INTERACTOR = 'sam3-server-interactor';
export const DETECTOR = 'sam3-server-detector';

const fn = (name: string, description: string, annotations: Record<string, string>): NuclioFunction => ({
  metadata: { name, namespace: 'cvat', annotations: { framework: 'sam3-server', version: '2', ...annotations } },
  spec: { description },
  status: { state: 'ready', httpPort: 0 },
});

/** The function list (`GET /api/functions`): the interactor always, the detector when labels are configured. */
export function nuclioFunctions(labels: readonly string[], modelLabel: string): Record<string, NuclioFunction> {
  const out: Record<string, NuclioFunction> = {
    [INTERACTOR]: fn(INTERACTOR, `Interactive segmentation with SAM 3 (${modelLabel}) on sam3-server`, {
      name: 'Segment Anything 3 (sam3-server)',
      type: 'interactor',
      spec: '',
      min_pos_points: '1',
      min_neg_points: '0',
      help_message: 'Click inside the object (and outside it, negative) to get its mask',
    }),
  };
  if (labels.length)
    out[DETECTOR] = fn(DETECTOR, `SAM 3 (${modelLabel}) finds every instance of each label, on sam3-server`, {
      name: 'Segment Anything 3 concepts (sam3-server)',
      type: 'detector',
      spec: JSON.stringify(labels.map((name, id) => ({ id, name, type: 'mask' }))),
    });
  return out;
}

/** Clicks (and a box) of the interactor's call as one object prompt. */
export function interactorObject(body: InvocationBody): ObjectPrompt {
  const points = [
    ...(body.pos_points ?? []).map(([x, y]) => ({ x: x!, y: y!, positive: true })),
    ...(body.neg_points ?? []).map(([x, y]) => ({ x: x!, y: y!, positive: false })),
  ];
  const box = body.obj_bbox
    ? {
        x0: Math.min(body.obj_bbox[0]![0]!, body.obj_bbox[1]![0]!),
        y0: Math.min(body.obj_bbox[0]![1]!, body.obj_bbox[1]![1]!),
        x1: Math.max(body.obj_bbox[0]![0]!, body.obj_bbox[1]![0]!),
        y1: Math.max(body.obj_bbox[0]![1]!, body.obj_bbox[1]![1]!),
      }
    : undefined;
  if (!points.length && !box)
    throw new SamError('INVALID_ARGUMENT', 'Expected at least one point (pos_points) or obj_bbox', {
      field: 'pos_points',
    });
  return { ...(points.length ? { points } : {}), ...(box ? { box } : {}) };
}

/** `{"mask": [[0, 1, …], …]}` as CVAT's SAM functions answer, written directly as JSON text (it is large). */
export function interactorMaskJson(mask: BinaryMask): string {
  const rows: string[] = [];
  for (let y = 0; y < mask.height; y++) {
    const row = mask.data.subarray(y * mask.width, (y + 1) * mask.width);
    rows.push(`[${row.join(',')}]`);
  }
  return `{"mask":[${rows.join(',')}]}`;
}

/** CVAT's mask form: the values inside the inclusive box [xtl, ytl, xbr, ybr], row by row, then the box. */
function cvatMask(mask: BinaryMask): number[] | undefined {
  let xtl = mask.width;
  let ytl = mask.height;
  let xbr = -1;
  let ybr = -1;
  for (let y = 0; y < mask.height; y++)
    for (let x = 0; x < mask.width; x++)
      if (mask.data[y * mask.width + x]) {
        if (x < xtl) xtl = x;
        if (x > xbr) xbr = x;
        if (y < ytl) ytl = y;
        if (y > ybr) ybr = y;
      }
  if (xbr < 0) return undefined;
  const out: number[] = [];
  for (let y = ytl; y <= ybr; y++) for (let x = xtl; x <= xbr; x++) out.push(mask.data[y * mask.width + x]!);
  out.push(xtl, ytl, xbr, ybr);
  return out;
}

/** One detector result per instance: its largest outer ring as polygon points and its mask in CVAT's form. */
export function detectorItem(instance: Instance, label: string): DetectorItem | undefined {
  const mask = cvatMask(instance.mask);
  if (!mask) return undefined;
  const rings = instance.encoded?.outerPolygons ?? [];
  const largest = rings.reduce((best, r) => (r.length > best.length ? r : best), rings[0] ?? []);
  return { confidence: instance.score.toFixed(2), label, points: largest.flat(), mask, type: 'mask' };
}

/** CVAT sends the threshold as a number or a string; absent or empty means the default. */
export function threshold(value: InvocationBody['threshold']): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!(n >= 0 && n <= 1))
    throw new SamError('INVALID_ARGUMENT', 'Expected threshold between 0 and 1', {
      field: 'threshold',
      received: value,
    });
  return n;
}
