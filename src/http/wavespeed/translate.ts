// WaveSpeed wire ↔ job terms: inputs → an image job (media, concepts, objects, outputs), job records → the
// prediction object with signed output links. Pure except for the signer; computes nothing about masks.
import { SamError } from '../../domain/errors.js';
import type {
  DatasetJobResult,
  ImageJobInput,
  ImageJobResult,
  JobRecord,
  StoredFile,
  VideoJobResult,
} from '../../domain/jobs.js';
import type { VideoObjectPrompt } from '../../domain/video.js';
import type { ClickPoint, ConceptPrompt, ObjectPrompt } from '../../domain/prompts.js';
import type { UrlSigner } from '../signed-urls.js';
import type {
  BoxPrompt,
  PointPrompt,
  Sam3ImageBody,
  Sam3ImageRleBody,
  Sam3VideoRleBody,
  SubmitBody,
} from './schemas.js';

export const WAVESPEED_MODELS = ['sam3-image', 'sam3-image-rle', 'sam3-video-rle'] as const;
export type WavespeedModel = (typeof WAVESPEED_MODELS)[number];
export const modelId = (model: WavespeedModel): string => `wavespeed-ai/${model}`;

export { parseMedia, type WireMedia } from '../media-ref.js';

const isPositive = (p: PointPrompt): boolean =>
  p.label !== undefined ? p.label === 1 : (p.is_positive ?? p.positive ?? true);

/**
 * fal/WaveSpeed prompts → engine prompts. Concepts: the comma-separated `prompt`. Objects: points and boxes sharing an
 * `object_id` form one object; points without one form one object together, joined by the single id-less box if there
 * is exactly one; every other id-less box is an object of its own.
 */
export function imagePrompts(body: SubmitBody): {
  concepts: ConceptPrompt[];
  objects: ObjectPrompt[];
  objectLabels: string[];
} {
  const concepts = (body.prompt ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t.length > 0)
    .map((text) => ({ text }));
  const groups = new Map<string, { points: ClickPoint[]; boxes: Array<{ box: BoxPrompt; index: number }> }>();
  const group = (key: string) => groups.get(key) ?? groups.set(key, { points: [], boxes: [] }).get(key)!;
  (body.point_prompts ?? []).forEach((p) =>
    group(p.object_id === undefined ? '' : `id:${p.object_id}`).points.push({
      x: p.x,
      y: p.y,
      positive: isPositive(p),
    }),
  );
  const looseBoxes: Array<{ box: BoxPrompt; index: number }> = [];
  (body.box_prompts ?? []).forEach((box, index) =>
    (box.object_id === undefined ? looseBoxes : group(`id:${box.object_id}`).boxes).push({ box, index }),
  );
  const loose = groups.get('');
  if (loose && looseBoxes.length === 1) loose.boxes.push(looseBoxes.shift()!);
  const objects: ObjectPrompt[] = [];
  const objectLabels: string[] = [];
  const toBox = ({ box }: { box: BoxPrompt }) => ({ x0: box.x_min, y0: box.y_min, x1: box.x_max, y1: box.y_max });
  for (const [key, g] of groups) {
    if (g.boxes.length > 1) {
      throw new SamError(
        'INVALID_ARGUMENT',
        `Expected at most one box per object on an image but received ${g.boxes.length} for object_id ${key.slice(3)} (box_prompts[${g.boxes.map((b) => b.index).join('], box_prompts[')}])`,
        { field: `box_prompts[${g.boxes[1]!.index}].object_id` },
      );
    }
    objects.push({
      ...(g.points.length ? { points: g.points } : {}),
      ...(g.boxes[0] ? { box: toBox(g.boxes[0]) } : {}),
    });
    objectLabels.push(key === '' ? `object ${objects.length}` : `object ${key.slice(3)}`);
  }
  for (const b of looseBoxes) {
    objects.push({ box: toBox(b) });
    objectLabels.push(`object ${objects.length}`);
  }
  if (concepts.length === 0 && objects.length === 0) {
    throw new SamError(
      'PROMPT_REQUIRED',
      'Expected at least one of prompt, point_prompts or box_prompts but received none',
      { field: 'prompt' },
    );
  }
  return { concepts, objects, objectLabels };
}

