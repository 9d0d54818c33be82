// The image job processor: stored input → engine.segment (with composites) → output files and a plain JSON result.
import { SamError } from '../domain/errors.js';
import type { DatasetJobInput, ImageJobInput, ImageJobObject, ImageJobResult, StoredFile } from '../domain/jobs.js';
import { readMedia } from './read-media.js';
import { runDatasetJob } from './run-dataset-job.js';
import type { MaskEncoding } from '../domain/encoded-mask.js';
import type { Instance, SegmentationEngine } from '../engine/engine.js';
import type { JobContext, JobProcessor } from './job-processor.js';

const CONTENT_TYPES = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp' } as const;
const EXTENSIONS = { png: 'png', jpeg: 'jpg', webp: 'webp' } as const;

export { readMedia } from './read-media.js';

export function imageJobProcessor(engine: SegmentationEngine): JobProcessor {
  return async (raw: unknown, context: JobContext) => {
    // Dataset jobs run in the image lane (same workers, same limits), one image after another.
    if ((raw as Partial<DatasetJobInput>).type === 'dataset')
      return runDatasetJob(engine, raw as DatasetJobInput, context);
    const input = raw as ImageJobInput;
    const image = await readMedia(input.image, context.files, 'image');
    context.reportProgress(0.1);
    const started = performance.now();
    const rle = input.outputs.rle;
    const encodings: MaskEncoding[] = rle === 'start_length' ? ['start_length'] : rle === 'coco' ? ['rle'] : [];
    const result = await engine.segment({
      image,
      concepts: input.concepts,
      objects: input.objects,
      maskEncodings: encodings,
      composites: {
        ...(input.outputs.overlay ? { overlay: input.outputs.overlay } : {}),
        ...(input.outputs.maskImage ? { maskImage: input.outputs.maskImage } : {}),
        union: rle !== undefined,
      },
      signal: context.signal,
    });
    const inferenceMs = performance.now() - started;
    context.reportProgress(0.9);
    const objects: ImageJobObject[] = [];
    const add = (label: string, instance: Instance): void => {
      objects.push({
        id: objects.length + 1,
        label,
        score: instance.score,
        box: instance.box,
        area: instance.area,
        ...(rle ? { rle: rleText(instance.encoded, rle) } : {}),
      });
    };
    result.concepts.forEach((c) => c.instances.forEach((i) => add(c.prompt.text ?? 'visual', i)));
    result.objects.forEach((o, k) => {
      if (o.candidates[0]) add(input.objectLabels?.[k] ?? `object ${k + 1}`, o.candidates[0]);
    });
    const files: ImageJobResult['files'] = {};
    const composites = result.composites ?? {};
    const save = async (name: string, format: keyof typeof CONTENT_TYPES, bytes: Uint8Array): Promise<StoredFile> => {
      const key = `jobs/${context.jobId}/${name}.${EXTENSIONS[format]}`;
      await context.files.put(key, bytes);
      return { key, contentType: CONTENT_TYPES[format], bytes: bytes.length };
    };
    if (input.outputs.overlay && composites.overlay)
      files.overlay = await save('overlay', input.outputs.overlay, composites.overlay);
    if (input.outputs.maskImage && composites.maskImage)
      files.maskImage = await save('mask', input.outputs.maskImage, composites.maskImage);
    const out: ImageJobResult = {
      width: result.width,
      height: result.height,
      objects,
      ...(rle ? { unionRle: rleText(composites.union, rle), rleFormat: rle } : {}),
      files,
      timingsMs: result.timings,
    };
    return { result: out, inferenceMs };
  };
}

function rleText(encoded: Instance['encoded'], form: 'coco' | 'start_length'): string {
  const text = form === 'coco' ? encoded?.rle?.counts : encoded?.startLength;
  if (text === undefined) throw new SamError('INTERNAL', `The engine returned no ${form} encoding`);
  return text;
}
