// The native API: POST /v1/segment (JSON, or multipart with an "image" file and a "request" JSON field),
// POST /v1/embed, GET /v1/models. Translate in, call the engine port, translate out.
import multipart from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import {
  EmbedBody,
  EmbedResponse,
  ErrorBody,
  ModelsResponse,
  SegmentBody,
  SegmentResponse,
} from '../../api/native-wire.js';
import type { SegmentationEngine } from '../../engine/engine.js';
import { requestSignal } from '../request-signal.js';
import { nativeErrorHandler } from './error-response.js';
import { multipartReader } from './multipart-request.js';
import { imageSource, segmentRequest, segmentResponse, wireError } from './translate.js';

export interface NativeRoutesOptions {
  engine: SegmentationEngine;
  maxImageBytes: number;
  requestTimeoutMs: number;
  /** Fetches an image URL under the URL guard for the playground (hosts without CORS); absent = no /v1/images/fetch. */
  fetchImage?: (url: string, signal: AbortSignal) => Promise<{ bytes: Uint8Array; format: string }>;
}

const errors = { 400: ErrorBody, 401: ErrorBody, 413: ErrorBody, 422: ErrorBody, 503: ErrorBody, 504: ErrorBody };

export async function nativeRoutes(app: FastifyInstance, options: NativeRoutesOptions): Promise<void> {
  const { engine, requestTimeoutMs } = options;
  app.setErrorHandler(nativeErrorHandler);
  await app.register(multipart, {
    limits: { fileSize: options.maxImageBytes, files: 1, fields: 1, parts: 2, fieldSize: 1024 * 1024 },
    throwFileSizeLimit: true,
  });
  const multipartBody = multipartReader('image');

  const fetchImage = options.fetchImage;
  if (fetchImage)
    app.post<{ Body: { url: string } }>(
      '/images/fetch',
      {
        schema: {
          tags: ['Native'],
          summary: 'Fetch an image URL through the server (its URL guard and limits), for pages that cannot fetch it',
          body: Type.Object({ url: Type.String({ minLength: 1, maxLength: 8192 }) }, { additionalProperties: false }),
          response: errors,
        },
      },
      async (request, reply) => {
        const { bytes, format } = await fetchImage(request.body.url, requestSignal(reply, requestTimeoutMs));
        return reply
          .type(`image/${format}`)
          .header('x-content-type-options', 'nosniff')
          .header('cache-control', 'no-store')
          .send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      },
    );

  app.post<{ Body: SegmentBody }>(
    '/segment',
    {
      schema: {
        tags: ['Native'],
        summary: 'Segment one image with any mix of concept and object prompts',
        body: SegmentBody,
        response: { 200: SegmentResponse, ...errors },
      },
      preValidation: multipartBody.preValidation,
    },
    async (request, reply) => {
      const result = await engine
        .segment({
          ...segmentRequest(request.body, multipartBody.file(request)),
          signal: requestSignal(reply, requestTimeoutMs),
        })
        .catch((error: unknown) => {
          throw wireError(request.body, error);
        });
      // The wire response holds encodings only (strings and numbers), so the masks' memory can go back now.
      const response = segmentResponse(request.body, result);
      engine.release(result);
      return response;
    },
  );

  app.post<{ Body: EmbedBody }>(
    '/embed',
    {
      schema: {
        tags: ['Native'],
        summary: 'Encode and cache an image; later requests pass image_id instead of the image',
        body: EmbedBody,
        response: { 200: EmbedResponse, ...errors },
      },
    },
    async (request, reply) => {
      const image = imageSource(request.body.image, undefined, undefined)!;
      const result = await engine.embed({
        image,
        ...(request.body.image_id ? { imageId: request.body.image_id } : {}),
        signal: requestSignal(reply, requestTimeoutMs),
      });
      return { image_id: result.imageId, width: result.width, height: result.height, timings_ms: result.timings };
    },
  );

  app.get(
    '/models',
    {
      schema: {
        tags: ['Native'],
        summary: 'The loaded model bundle: graphs, contracts, device and dtype',
        response: { 200: ModelsResponse, 503: ErrorBody },
      },
    },
    async () => {
      const m = engine.info().model;
      return {
        models: [
          {
            name: m.name,
            label: m.label,
            dtype: m.dtype,
            device: m.device,
            capabilities: { concepts: m.concepts, objects: m.objects },
            graphs: [...m.graphs],
            ...(m.vocabulary ? { vocabulary: [...m.vocabulary] } : {}),
          },
        ],
      };
    },
  );
}