/**
 * sam3-video-rle prompts: the comma-separated concepts, and clicked objects from points and boxes grouped by
 * (object_id, frame_index); `frame_index` defaults to 0. Object ids given by the caller are kept when numeric.
 */
export function videoPrompts(body: Sam3VideoRleBody): { concepts: string[]; objects: VideoObjectPrompt[] } {
  const concepts = body.prompt
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t.length > 0);
  const groups = new Map<string, VideoObjectPrompt>();
  const group = (
    objectId: number | string | undefined,
    frame: number | undefined,
    fallback: string,
  ): VideoObjectPrompt => {
    const key = `${objectId ?? fallback}@${frame ?? 0}`;
    let g = groups.get(key);
    if (!g) {
      const numeric =
        typeof objectId === 'number'
          ? objectId
          : typeof objectId === 'string' && /^\d{1,9}$/.test(objectId)
            ? Number(objectId)
            : undefined;
      g = {
        frameIndex: frame ?? 0,
        ...(numeric !== undefined && numeric > 0 ? { objId: numeric } : {}),
        label: objectId !== undefined ? `object ${objectId}` : `object ${groups.size + 1}`,
      };
      groups.set(key, g);
    }
    return g;
  };
  (body.point_prompts ?? []).forEach((p) => {
    const g = group(p.object_id, p.frame_index, 'points');
    g.points = [...(g.points ?? []), { x: p.x, y: p.y, positive: isPositive(p) }];
  });
  (body.box_prompts ?? []).forEach((b, index) => {
    const g = group(b.object_id, b.frame_index, `box${index}`);
    if (g.box)
      throw new SamError(
        'INVALID_ARGUMENT',
        `Expected at most one box per object and frame but received a second for object_id ${b.object_id} on frame ${b.frame_index ?? 0} (box_prompts[${index}])`,
        { field: `box_prompts[${index}]` },
      );
    g.box = { x0: b.x_min, y0: b.y_min, x1: b.x_max, y1: b.y_max };
  });
  const objects = [...groups.values()];
  if (concepts.length === 0 && objects.length === 0)
    throw new SamError(
      'PROMPT_REQUIRED',
      'Expected concepts in prompt or point_prompts/box_prompts but received none',
      { field: 'prompt' },
    );
  return { concepts, objects };
}

export function imageOutputs(model: WavespeedModel, body: SubmitBody): ImageJobInput['outputs'] {
  const applyMask = body.apply_mask ?? true;
  if (model === 'sam3-image') {
    const format = (body as Sam3ImageBody).output_format ?? 'png';
    return applyMask ? { overlay: format } : { maskImage: format };
  }
  return { rle: (body as Sam3ImageRleBody).rle_format ?? 'coco', ...(applyMask ? { overlay: 'png' as const } : {}) };
}

/** The fields a WaveSpeed SAM 3 model takes, and each prompt item's: only these are stored with a job. */
const STORED_FIELDS = [
  'image',
  'video',
  'prompt',
  'point_prompts',
  'box_prompts',
  'apply_mask',
  'enable_sync_mode',
  'output_format',
  'rle_format',
] as const;
const POINT_FIELDS = ['x', 'y', 'label', 'positive', 'is_positive', 'object_id', 'frame_index'] as const;
const BOX_FIELDS = ['x_min', 'y_min', 'x_max', 'y_max', 'object_id', 'frame_index'] as const;

function pick(from: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of keys) if (from[key] !== undefined) out[key] = from[key];
  return out;
}

/**
 * The submitted body as stored for webhooks (`input`): only the fields the model takes (a stranger's extra fields,
 * however large or deep, are dropped, as the schema validated none of them), with inline bytes elided.
 */
