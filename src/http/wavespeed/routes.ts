// WaveSpeed-compatible prediction API under /api/v3: submit sam3-image / sam3-image-rle / sam3-video-rle as jobs
// (optionally waiting: enable_sync_mode), poll and list predictions, two-step uploads, the webhook secret.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { SamError } from '../../domain/errors.js';
import { jobNotFound, type JobKind, type MediaRef } from '../../domain/jobs.js';
import type { JobQueue } from '../../jobs/job-queue.js';
import type { UploadStore } from '../../jobs/upload-store.js';
import { requestBase, type UrlSigner } from '../signed-urls.js';
import { wavespeedErrorHandler } from './error-response.js';
import {
  ErrorEnvelope,
  IdParams,
  ListQuery,
  PredictionEnvelope,
  Sam3ImageBody,
  Sam3ImageRleBody,
  Sam3VideoRleBody,
  SubmitQuery,
  UploadTicketBody,
  type SubmitBody,
} from './schemas.js';
import {
  envelope,
  imageOutputs,
  imagePrompts,
  videoPrompts,
  modelId,
  parseMedia,
  predictionData,
  resultUrl,
  storedWireInput,
  type Links,
  type WavespeedModel,
} from './translate.js';

export interface WavespeedRoutesOptions {
  jobs: JobQueue;
  uploads: UploadStore;
  signer: UrlSigner;
  /** Base URL for links; empty = each request's own. */
  publicUrl: string;
  maxImageBytes: number;
  maxUploadBytes: number;
  syncTimeoutMs: number;
  webhookSecret: () => string;
  /** Rejects with VIDEO_UNAVAILABLE when this node cannot run video jobs (no ffmpeg). */
  videoAvailable?: () => Promise<void>;
}

const errors = {
  400: ErrorEnvelope,
  401: ErrorEnvelope,
  404: ErrorEnvelope,
  413: ErrorEnvelope,
  429: ErrorEnvelope,
  500: ErrorEnvelope,
};
const BODIES = {
  'sam3-image': Sam3ImageBody,
  'sam3-image-rle': Sam3ImageRleBody,
  'sam3-video-rle': Sam3VideoRleBody,
} as const;

