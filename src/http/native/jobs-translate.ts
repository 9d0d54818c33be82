// Job record → the native /v1/jobs wire form: ISO times, snake_case result, signed links to output files.
import type { JobResponse } from '../../api/native-wire.js';
import type { DatasetJobResult, ImageJobResult, JobRecord, VideoJobResult } from '../../domain/jobs.js';
import type { UrlSigner } from '../signed-urls.js';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

function imageResult(result: ImageJobResult): Record<string, unknown> {
  return {
    width: result.width,
    height: result.height,
    objects: result.objects.map((o) => ({
      id: o.id,
      label: o.label,
      score: o.score,
      box: [o.box.x0, o.box.y0, o.box.x1, o.box.y1],
      area: o.area,
      ...(o.rle === undefined ? {} : { rle: o.rle }),
    })),
    ...(result.unionRle === undefined ? {} : { union_rle: result.unionRle, rle_format: result.rleFormat }),
    timings_ms: result.timingsMs,
  };
}

function videoResult(result: VideoJobResult): Record<string, unknown> {
  return {
    video: {
      width: result.video.width,
      height: result.video.height,
      fps: result.video.fps,
      duration_s: result.video.durationS,
    },
    frame_count: result.frameCount,
    objects: result.objects.map((o) => ({ id: o.id, label: o.label, first_frame: o.firstFrame })),
    mode: result.mode,
    timings_ms: result.timingsMs,
  };
}

function datasetResult(result: DatasetJobResult): Record<string, unknown> {
  return {
    type: 'dataset',
    images: result.images,
    labelled: result.labelled,
    instances: result.instances,
    failed: result.failed,
    timings_ms: result.timingsMs,
  };
}

export function jobResponse(record: JobRecord, base: string, signer: UrlSigner): JobResponse {
  const done = record.status === 'completed' && record.result ? record.result : undefined;
  const dataset =
    (done as Partial<DatasetJobResult> | undefined)?.type === 'dataset' ? (done as DatasetJobResult) : undefined;
  const image = done && record.kind === 'image' && !dataset ? (done as ImageJobResult) : undefined;
  const video = done && record.kind === 'video' ? (done as VideoJobResult) : undefined;
  const files: Record<string, string> = {};
  for (const [name, file] of Object.entries(image?.files ?? video?.files ?? dataset?.files ?? {})) {
    if (file) files[name === 'maskImage' ? 'mask_image' : name] = signer.fileLink(base, file.key, record.expiresAtMs);
  }
  return {
    id: record.id,
    kind: record.kind,
    model: record.model,
    status: record.status,
    progress: record.progress,
    attempts: record.attempts,
    created_at: iso(record.createdAtMs)!,
    started_at: iso(record.startedAtMs),
    finished_at: iso(record.finishedAtMs),
    expires_at: iso(record.expiresAtMs)!,
    error: record.error ? { code: record.error.code, message: record.error.message } : null,
    result: image ? imageResult(image) : video ? videoResult(video) : dataset ? datasetResult(dataset) : null,
    files,
    webhook: record.webhook
      ? {
          url: record.webhook.url,
          state: record.webhook.state,
          attempts: record.webhook.attempts,
          last_error: record.webhook.lastError,
        }
      : null,
  };
}
