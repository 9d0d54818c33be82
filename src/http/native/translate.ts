// Native /v1 wire ↔ engine terms: image sources, prompts of either type in request order, mask formats; pure.
import { SamError, renameField } from '../../domain/errors.js';
import type { MaskEncoding } from '../../domain/encoded-mask.js';
import type { PixelBox } from '../../domain/geometry.js';
import type { ImageInput } from '../../domain/image.js';
import type { ConceptPrompt, EverythingOptions, ObjectPrompt } from '../../domain/prompts.js';
import type { Instance, SegmentRequest, SegmentResult } from '../../engine/engine.js';
import type { SegmentBody, SegmentResponse, WireInstance, WirePrompt } from '../../api/native-wire.js';

const invalid = (field: string, message: string): SamError => new SamError('INVALID_ARGUMENT', message, { field });
const box = (b: readonly number[]): PixelBox => ({ x0: b[0]!, y0: b[1]!, x1: b[2]!, y1: b[3]! });

/** Exactly one image source: an upload, body.image.url or body.image.base64 — or none when image_id is given. */
export function imageSource(
  image: SegmentBody['image'],
  upload: Uint8Array | undefined,
  imageId: string | undefined,
): ImageInput | undefined {
  const given = [upload !== undefined, image?.url !== undefined, image?.base64 !== undefined].filter(Boolean).length;
  if (given > 1)
    throw invalid(
      'image',
      'Expected exactly one image source (an upload, image.url or image.base64) but received several',
    );
  if (given === 0 && imageId === undefined)
    throw invalid(
      'image',
      'Expected an image (image.url, image.base64 or a multipart upload) or the image_id of an embedded image but received neither',
    );
  if (upload) return upload;
  if (image?.url !== undefined) return { url: image.url };
  if (image?.base64 !== undefined) return { base64: image.base64 };
  return undefined;
}

function conceptOf(p: WirePrompt, field: string): ConceptPrompt {
  for (const key of ['points', 'box', 'multimask', 'refine_previous'] as const)
    if (p[key] !== undefined)
      throw invalid(`${field}.${key}`, `Expected no ${key} on a concept prompt (it belongs to type "object")`);
  return {
    ...(p.text !== undefined ? { text: p.text } : {}),
    ...(p.exemplars ? { exemplars: p.exemplars.map((e) => ({ box: box(e.box), positive: e.positive ?? true })) } : {}),
    ...(p.threshold !== undefined ? { threshold: p.threshold } : {}),
  };
}

function objectOf(p: WirePrompt, field: string): ObjectPrompt {
  for (const key of ['text', 'exemplars', 'threshold'] as const)
    if (p[key] !== undefined)
      throw invalid(`${field}.${key}`, `Expected no ${key} on an object prompt (it belongs to type "concept")`);
  return {
    ...(p.points ? { points: p.points.map((q) => ({ x: q.x, y: q.y, positive: q.positive ?? true })) } : {}),
    ...(p.box ? { box: box(p.box) } : {}),
    ...(p.refine_previous ? { refinePrevious: true } : {}),
  };
}

const ENCODINGS: Record<NonNullable<SegmentBody['mask_formats']>[number], MaskEncoding> = {
  rle: 'rle',
  rle_uncompressed: 'rle_uncompressed',
  polygons: 'polygons',
  png: 'png',
};

const EVERYTHING_KEYS = [
  'points_per_side',
  'pred_iou_threshold',
  'stability_threshold',
  'box_nms_threshold',
  'min_area',
] as const;

function everythingOf(p: WirePrompt, field: string): EverythingOptions {
  for (const key of ['text', 'exemplars', 'threshold', 'points', 'box', 'multimask', 'refine_previous'] as const)
    if (p[key] !== undefined)
      throw invalid(`${field}.${key}`, `Expected no ${key} on an everything prompt (it takes the grid options only)`);
  return {
    ...(p.points_per_side !== undefined ? { pointsPerSide: p.points_per_side } : {}),
    ...(p.pred_iou_threshold !== undefined ? { predIouThreshold: p.pred_iou_threshold } : {}),
    ...(p.stability_threshold !== undefined ? { stabilityThreshold: p.stability_threshold } : {}),
    ...(p.box_nms_threshold !== undefined ? { boxNmsThreshold: p.box_nms_threshold } : {}),
    ...(p.min_area !== undefined ? { minAreaPx: p.min_area } : {}),
  };
}

