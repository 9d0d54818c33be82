// The image job processor: stored input → engine.segment (with composites) → output files and a plain JSON result.
import { SamError } from '../domain/errors.js';
import type { ImageInput } from '../domain/image.js';
import type { ImageJobInput, ImageJobObject, ImageJobResult, MediaRef, StoredFile } from '../domain/jobs.js';
import type { MaskEncoding } from '../domain/encoded-mask.js';
import type { Instance, SegmentationEngine } from '../engine/engine.js';
import type { FileStore } from './file-store.js';
import type { JobContext, JobProcessor } from './job-processor.js';

const CONTENT_TYPES = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp' } as const;
const EXTENSIONS = { png: 'png', jpeg: 'jpg', webp: 'webp' } as const;

/** A stored file's bytes, or MEDIA_NOT_ACCESSIBLE when it is gone (an upload that expired before the job ran). */
export async function readMedia(ref: MediaRef, files: FileStore, field: string): Promise<ImageInput> {
  if ('url' in ref) return { url: ref.url };
  const bytes = await files.get(ref.file);
  if (!bytes)
    throw new SamError(
      'MEDIA_NOT_ACCESSIBLE',
      `The file given as ${field} no longer exists (uploads expire with the retention period)`,
      { field },
    );
  return bytes;
}

export function imageJobProcessor(engine: SegmentationEngine): JobProcessor {
  return async (raw: unknown, context: JobContext) => {
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
