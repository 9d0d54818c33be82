// X-AnyLabeling ⇄ engine: the two models this server offers (SAM 3 with text and exemplar boxes; SAM 3 clicks on
// one object), text prompts split as the reference server splits them, marks as exemplars or one object, and
// instances as the largest outer polygon (Douglas–Peucker at epsilon_factor × perimeter) and/or a rectangle.
import simplify from 'simplify-js';
import type { Ring } from '../../domain/encoded-mask.js';
import { SamError } from '../../domain/errors.js';
import type { ClickPoint, ConceptPrompt, ExemplarBox, ObjectPrompt } from '../../domain/prompts.js';
import type { Instance } from '../../engine/engine.js';
import type { Mark, Shape } from './schemas.js';

export const TEXT_MODEL = 'segment_anything_3';
export const CLICK_MODEL = 'segment_anything_3_clicks';
/** Most phrases one text prompt may carry (each is a concept; the image is encoded once for all). */
export const MAX_PHRASES = 100;
/** X-AnyLabeling's label for shapes without one. */
export const UNLABELLED = 'AUTOLABEL_OBJECT';

const widgets = (names: string[], values: Record<string, unknown> = {}) =>
  names.map((name) => ({ name, value: values[name] ?? null }));

/** `/v1/models` data: what X-AnyLabeling reads to build its widgets and pick a batch mode. */
export function modelsInfo(label: string): Record<string, Record<string, unknown>> {
  return {
    [TEXT_MODEL]: {
      display_name: `Segment Anything 3 — text and boxes (${label})`,
      widgets: widgets(
        [
          'edit_text',
          'button_send',
          'add_pos_rect',
          'add_neg_rect',
          'button_run_rect',
          'button_clear',
          'button_finish_object',
          'input_conf',
          'edit_conf',
          'mask_fineness_slider',
          'mask_fineness_value_label',
          'toggle_preserve_existing_annotations',
        ],
        { edit_conf: 0.5, mask_fineness_slider: 10, toggle_preserve_existing_annotations: false },
      ),
      params: { conf_threshold: 0.5, show_boxes: true, show_masks: true, epsilon_factor: 0.001 },
      capabilities: {},
      batch_processing_mode: 'text_prompt',
    },
    [CLICK_MODEL]: {
      display_name: `Segment Anything 3 — clicks (${label})`,
      widgets: widgets(
        [
          'button_add_point',
          'button_remove_point',
          'button_add_rect',
          'button_clear',
          'button_finish_object',
          'mask_fineness_slider',
          'mask_fineness_value_label',
        ],
        { mask_fineness_slider: 10 },
      ),
      params: { show_boxes: false, show_masks: true, epsilon_factor: 0.001 },
      capabilities: {},
      batch_processing_mode: 'default',
    },
  };
}

/** "a, b" or "a. b" (the first separator found) → unique trimmed phrases, as the reference server splits them. */
export function splitTextPrompt(text: string): string[] {
  const separator = [',', '.'].find((s) => text.includes(s));
  const parts = separator ? text.split(separator) : [text];
  return [...new Set(parts.map((p) => p.trim()).filter(Boolean))];
}

const positive = (m: Mark): boolean => m.label === undefined || m.label === 1 || m.label === true;

function markBox(m: Mark, index: number): ExemplarBox['box'] {
  const [x1, y1, x2, y2] = m.data;
  if (m.data.length !== 4 || [x1, y1, x2, y2].some((v) => !Number.isFinite(v)))
    throw new SamError('INVALID_ARGUMENT', 'Expected a rectangle mark as [x1, y1, x2, y2] in pixels', {
      field: `params.marks[${index}].data`,
    });
  return { x0: Math.min(x1!, x2!), y0: Math.min(y1!, y2!), x1: Math.max(x1!, x2!), y1: Math.max(y1!, y2!) };
}

