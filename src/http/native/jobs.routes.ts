// Native job routes: GET /v1/jobs (recent), GET /v1/jobs/:id (status, progress, result, signed file links),
// DELETE /v1/jobs/:id (cancel). The same jobs the WaveSpeed facade submits; rendering in jobs-translate.ts.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { ErrorBody, JobListResponse, JobResponse } from '../../api/native-wire.js';
import { jobNotFound } from '../../domain/jobs.js';
import type { JobQueue } from '../../jobs/job-queue.js';
import { requestBase, type UrlSigner } from '../signed-urls.js';
import { jobResponse } from './jobs-translate.js';

export interface NativeJobsOptions {
  jobs: JobQueue;
  signer: UrlSigner;
  publicUrl: string;
}

const Params = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
// Query strings are text (no type coercion), so numbers are matched as digits and parsed.
const ListQuery = Type.Object(
  {
    limit: Type.Optional(Type.String({ pattern: '^([1-9]|[1-9][0-9]|100)$', description: '1–100, default 20' })),
    offset: Type.Optional(Type.String({ pattern: '^[0-9]{1,9}$' })),
    kind: Type.Optional(Type.Enum(['image', 'video'])),
  },
  { additionalProperties: false },
);
const errors = { 401: ErrorBody, 404: ErrorBody, 409: ErrorBody };

export async function nativeJobRoutes(app: FastifyInstance, options: NativeJobsOptions): Promise<void> {
  const { jobs, signer } = options;
  const base = (request: FastifyRequest): string => requestBase(request, options.publicUrl);

  app.get<{ Querystring: { limit?: string; offset?: string; kind?: 'image' | 'video' } }>(
    '/jobs',
    {
      schema: {
        tags: ['Jobs'],
        summary: 'Recent jobs, newest first',
        querystring: ListQuery,
        response: { 200: JobListResponse, ...errors },
      },
    },
    async (request) => {
      const limit = Number(request.query.limit ?? 20);
      const offset = Number(request.query.offset ?? 0);
      const page = await jobs.list({ limit, offset, ...(request.query.kind ? { kind: request.query.kind } : {}) });
      return { jobs: page.items.map((r) => jobResponse(r, base(request), signer)), total: page.total, limit, offset };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/jobs/:id',
    {
      schema: {
        tags: ['Jobs'],
        summary: 'A job: status, progress, result and output links',
        params: Params,
        response: { 200: JobResponse, ...errors },
      },
    },
    async (request) => {
      const record = await jobs.get(request.params.id);
      if (!record) throw jobNotFound(request.params.id);
      return jobResponse(record, base(request), signer);
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/jobs/:id',
    {
      schema: {
        tags: ['Jobs'],
        summary: 'Cancel a waiting or running job (409 once it has finished)',
        params: Params,
        response: { 200: JobResponse, ...errors },
      },
    },
    async (request) => {
      return jobResponse(await jobs.cancel(request.params.id), base(request), signer);
    },
  );
}
