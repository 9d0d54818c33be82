// Dataset labelling as an async job: POST /v1/label-jobs with image URLs (or upload URLs) and concepts → 202 and the
// job; progress per image and the COCO file (files.coco) come through /v1/jobs/:id.
import type { FastifyInstance } from 'fastify';
import { ErrorBody, JobResponse, LabelJobBody } from '../../api/native-wire.js';
import { SamError } from '../../domain/errors.js';
import type { DatasetJobInput, MediaRef } from '../../domain/jobs.js';
import type { JobQueue } from '../../jobs/job-queue.js';
import type { UploadStore } from '../../jobs/upload-store.js';
import { parseMedia } from '../media-ref.js';
import { requestBase, type UrlSigner } from '../signed-urls.js';
import { jobResponse } from './jobs-translate.js';

export interface NativeLabelJobOptions {
  jobs: JobQueue;
  uploads: UploadStore;
  signer: UrlSigner;
  publicUrl: string;
  maxImageBytes: number;
  maxPrompts: number;
}

const errors = { 400: ErrorBody, 401: ErrorBody, 413: ErrorBody, 503: ErrorBody };

/** The name an image gets in the COCO file: its URL's last path segment. */
const nameOf = (url: string, index: number): string => {
  try {
    const last = decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '');
    return last || `image-${index + 1}`;
  } catch {
    return `image-${index + 1}`;
  }
};

export async function nativeLabelJobRoutes(app: FastifyInstance, options: NativeLabelJobOptions): Promise<void> {
  app.post<{ Body: LabelJobBody }>(
    '/label-jobs',
    {
      schema: {
        tags: ['Jobs'],
        summary: 'Label a list of images with text concepts (an async job); the result is a COCO file',
        body: LabelJobBody,
        response: { 202: JobResponse, ...errors },
      },
    },
    async (request, reply) => {
      const body = request.body;
      if (body.concepts.length > options.maxPrompts)
        throw new SamError('PROMPT_BATCH_TOO_LARGE', `Expected at most ${options.maxPrompts} concepts`, {
          field: 'concepts',
          limit: options.maxPrompts,
          received: body.concepts.length,
        });
      if (body.names && body.names.length !== body.images.length)
        throw new SamError('INVALID_ARGUMENT', 'Expected one name per image', { field: 'names' });
      const images: DatasetJobInput['images'] = [];
      for (const [i, value] of body.images.entries()) {
        const field = `images[${i}]`;
        if (value.startsWith('data:'))
          throw new SamError(
            'INVALID_ARGUMENT',
            `Expected a URL for ${field}: upload files first (/api/v3/media/uploads)`,
            {
              field,
            },
          );
        const parsed = parseMedia(value, field, options.signer, options.maxImageBytes);
        let ref: MediaRef;
        if ('upload' in parsed) {
          const upload = await options.uploads.get(parsed.upload);
          if (!upload?.complete)
            throw new SamError(
              'MEDIA_NOT_ACCESSIBLE',
              `The upload behind ${field} was never completed or has expired`,
              {
                field,
              },
            );
          ref = { file: upload.key };
        } else if ('url' in parsed) ref = { url: parsed.url };
        else throw new SamError('INVALID_ARGUMENT', `Expected a URL for ${field}`, { field });
        images.push({ ref, name: body.names?.[i] ?? nameOf(value, i) });
      }
      const input: DatasetJobInput = {
        type: 'dataset',
        images,
        concepts: body.concepts.map((c) => c.trim()),
        ...(body.threshold === undefined ? {} : { threshold: body.threshold }),
      };
      const record = await options.jobs.submit({
        kind: 'image',
        model: 'sam3-label',
        input: { ...input },
        baseUrl: requestBase(request, options.publicUrl),
      });
      reply.code(202);
      return jobResponse(record, requestBase(request, options.publicUrl), options.signer);
    },
  );
}