export function segmentRequest(body: SegmentBody, upload?: Uint8Array): SegmentRequest {
  const image = imageSource(body.image, upload, body.image_id);
  const concepts: ConceptPrompt[] = [];
  const objects: ObjectPrompt[] = [];
  let everything: EverythingOptions | undefined;
  body.prompts.forEach((p, i) => {
    const field = `prompts[${i}]`;
    if (p.type !== 'everything')
      for (const key of EVERYTHING_KEYS)
        if (p[key] !== undefined)
          throw invalid(
            `${field}.${key}`,
            `Expected no ${key} on a ${p.type} prompt (it belongs to type "everything")`,
          );
    if (p.type === 'concept') concepts.push(conceptOf(p, field));
    else if (p.type === 'object') objects.push(objectOf(p, field));
    else if (everything) throw invalid(field, 'Expected at most one prompt of type "everything"');
    else everything = everythingOf(p, field);
  });
  return {
    ...(image ? { image } : {}),
    ...(body.image_id !== undefined ? { imageId: body.image_id } : {}),
    concepts,
    objects,
    ...(body.threshold !== undefined ? { threshold: body.threshold } : {}),
    ...(body.nms_iou_threshold !== undefined ? { nmsIouThreshold: body.nms_iou_threshold } : {}),
    ...(body.max_detections !== undefined ? { maxDetections: body.max_detections } : {}),
    ...(everything ? { everything } : {}),
    allCandidates: body.prompts.some((p) => p.multimask === true),
    maskEncodings: [...new Set((body.mask_formats ?? ['rle']).map((f) => ENCODINGS[f]))],
  };
}

function wireInstance(inst: Instance): WireInstance {
  const e = inst.encoded ?? {};
  return {
    score: inst.score,
    box: [inst.box.x0, inst.box.y0, inst.box.x1, inst.box.y1],
    area: inst.area,
    mask: {
      ...(e.rle ? { rle: e.rle } : {}),
      ...(e.rleUncompressed ? { rle_uncompressed: e.rleUncompressed } : {}),
      ...(e.polygons ? { polygons: e.polygons } : {}),
      ...(e.png ? { png: Buffer.from(e.png).toString('base64') } : {}),
    },
  };
}

/** Results back in request order: the engine answers concepts and objects separately, each in order. */
export function segmentResponse(body: SegmentBody, result: SegmentResult): SegmentResponse {
  let c = 0;
  let o = 0;
  return {
    image_id: result.imageId,
    width: result.width,
    height: result.height,
    prompts: body.prompts.map((p, index) => {
      if (p.type === 'everything')
        return { index, type: 'everything' as const, instances: (result.everything ?? []).map(wireInstance) };
      if (p.type === 'concept') {
        const r = result.concepts[c++]!;
        return {
          index,
          type: 'concept' as const,
          ...(p.text !== undefined ? { text: p.text } : {}),
          instances: r.instances.map(wireInstance),
        };
      }
      const r = result.objects[o++]!;
      const candidates = p.multimask ? r.candidates : r.candidates.slice(0, 1);
      return { index, type: 'object' as const, object_score: r.objectScore, instances: candidates.map(wireInstance) };
    }),
    timings_ms: result.timings,
  };
}

/** Engine errors name `concepts[k]` / `objects[k]`; the caller sent one `prompts` list, so name its index instead. */
export function wireError(body: SegmentBody, error: unknown): unknown {
  const indexOf = (type: 'concept' | 'object', k: number): number =>
    body.prompts.map((p, i) => (p.type === type ? i : -1)).filter((i) => i >= 0)[k] ?? -1;
  return renameField(error, (field) =>
    field.replace(/^(concepts|objects)\[(\d+)\]/, (whole, list: string, k: string) => {
      const i = indexOf(list === 'concepts' ? 'concept' : 'object', Number(k));
      return i >= 0 ? `prompts[${i}]` : whole;
    }),
  );
}