export async function wavespeedRoutes(app: FastifyInstance, options: WavespeedRoutesOptions): Promise<void> {
  const { jobs, uploads, signer } = options;
  app.setErrorHandler(wavespeedErrorHandler);
  const links = (request: FastifyRequest): Links => ({ base: requestBase(request, options.publicUrl), signer });

  /** Our own upload URLs are read from storage, never fetched (the URL guard would rightly refuse loopback). */
  async function media(
    value: string,
    field: string,
    maxBytes: number,
  ): Promise<{ ref?: MediaRef; bytes?: Uint8Array }> {
    const parsed = parseMedia(value, field, signer, maxBytes);
    if ('bytes' in parsed) return { bytes: parsed.bytes };
    if ('url' in parsed) return { ref: { url: parsed.url } };
    const upload = await uploads.get(parsed.upload);
    if (!upload?.complete)
      throw new SamError(
        'MEDIA_NOT_ACCESSIBLE',
        `The upload behind ${field} was never completed (PUT the bytes first) or has expired`,
        { field, received: value },
      );
    return { ref: { file: upload.key } };
  }

  for (const model of Object.keys(BODIES) as WavespeedModel[]) {
    app.post<{ Body: SubmitBody; Querystring: SubmitQuery }>(
      `/wavespeed-ai/${model}`,
      {
        schema: {
          tags: ['WaveSpeed'],
          summary: `Submit a ${model} prediction`,
          body: BODIES[model],
          querystring: SubmitQuery,
          response: { 200: PredictionEnvelope, ...errors },
        },
      },
      async (request) => {
        const body = request.body;
        const webhook = request.query.webhook;
        if (webhook !== undefined && !/^https?:\/\/[^\s]+$/i.test(webhook)) {
          throw new SamError(
            'WEBHOOK_URL_INVALID',
            `Expected an absolute http(s) URL for webhook but received ${JSON.stringify(webhook)}`,
            { field: 'webhook', received: webhook },
          );
        }
        const kind: JobKind = model === 'sam3-video-rle' ? 'video' : 'image';
        if (kind === 'video') await options.videoAvailable?.();
        const field = kind === 'video' ? 'video' : 'image';
        const prompts = kind === 'video' ? videoPrompts(body as Sam3VideoRleBody) : imagePrompts(body);
        const outputs = kind === 'video' ? { overlay: body.apply_mask ?? true } : imageOutputs(model, body);
        const value = kind === 'video' ? (body as Sam3VideoRleBody).video : (body as Sam3ImageBody).image;
        const source = await media(value, field, kind === 'video' ? options.maxUploadBytes : options.maxImageBytes);
        const input = {
          ...(source.ref ? { [field]: source.ref } : {}),
          ...prompts,
          outputs,
          request: storedWireInput(body),
        };
        const record = await jobs.submit({
          kind,
          model: modelId(model),
          input,
          ...(source.bytes ? { media: { [field]: source.bytes } } : {}),
          ...(webhook ? { webhook: { url: webhook, surface: 'wavespeed' } } : {}),
          baseUrl: links(request).base,
        });
        if (!body.enable_sync_mode) return envelope(predictionData(record, links(request)));
        const settled = await jobs.waitForSettled(record.id, options.syncTimeoutMs);
        if (settled.status === 'created' || settled.status === 'processing') {
          const seconds = Math.round(options.syncTimeoutMs / 100) / 10;
          const error = `Sync mode timed out after ${seconds} s; the task continues, query the result at ${resultUrl(links(request), record.id)}`;
          return envelope(predictionData(settled, links(request), { status: 'processing', error }));
        }
        return envelope(predictionData(settled, links(request)));
      },
    );
  }

  const getPrediction = async (request: FastifyRequest<{ Params: IdParams }>) => {
    const record = await jobs.get(request.params.id);
    if (!record) throw jobNotFound(request.params.id, 'prediction');
    return envelope(predictionData(record, links(request)));
  };
  const pollSchema = { tags: ['WaveSpeed'], params: IdParams, response: { 200: PredictionEnvelope, ...errors } };
  app.get<{ Params: IdParams }>(
    '/predictions/:id/result',
    { schema: { ...pollSchema, summary: 'Get a prediction (result URL form)' } },
    getPrediction,
  );
  app.get<{ Params: IdParams }>(
    '/predictions/:id',
    { schema: { ...pollSchema, summary: 'Get a prediction' } },
    getPrediction,
  );

  app.get<{ Querystring: ListQuery }>(
    '/predictions',
    { schema: { tags: ['WaveSpeed'], summary: 'Recent predictions, newest first', querystring: ListQuery } },
    async (request) => {
      const page = Number(request.query.page ?? 1);
      const pageSize = Number(request.query.page_size ?? 20);
      const { items, total } = await jobs.list({ limit: pageSize, offset: (page - 1) * pageSize });
      return envelope({ items: items.map((r) => predictionData(r, links(request))), page, page_size: pageSize, total });
    },
  );

  app.post<{ Body: UploadTicketBody }>(
    '/media/uploads',
    {
      schema: {
        tags: ['WaveSpeed'],
        summary: 'Create an upload: PUT the bytes to data.upload.url, then use data.download_url as an input',
        body: UploadTicketBody,
      },
    },
    async (request) => {
      const { filename, size } = request.body;
      if (size > options.maxUploadBytes)
        throw new SamError(
          'REQUEST_TOO_LARGE',
          `Expected size ≤ ${options.maxUploadBytes} bytes (SAM3_MAX_UPLOAD_BYTES) but received ${size}`,
          { field: 'size', limit: options.maxUploadBytes, received: size },
        );
      const contentType = request.body.content_type ?? 'application/octet-stream';
      const upload = await uploads.create({ filename, contentType, declaredBytes: size });
      const path = `/files/uploads/${upload.id}/${encodeURIComponent(filename.replace(/[/\\]/g, '_'))}`;
      const base = links(request).base;
      return envelope({
        id: upload.id,
        upload: {
          url: `${base}${signer.sign('put', path, upload.expiresAtMs)}`,
          method: 'PUT',
          headers: { 'Content-Type': contentType },
        },
        download_url: `${base}${signer.sign('get', path, upload.expiresAtMs)}`,
        expires_at: new Date(upload.expiresAtMs).toISOString(),
      });
    },
  );

  app.get(
    '/webhook/secret',
    { schema: { tags: ['WaveSpeed'], summary: 'The secret that signs webhook deliveries' } },
    async () => envelope({ secret: options.webhookSecret() }),
  );
}
