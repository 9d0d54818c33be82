// The dataset labelling job: each image segmented with the job's concepts, in order, with progress per image; images
// that cannot be read or decoded are listed and skipped; the result is one COCO instance-segmentation file.
import type { CocoRle } from '../domain/encoded-mask.js';
import { SamError, toSamError } from '../domain/errors.js';
import type { DatasetJobInput, DatasetJobResult } from '../domain/jobs.js';
import type { BinaryMask } from '../domain/segmentation.js';
import type { SegmentationEngine } from '../engine/engine.js';
import type { JobContext, JobOutcome } from './job-processor.js';
import { readMedia } from './read-media.js';

/** COCO [x, y, width, height] of the mask's tight box (pycocotools' toBbox); zeros when empty. */
function tightBox(mask: BinaryMask): [number, number, number, number] {
  const { width, data } = mask;
  const b = mask.bounds ?? { x0: 0, y0: 0, x1: width, y1: mask.height };
  let x0 = width;
  let y0 = mask.height;
  let x1 = -1;
  let y1 = -1;
  for (let y = b.y0; y < b.y1; y++)
    for (let x = b.x0; x < b.x1; x++)
      if (data[y * width + x]) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
  return x1 < 0 ? [0, 0, 0, 0] : [x0, y0, x1 - x0 + 1, y1 - y0 + 1];
}

/** Per-image failures that leave the rest of the dataset worth labelling. */
const skippable = (error: SamError): boolean =>
  error.kind === 'unprocessable_media' ||
  error.kind === 'not_found' ||
  error.kind === 'payload_too_large' ||
  ['IMAGE_URL_FORBIDDEN', 'IMAGE_FETCH_FAILED', 'MEDIA_NOT_ACCESSIBLE', 'INVALID_ARGUMENT'].includes(error.code);

export async function runDatasetJob(
  engine: SegmentationEngine,
  input: DatasetJobInput,
  context: JobContext,
): Promise<JobOutcome> {
  const started = performance.now();
  const images: Array<{ id: number; file_name: string; width: number; height: number }> = [];
  const annotations: Array<Record<string, unknown>> = [];
  const failed: DatasetJobResult['failed'] = [];
  const timings: Record<string, number> = {};
  for (const [index, item] of input.images.entries()) {
    try {
      const image = await readMedia(item.ref, context.files, `images[${index}]`);
      const r = await engine.segment({
        image,
        concepts: input.concepts.map((text) => ({ text })),
        maskEncodings: ['rle'],
        ...(input.threshold === undefined ? {} : { threshold: input.threshold }),
        signal: context.signal,
      });
      for (const [stage, ms] of Object.entries(r.timings)) timings[stage] = (timings[stage] ?? 0) + ms;
      const imageId = images.length + 1;
      images.push({ id: imageId, file_name: item.name, width: r.width, height: r.height });
      r.concepts.forEach((c, k) => {
        for (const x of c.instances)
          annotations.push({
            id: annotations.length + 1,
            image_id: imageId,
            category_id: k + 1,
            segmentation: x.encoded!.rle as CocoRle,
            area: x.area,
            bbox: tightBox(x.mask),
            iscrowd: 0,
            score: x.score,
          });
      });
    } catch (thrown) {
      const error = toSamError(thrown);
      if (!skippable(error)) throw thrown;
      failed.push({ index, name: item.name, code: error.code, message: error.message });
    }
    context.reportProgress((index + 1) / input.images.length);
  }
  const coco = {
    info: { description: 'sam3-server dataset job', date_created: new Date().toISOString() },
    images,
    annotations,
    categories: input.concepts.map((name, i) => ({ id: i + 1, name, supercategory: 'object' })),
  };
  const bytes = new TextEncoder().encode(`${JSON.stringify(coco)}\n`);
  const key = `jobs/${context.jobId}/annotations.json`;
  await context.files.put(key, bytes);
  const result: DatasetJobResult = {
    type: 'dataset',
    images: input.images.length,
    labelled: images.length,
    instances: annotations.length,
    failed,
    files: { coco: { key, contentType: 'application/json', bytes: bytes.length } },
    timingsMs: timings,
  };
  if (images.length === 0 && input.images.length > 0)
    throw new SamError(
      'IMAGE_DECODE_FAILED',
      `None of the ${input.images.length} images could be labelled: ${failed[0]?.message ?? ''}`,
      {
        field: 'images',
      },
    );
  return { result, inferenceMs: performance.now() - started };
}
