// Native video jobs: POST /v1/videos (JSON with video.url / video.base64, or multipart with a "video" file and a
// "request" JSON field) → 202 and the job; progress, the RLE document and the overlay come through /v1/jobs/:id.
import multipart from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import { ErrorBody, JobResponse, VideoJobBody } from '../../api/native-wire.js';
import type { JobQueue } from '../../jobs/job-queue.js';
import { requestBase, type UrlSigner } from '../signed-urls.js';
import { jobResponse } from './jobs-translate.js';
import { multipartReader } from './multipart-request.js';
import { videoJobInput } from './videos-translate.js';

export interface NativeVideoOptions {
  jobs: JobQueue;
  signer: UrlSigner;
  publicUrl: string;
  maxVideoBytes: number;
  /** Rejects with VIDEO_UNAVAILABLE when this node cannot run video jobs (no ffmpeg). */
  videoAvailable?: () => Promise<void>;
}

const errors = { 400: ErrorBody, 401: ErrorBody, 413: ErrorBody, 501: ErrorBody, 503: ErrorBody };

export async function nativeVideoRoutes(app: FastifyInstance, options: NativeVideoOptions): Promise<void> {
  await app.register(multipart, {
    limits: { fileSize: options.maxVideoBytes, files: 1, fields: 1, parts: 2, fieldSize: 1024 * 1024 },
    throwFileSizeLimit: true,
  });
  const multipartBody = multipartReader('video');

  app.post<{ Body: VideoJobBody }>(
    '/videos',
    {
      schema: {
        tags: ['Video'],
        summary: 'Track concepts and clicked objects through a video (an async job)',
        body: VideoJobBody,
        response: { 202: JobResponse, ...errors },
      },
      preValidation: multipartBody.preValidation,
    },
    async (request, reply) => {
      await options.videoAvailable?.();
      const { input, bytes } = videoJobInput(request.body, multipartBody.file(request), options.maxVideoBytes);
      const record = await options.jobs.submit({
        kind: 'video',
        model: 'sam3-video',
        input,
        ...(bytes ? { media: { video: bytes } } : {}),
        baseUrl: requestBase(request, options.publicUrl),
      });
      reply.code(202);
      return jobResponse(record, requestBase(request, options.publicUrl), options.signer);
    },
  );
}
