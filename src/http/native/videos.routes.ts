// Native video jobs: POST /v1/videos (JSON with video.url / video.base64, or multipart with a "video" file and a
// "request" JSON field) → 202 and the job; progress, the RLE document and the overlay come through /v1/jobs/:id.
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ErrorBody, JobResponse, VideoJobBody } from '../../api/native-wire.js';
import { SamError } from '../../domain/errors.js';
import type { JobQueue } from '../../jobs/job-queue.js';
import { requestBase, type UrlSigner } from '../signed-urls.js';
import { jobResponse } from './jobs-translate.js';
import { videoJobInput } from './videos-translate.js';

export interface NativeVideoOptions {
  jobs: JobQueue;
  signer: UrlSigner;
  publicUrl: string;
  maxVideoBytes: number;
}

const errors = { 400: ErrorBody, 401: ErrorBody, 413: ErrorBody, 501: ErrorBody, 503: ErrorBody };

export async function nativeVideoRoutes(app: FastifyInstance, options: NativeVideoOptions): Promise<void> {
  await app.register(multipart, { limits: { fileSize: options.maxVideoBytes, files: 1, fields: 1, parts: 2, fieldSize: 1024 * 1024 }, throwFileSizeLimit: true });
  const uploads = new WeakMap<FastifyRequest, Uint8Array>();

  async function readMultipart(request: FastifyRequest): Promise<void> {
    if (!request.isMultipart()) return;
    let body: unknown = {};
    for await (const part of request.parts()) {
      if (part.type === 'file' && part.fieldname === 'video') uploads.set(request, await part.toBuffer());
      else if (part.type === 'field' && part.fieldname === 'request') {
        try {
          body = JSON.parse(String(part.value));
        } catch (cause) {
          throw new SamError('INVALID_ARGUMENT', `Expected JSON in multipart field "request" but it does not parse: ${(cause as Error).message}`, { field: 'request' }, { cause });
        }
      } else throw new SamError('INVALID_ARGUMENT', `Expected multipart fields "video" (file) and "request" (JSON) but received ${JSON.stringify(part.fieldname)}`, { field: part.fieldname });
    }
    request.body = body;
  }

  app.post<{ Body: VideoJobBody }>(
    '/videos',
    {
      schema: { tags: ['Video'], summary: 'Track concepts and clicked objects through a video (an async job)', body: VideoJobBody, response: { 202: JobResponse, ...errors } },
      preValidation: readMultipart,
    },
    async (request, reply) => {
      const { input, bytes } = videoJobInput(request.body, uploads.get(request), options.maxVideoBytes);
      const record = await options.jobs.submit({ kind: 'video', model: 'sam3-video', input, ...(bytes ? { media: { video: bytes } } : {}), baseUrl: requestBase(request, options.publicUrl) });
      reply.code(202);
      return jobResponse(record, requestBase(request, options.publicUrl), options.signer);
    },
  );
}
