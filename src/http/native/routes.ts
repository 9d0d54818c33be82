// The native API: POST /v1/segment (JSON, or multipart with an "image" file and a "request" JSON field),
// POST /v1/embed, GET /v1/models. Translate in, call the engine port, translate out.
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { EmbedBody, EmbedResponse, ErrorBody, ModelsResponse, SegmentBody, SegmentResponse } from '../../api/native-wire.js';
import { SamError } from '../../domain/errors.js';
import type { SegmentationEngine } from '../../engine/engine.js';
import { requestSignal } from '../request-signal.js';
import { nativeErrorHandler } from './error-response.js';
import { imageSource, segmentRequest, segmentResponse, wireError } from './translate.js';

export interface NativeRoutesOptions {
  engine: SegmentationEngine;
  maxImageBytes: number;
  requestTimeoutMs: number;
}

const errors = { 400: ErrorBody, 401: ErrorBody, 413: ErrorBody, 422: ErrorBody, 503: ErrorBody, 504: ErrorBody };

export async function nativeRoutes(app: FastifyInstance, options: NativeRoutesOptions): Promise<void> {
  const { engine, requestTimeoutMs } = options;
  app.setErrorHandler(nativeErrorHandler);
  await app.register(multipart, { limits: { fileSize: options.maxImageBytes, files: 1, fields: 1, parts: 2, fieldSize: 1024 * 1024 }, throwFileSizeLimit: true });
  const uploads = new WeakMap<FastifyRequest, Uint8Array>();

  /** Multipart: the "request" field is the JSON body and the "image" file is kept aside, then validated as usual. */
  async function readMultipart(request: FastifyRequest): Promise<void> {
    if (!request.isMultipart()) return;
    let body: unknown = {};
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        if (part.fieldname !== 'image') throw new SamError('INVALID_ARGUMENT', `Expected the file in multipart field "image" but received field ${JSON.stringify(part.fieldname)}`, { field: part.fieldname });
        uploads.set(request, await part.toBuffer());
      } else if (part.fieldname === 'request') {
        try {
          body = JSON.parse(String(part.value));
        } catch (cause) {
          throw new SamError('INVALID_ARGUMENT', `Expected JSON in multipart field "request" but it does not parse: ${(cause as Error).message}`, { field: 'request' }, { cause });
        }
      } else {
        throw new SamError('INVALID_ARGUMENT', `Expected multipart fields "image" (file) and "request" (JSON) but received ${JSON.stringify(part.fieldname)}`, { field: part.fieldname });
      }
    }
    request.body = body;
  }

  app.post<{ Body: SegmentBody }>(
    '/segment',
    {
      schema: { tags: ['Native'], summary: 'Segment one image with any mix of concept and object prompts', body: SegmentBody, response: { 200: SegmentResponse, ...errors } },
      preValidation: readMultipart,
    },
    async (request, reply) => {
      const result = await engine.segment({ ...segmentRequest(request.body, uploads.get(request)), signal: requestSignal(reply, requestTimeoutMs) }).catch((error: unknown) => {
        throw wireError(request.body, error);
      });
      return segmentResponse(request.body, result);
    },
  );

  app.post<{ Body: EmbedBody }>(
    '/embed',
    { schema: { tags: ['Native'], summary: 'Encode and cache an image; later requests pass image_id instead of the image', body: EmbedBody, response: { 200: EmbedResponse, ...errors } } },
    async (request, reply) => {
      const image = imageSource(request.body.image, undefined, undefined)!;
      const result = await engine.embed({ image, ...(request.body.image_id ? { imageId: request.body.image_id } : {}), signal: requestSignal(reply, requestTimeoutMs) });
      return { image_id: result.imageId, width: result.width, height: result.height, timings_ms: result.timings };
    },
  );

  app.get('/models', { schema: { tags: ['Native'], summary: 'The loaded model bundle: graphs, contracts, device and dtype', response: { 200: ModelsResponse, 503: ErrorBody } } }, async () => {
    const m = engine.info().model;
    return { models: [{ name: m.name, label: m.label, dtype: m.dtype, device: m.device, capabilities: { concepts: m.concepts, objects: m.objects }, graphs: [...m.graphs] }] };
  });
}