/** The text model: each phrase a concept, or the rectangle marks as one visual concept of exemplars (± by label). */
export function textModelConcepts(
  text: string | undefined,
  marks: readonly Mark[],
): { concepts: ConceptPrompt[]; labels: string[] } {
  const rectangles = marks.map((m, i) => [m, i] as const).filter(([m]) => m.type === 'rectangle');
  if (rectangles.length)
    return {
      concepts: [{ exemplars: rectangles.map(([m, i]) => ({ box: markBox(m, i), positive: positive(m) })) }],
      labels: [UNLABELLED],
    };
  const phrases = splitTextPrompt(text ?? '');
  if (phrases.length > MAX_PHRASES)
    throw new SamError('PROMPT_BATCH_TOO_LARGE', `Expected at most ${MAX_PHRASES} phrases in text_prompt`, {
      field: 'params.text_prompt',
      limit: MAX_PHRASES,
      received: phrases.length,
    });
  return { concepts: phrases.map((t) => ({ text: t })), labels: phrases };
}

/** The click model: point marks (label 1/0) and the first rectangle as one object. */
export function clickModelObject(marks: readonly Mark[]): ObjectPrompt | undefined {
  const points: ClickPoint[] = [];
  let box: ObjectPrompt['box'];
  marks.forEach((m, i) => {
    if (m.type === 'point' && m.data.length === 2 && m.data.every(Number.isFinite))
      points.push({ x: m.data[0]!, y: m.data[1]!, positive: positive(m) });
    else if (m.type === 'rectangle' && !box) box = markBox(m, i);
  });
  if (!points.length && !box) return undefined;
  return { ...(points.length ? { points } : {}), ...(box ? { box } : {}) };
}

const area = (ring: Ring): number => {
  let a = 0;
  for (let i = 0; i < ring.length; i++) {
    const [x0, y0] = ring[i]!;
    const [x1, y1] = ring[(i + 1) % ring.length]!;
    a += x0 * y1 - x1 * y0;
  }
  return Math.abs(a) / 2;
};

const perimeter = (ring: Ring): number =>
  ring.reduce((sum, [x, y], i) => {
    const [nx, ny] = ring[(i + 1) % ring.length]!;
    return sum + Math.hypot(nx - x, ny - y);
  }, 0);

/** The largest outer ring, simplified with tolerance epsilon_factor × its perimeter, closed (first point repeated). */
export function polygonPoints(rings: readonly Ring[], epsilonFactor: number): number[][] {
  const largest = rings
    .filter((r) => r.length > 0)
    .reduce<Ring | undefined>((best, r) => (!best || area(r) > area(best) ? r : best), undefined);
  if (!largest) return [];
  let ring: Array<[number, number]> = largest;
  const tolerance = epsilonFactor * perimeter(largest);
  if (tolerance > 0 && largest.length > 3) {
    const closed = [...largest, largest[0]!].map(([x, y]) => ({ x, y }));
    const kept = simplify(closed, tolerance, true).map((p): [number, number] => [p.x, p.y]);
    kept.pop();
    if (kept.length >= 3) ring = kept;
  }
  const points = ring.map(([x, y]) => [x, y]);
  points.push([...points[0]!]);
  return points;
}

/** One instance as X-AnyLabeling shapes: its polygon and/or its box. */
export function instanceShapes(
  instance: Instance,
  label: string,
  options: { showMasks: boolean; showBoxes: boolean; epsilonFactor: number },
): Shape[] {
  const base = { label, score: instance.score, attributes: {}, difficult: false, direction: 0, kie_linking: [] };
  const shapes: Shape[] = [];
  if (options.showMasks) {
    const points = polygonPoints(instance.encoded?.outerPolygons ?? [], options.epsilonFactor);
    if (points.length) shapes.push({ ...base, shape_type: 'polygon', points });
  }
  if (options.showBoxes) {
    const { x0, y0, x1, y1 } = instance.box;
    shapes.push({
      ...base,
      shape_type: 'rectangle',
      points: [
        [x0, y0],
        [x1, y0],
        [x1, y1],
        [x0, y1],
      ],
    });
  }
  return shapes;
}
