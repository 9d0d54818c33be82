// Semantic checks of a SegmentRequest with sharp-style messages naming the field, before any work is done.
import { SamError, invalidArgument } from '../domain/errors.js';
import type { PixelBox } from '../domain/geometry.js';
import {
  MAX_BOXES_PER_CONCEPT,
  MAX_CONCEPT_TEXT_CHARS,
  MAX_EVERYTHING_POINTS_PER_SIDE,
  MAX_POINTS_PER_OBJECT,
  type EverythingOptions,
  type ObjectPrompt,
} from '../domain/prompts.js';
import type { SegmentRequest } from './engine.js';

const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function checkUnit(value: number | undefined, field: string): void {
  if (value !== undefined && !(isFiniteNumber(value) && value >= 0 && value <= 1))
    throw invalidArgument(field, 'a number between 0 and 1', value);
}

function checkBox(box: PixelBox, field: string): void {
  const values = [box.x0, box.y0, box.x1, box.y1];
  if (!values.every(isFiniteNumber)) throw invalidArgument(field, 'finite box coordinates', values);
  if (!(box.x1 > box.x0 && box.y1 > box.y0)) {
    throw invalidArgument(
      field,
      'a box with positive width and height (x1 > x0, y1 > y0)',
      `x0=${box.x0}, y0=${box.y0}, x1=${box.x1}, y1=${box.y1}`,
    );
  }
}

function tooMany(field: string, limit: number, received: number, what: string): SamError {
  return new SamError('INVALID_ARGUMENT', `Expected at most ${limit} ${what} for ${field} but received ${received}`, {
    field,
    expected: `at most ${limit} ${what}`,
    limit,
    received,
  });
}

export function validateSegmentRequest(r: SegmentRequest, maxPrompts = Number.POSITIVE_INFINITY): void {
  const concepts = r.concepts ?? [];
  const objects = r.objects ?? [];
  if (concepts.length + objects.length > maxPrompts) {
    throw new SamError(
      'PROMPT_BATCH_TOO_LARGE',
      `Expected at most ${maxPrompts} prompts for prompts but received ${concepts.length + objects.length}`,
      {
        field: 'prompts',
        limit: maxPrompts,
        received: concepts.length + objects.length,
      },
    );
  }
  if (r.everything) validateEverything(r.everything);
  if (concepts.length + objects.length === 0 && !r.everything) {
    throw new SamError(
      'PROMPT_REQUIRED',
      'Expected at least one prompt (a concept: text and/or exemplar boxes; or an object: points and/or a box) but received none',
      {
        field: 'prompts',
      },
    );
  }
  if (!r.image && !r.imageId)
    throw new SamError('INVALID_ARGUMENT', 'Expected image (bytes) or image_id but received neither', {
      field: 'image',
    });
  checkUnit(r.threshold, 'threshold');
  checkUnit(r.nmsIouThreshold, 'nms_iou_threshold');
  if (r.maxDetections !== undefined && !(Number.isInteger(r.maxDetections) && r.maxDetections > 0)) {
    throw invalidArgument('max_detections', 'a positive integer', r.maxDetections);
  }
  concepts.forEach((c, i) => {
    const field = `concepts[${i}]`;
    const exemplars = c.exemplars ?? [];
    if (!(c.text && c.text.trim()) && exemplars.length === 0)
      throw invalidArgument(field, 'text and/or exemplar boxes', c);
    if (c.text !== undefined && typeof c.text !== 'string') throw invalidArgument(`${field}.text`, 'a string', c.text);
    if (typeof c.text === 'string' && c.text.length > MAX_CONCEPT_TEXT_CHARS)
      throw tooMany(`${field}.text`, MAX_CONCEPT_TEXT_CHARS, c.text.length, 'characters');
    if (exemplars.length > MAX_BOXES_PER_CONCEPT)
      throw tooMany(`${field}.boxes`, MAX_BOXES_PER_CONCEPT, exemplars.length, 'boxes');
    checkUnit(c.threshold, `${field}.threshold`);
    exemplars.forEach((e, j) => checkBox(e.box, `${field}.boxes[${j}]`));
  });
  objects.forEach((o, i) => validateObjectPrompt(o, `objects[${i}]`));
}

/** Clicks and/or one box on one object: at least one, finite, at most MAX_POINTS_PER_OBJECT, a box with area. */
export function validateObjectPrompt(
  o: ObjectPrompt,
  field: string,
  names: { points: string; box: string } = { points: `${field}.points`, box: `${field}.box` },
): void {
  const points = o.points ?? [];
  if (points.length === 0 && !o.box) throw invalidArgument(field, 'points and/or a box', o);
  if (points.length > MAX_POINTS_PER_OBJECT)
    throw tooMany(names.points, MAX_POINTS_PER_OBJECT, points.length, 'points');
  points.forEach((p, j) => {
    if (!isFiniteNumber(p.x) || !isFiniteNumber(p.y))
      throw invalidArgument(`${names.points}[${j}]`, 'finite x and y', p);
  });
  if (o.box) checkBox(o.box, names.box);
}

/**
 * Clicks must fall on the image and boxes overlap it (its edges included): a click outside it would make the decoder
 * return some mask with a confident score for a point the caller did not mean. Checked once the image size is known.
 */
export function validatePromptsInImage(r: SegmentRequest, size: { width: number; height: number }): void {
  const { width: w, height: h } = size;
  const inside = (x: number, y: number) => x >= 0 && y >= 0 && x <= w && y <= h;
  const overlaps = (b: PixelBox) => b.x0 < w && b.y0 < h && b.x1 > 0 && b.y1 > 0;
  (r.objects ?? []).forEach((o, i) => {
    (o.points ?? []).forEach((p, j) => {
      if (!inside(p.x, p.y))
        throw invalidArgument(`objects[${i}].points[${j}]`, `a point inside the ${w}×${h} image`, `x=${p.x}, y=${p.y}`);
    });
    if (o.box && !overlaps(o.box))
      throw invalidArgument(
        `objects[${i}].box`,
        `a box overlapping the ${w}×${h} image`,
        `x0=${o.box.x0}, y0=${o.box.y0}, x1=${o.box.x1}, y1=${o.box.y1}`,
      );
  });
  (r.concepts ?? []).forEach((c, i) =>
    (c.exemplars ?? []).forEach((e, j) => {
      if (!overlaps(e.box))
        throw invalidArgument(
          `concepts[${i}].boxes[${j}]`,
          `a box overlapping the ${w}×${h} image`,
          `x0=${e.box.x0}, y0=${e.box.y0}, x1=${e.box.x1}, y1=${e.box.y1}`,
        );
    }),
  );
}

/** Grid size and thresholds of a segment-everything request. */
function validateEverything(o: EverythingOptions): void {
  const n = o.pointsPerSide;
  if (n !== undefined && !(Number.isInteger(n) && n >= 1 && n <= MAX_EVERYTHING_POINTS_PER_SIDE))
    throw invalidArgument('everything.points_per_side', `an integer from 1 to ${MAX_EVERYTHING_POINTS_PER_SIDE}`, n);
  checkUnit(o.predIouThreshold, 'everything.pred_iou_threshold');
  checkUnit(o.stabilityThreshold, 'everything.stability_threshold');
  checkUnit(o.boxNmsThreshold, 'everything.box_nms_threshold');
  if (o.minAreaPx !== undefined && !(Number.isFinite(o.minAreaPx) && o.minAreaPx >= 0))
    throw invalidArgument('everything.min_area', 'a number of pixels ≥ 0', o.minAreaPx);
}
