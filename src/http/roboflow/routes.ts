// The Roboflow-compatible surface: POST /sam3/concept_segment, /sam3/visual_segment, /sam3/embed_image.
// Translate in, call the engine port, translate out; errors through this surface's own handler.
import type { FastifyInstance } from 'fastify';
import type { SegmentationEngine } from '../../engine/engine.js';
import { requestSignal } from '../request-signal.js';
import { roboflowErrorHandler } from './error-response.js';
import {
  ConceptSegmentResponse,
  EmbedImageBody,
  EmbedImageResponse,
  VisualSegmentResponse,
  conceptSegmentBody,
  visualSegmentBody,
  type ConceptSegmentBody,
  type VisualSegmentBody,
} from './schemas.js';
import { conceptRequest, conceptResponse, imageInput, visualRequest, visualResponse, wireError } from './translate.js';

export interface RoboflowRoutesOptions {
  engine: SegmentationEngine;
  maxPrompts: number;
  requestTimeoutMs: number;
}

const seconds = (start: number): number => (performance.now() - start) / 1000;

export async function roboflowRoutes(app: FastifyInstance, options: RoboflowRoutesOptions): Promise<void> {
  const { engine, requestTimeoutMs } = options;
  app.setErrorHandler(roboflowErrorHandler);
  const tags = ['Roboflow compatible'];

  app.post<{ Body: ConceptSegmentBody }>(
    '/concept_segment',
    {
      schema: {
        tags,
        summary: 'Concept segmentation: every instance of each text and/or exemplar-box prompt',
        body: conceptSegmentBody(options.maxPrompts),
        response: { 200: ConceptSegmentResponse },
      },
    },
    async (request, reply) => {
      const start = performance.now();
      const result = await engine
        .segment({ ...conceptRequest(request.body), signal: requestSignal(reply, requestTimeoutMs) })
        .catch((error: unknown) => {
          throw wireError(error);
        });
      // The wire response holds encodings only (strings and numbers), so the masks' memory can go back now.
      const response = conceptResponse(request.body, result, seconds(start));
      engine.release(result);
      return response;
    },
  );

  app.post<{ Body: VisualSegmentBody }>(
    '/visual_segment',
    {
      schema: {
        tags,
        summary: 'Visual segmentation: one object per prompt from points and/or a centre-anchored box',
        body: visualSegmentBody(options.maxPrompts),
        response: { 200: VisualSegmentResponse },
      },
    },
    async (request, reply) => {
      const start = performance.now();
      const result = await engine
        .segment({ ...visualRequest(request.body), signal: requestSignal(reply, requestTimeoutMs) })
        .catch((error: unknown) => {
          throw wireError(error);
        });
      // The wire response holds encodings only (strings and numbers), so the masks' memory can go back now.
      const response = visualResponse(request.body, result, seconds(start));
      engine.release(result);
      return response;
    },
  );

  app.post<{ Body: EmbedImageBody }>(
    '/embed_image',
    {
      schema: {
        tags,
        summary: 'Encode and cache an image; returns the image_id to reuse',
        body: EmbedImageBody,
        response: { 200: EmbedImageResponse },
      },
    },
    async (request, reply) => {
      const start = performance.now();
      const { image, image_id } = request.body;
      const result = await engine.embed({
        image: imageInput(image),
        ...(image_id ? { imageId: image_id } : {}),
        signal: requestSignal(reply, requestTimeoutMs),
      });
      return { image_id: result.imageId, time: seconds(start) };
    },
  );
}