export function storedWireInput(body: SubmitBody): Record<string, unknown> {
  const out = pick(body as Record<string, unknown>, STORED_FIELDS);
  if (Array.isArray(out.point_prompts))
    out.point_prompts = (out.point_prompts as Array<Record<string, unknown>>).map((p) => pick(p, POINT_FIELDS));
  if (Array.isArray(out.box_prompts))
    out.box_prompts = (out.box_prompts as Array<Record<string, unknown>>).map((b) => pick(b, BOX_FIELDS));
  for (const field of ['image', 'video'] as const) {
    const v = out[field];
    if (typeof v === 'string' && v.startsWith('data:'))
      out[field] = `${v.slice(0, Math.max(0, v.indexOf(',')) + 1)}… (${v.length} characters)`;
  }
  return out;
}

export interface Links {
  /** scheme://host[:port] clients reach us at. */
  base: string;
  signer: UrlSigner;
}

export const resultUrl = (links: Links, id: string): string => `${links.base}/api/v3/predictions/${id}/result`;
export const fileUrl = (links: Links, file: StoredFile, expiresAtMs: number): string =>
  links.signer.fileLink(links.base, file.key, expiresAtMs);

function outputsOf(record: JobRecord, links: Links): unknown[] {
  if (record.status !== 'completed' || !record.result) return [];
  if (record.kind === 'video') {
    const video = record.result as VideoJobResult;
    return [
      {
        rle_url: fileUrl(links, video.files.rle, record.expiresAtMs),
        ...(video.files.overlay ? { video_url: fileUrl(links, video.files.overlay, record.expiresAtMs) } : {}),
        frame_count: video.frameCount,
        objects: video.objects.map((o) => ({ id: o.id, label: o.label, first_frame: o.firstFrame })),
      },
    ];
  }
  // A dataset job (POST /v1/label-jobs) read through this surface: its COCO file is the output.
  const dataset = record.result as Partial<DatasetJobResult>;
  if (dataset.type === 'dataset' && dataset.files) return [fileUrl(links, dataset.files.coco, record.expiresAtMs)];
  const result = record.result as ImageJobResult;
  const model = record.model.replace(/^wavespeed-ai\//, '');
  const overlay = result.files.overlay ? fileUrl(links, result.files.overlay, record.expiresAtMs) : undefined;
  if (model === 'sam3-image') {
    const file = result.files.overlay ?? result.files.maskImage;
    return file ? [fileUrl(links, file, record.expiresAtMs)] : [];
  }
  const size: [number, number] = [result.height, result.width];
  return [
    {
      rle: result.unionRle ?? '',
      size,
      rle_format: result.rleFormat ?? 'coco',
      objects: result.objects.map((o) => ({
        id: o.id,
        label: o.label,
        score: o.score,
        box: [o.box.x0, o.box.y0, o.box.x1, o.box.y1],
        area: o.area,
        rle: { size, counts: o.rle ?? '' },
      })),
      ...(overlay ? { overlay_url: overlay } : {}),
    },
  ];
}

/** The prediction object (`data`) of a record; cancelled jobs read as failed, the statuses WaveSpeed documents. */
export function predictionData(
  record: JobRecord,
  links: Links,
  extra: { error?: string; status?: 'processing' } = {},
): Record<string, unknown> {
  const outputs = outputsOf(record, links);
  const status = extra.status ?? (record.status === 'cancelled' ? 'failed' : record.status);
  return {
    id: record.id,
    model: record.model,
    outputs,
    urls: { get: resultUrl(links, record.id) },
    has_nsfw_contents: outputs.map(() => false),
    status,
    created_at: new Date(record.createdAtMs).toISOString(),
    error: extra.error ?? record.error?.message ?? '',
    timings: { inference: record.inferenceMs ?? 0 },
    ...(record.finishedAtMs !== null && record.startedAtMs !== null
      ? { executionTime: record.finishedAtMs - record.startedAtMs }
      : {}),
  };
}

export const envelope = (data: unknown): { code: number; message: string; data: unknown } => ({
  code: 200,
  message: 'success',
  data,
});

/** What a webhook receives: the prediction object plus the submitted input, as WaveSpeed posts it. */
export function webhookBody(record: JobRecord, links: Links): Record<string, unknown> {
  const input = (record.input as { request?: unknown }).request ?? {};
  return { ...predictionData(record, links), input };
}
