// Roboflow wire ↔ engine terms, both ways, and nothing else: image envelopes, top-left (PCS) and centre-anchored (PVS)
// boxes, box labels, thresholds and formats in; prompt_results / predictions out. Pure functions.
import { SamError, describeValue, renameField } from '../../domain/errors.js';
import type { MaskEncoding } from '../../domain/encoded-mask.js';
import type { PixelBox } from '../../domain/geometry.js';
import type { ImageInput } from '../../domain/image.js';
import type { ConceptPrompt, ObjectPrompt } from '../../domain/prompts.js';
import type { Instance, SegmentRequest, SegmentResult } from '../../engine/engine.js';
import type {
  ConceptSegmentBody,
  ConceptSegmentResponse,
  Prediction,
  Sam2Prompt,
  Sam3Prompt,
  VisualSegmentBody,
  VisualSegmentResponse,
} from './schemas.js';

/** A semantic check that pydantic performs upstream; rendered as a 422 `detail` entry at `field`. */
const invalid = (field: string, message: string, received?: unknown): SamError =>
  new SamError('INVALID_ARGUMENT', message, { field, ...(received === undefined ? {} : { received }) });

export function imageInput(image: { type: string; value: string }): ImageInput {
  return image.type === 'url' ? { url: image.value } : { base64: image.value };
}

type Format = 'polygon' | 'json' | 'rle';
const encodingsFor = (format: Format): MaskEncoding[] => (format === 'rle' ? ['rle'] : ['outer_polygons']);

function exemplarBox(box: NonNullable<Sam3Prompt['boxes']>[number]): PixelBox {
  return 'x0' in box
    ? { x0: box.x0, y0: box.y0, x1: box.x1, y1: box.y1 }
    : { x0: box.x, y0: box.y, x1: box.x + box.width, y1: box.y + box.height };
}

function conceptPrompt(p: Sam3Prompt, i: number): ConceptPrompt {
  const boxes = p.boxes ?? [];
  const labels = p.box_labels ?? [];
  const field = `prompts[${i}]`;
  if (boxes.length > 0 && labels.length !== boxes.length) {
    throw invalid(
      `${field}.box_labels`,
      `Value error, box_labels must have one label (1/0 or true/false) per box: expected ${boxes.length} but received ${labels.length}`,
      labels,
    );
  }
  if (p.type === 'visual' && boxes.length === 0)
    throw invalid(`${field}.boxes`, 'Value error, a "visual" prompt needs at least one box', p.boxes);
  const text = p.text?.trim();
  if (!text && boxes.length === 0)
    throw invalid(field, `Value error, a prompt needs text and/or boxes but received ${describeValue(p)}`);
  return {
    ...(text ? { text } : {}),
    ...(boxes.length
      ? { exemplars: boxes.map((b, j) => ({ box: exemplarBox(b), positive: labels[j] === 1 || labels[j] === true })) }
      : {}),
    ...(p.output_prob_thresh === undefined || p.output_prob_thresh === null ? {} : { threshold: p.output_prob_thresh }),
  };
}

export function conceptRequest(body: ConceptSegmentBody): SegmentRequest {
  const format = body.format ?? 'polygon';
  return {
    image: imageInput(body.image),
    ...(body.image_id ? { imageId: body.image_id } : {}),
    concepts: body.prompts.map(conceptPrompt),
    // Upstream writes `value or 0.5`, so 0 silently becomes 0.5; here 0 means 0 (docs/api/roboflow.md).
    threshold: body.output_prob_thresh ?? 0.5,
    ...(body.nms_iou_threshold === undefined || body.nms_iou_threshold === null
      ? {}
      : { nmsIouThreshold: body.nms_iou_threshold }),
    maskEncodings: encodingsFor(format),
  };
}

function prediction(instance: Instance, format: Format): Prediction {
  const e = instance.encoded ?? {};
  return format === 'rle'
    ? { masks: e.rle!, confidence: instance.score, format: 'rle' }
    : { masks: e.outerPolygons ?? [[]], confidence: instance.score, format: 'polygon' };
}

export function conceptResponse(
  body: ConceptSegmentBody,
  result: SegmentResult,
  seconds: number,
): ConceptSegmentResponse {
  const format = body.format ?? 'polygon';
  return {
    prompt_results: result.concepts.map((c, i) => {
      const p = body.prompts[i]!;
      const boxes = p.boxes?.length ?? 0;
      return {
        prompt_index: i,
        echo: { prompt_index: i, type: boxes > 0 ? 'visual' : 'text', text: p.text ?? null, num_boxes: boxes },
        predictions: c.instances.map((inst) => prediction(inst, format)),
      };
    }),
    time: seconds,
  };
}

/** `prompts` as a Sam2PromptSet `{prompts: [...]}`, a flat list, or one prompt object. */
function visualPrompts(raw: VisualSegmentBody['prompts']): Sam2Prompt[] {
  if (raw === undefined || raw === null) return [];
  if (Array.isArray(raw)) return raw;
  if ('prompts' in raw) return raw.prompts ?? [];
  return [raw as Sam2Prompt];
}

function objectPrompt(p: Sam2Prompt, i: number): ObjectPrompt {
  const points = (p.points ?? []).map((q) => ({ x: q.x, y: q.y, positive: q.positive }));
  // PVS boxes are centre-anchored (Sam2PromptSet.to_sam2_inputs), unlike PCS boxes.
  const box = p.box
    ? {
        x0: p.box.x - p.box.width / 2,
        y0: p.box.y - p.box.height / 2,
        x1: p.box.x + p.box.width / 2,
        y1: p.box.y + p.box.height / 2,
      }
    : undefined;
  if (points.length === 0 && !box) throw invalid(`prompts[${i}]`, 'Value error, a prompt needs points and/or a box');
  return { ...(points.length ? { points } : {}), ...(box ? { box } : {}) };
}

export function visualRequest(body: VisualSegmentBody): SegmentRequest {
  const prompts = visualPrompts(body.prompts);
  if (prompts.length === 0)
    throw invalid('prompts', 'Value error, at least one prompt (points and/or a box) is required');
  if (!body.image && !body.image_id)
    throw invalid('image', 'Field required: image (or the image_id of an embedded image)');
  return {
    ...(body.image ? { image: imageInput(body.image) } : {}),
    ...(body.image_id ? { imageId: body.image_id } : {}),
    objects: prompts.map(objectPrompt),
    maskEncodings: encodingsFor(body.format ?? 'json'),
  };
}

export function visualResponse(body: VisualSegmentBody, result: SegmentResult, seconds: number): VisualSegmentResponse {
  const format = body.format ?? 'json';
  return { predictions: result.objects.map((o) => prediction(o.candidates[0]!, format)), time: seconds };
}

/** Engine errors name `concepts[k]` / `objects[k]`; every Roboflow route has one `prompts` list in the same order. */
export function wireError(error: unknown): unknown {
  return renameField(error, (field) => field.replace(/^(concepts|objects)\[/, 'prompts['));
}
