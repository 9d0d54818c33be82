// X-AnyLabeling's remote-server protocol under a prefix (/xanylabeling): /health, /v1/models, /v1/models/:id/info and
// /v1/predict for two models — SAM 3 with text prompts or exemplar boxes, and SAM 3 clicks on one object — and a
// video model on the engine's sessions (video-routes.ts). Translate in, call the engine port, translate out.
import type { FastifyInstance } from 'fastify';
import { SamError } from '../../domain/errors.js';
import type { SegmentationEngine } from '../../engine/engine.js';
import type { VideoSessions } from '../../engine/video-engine.js';
import { requestSignal } from '../request-signal.js';
import { xAnyLabelingErrorHandler } from './error-response.js';
import { PredictBody, PredictResponse, type Shape } from './schemas.js';
import {
  CLICK_MODEL,
  TEXT_MODEL,
  UNLABELLED,
  clickModelObject,
  instanceShapes,
  modelsInfo,
  textModelConcepts,
} from './translate.js';
import { xAnyLabelingVideoRoutes } from './video-routes.js';
import { VIDEO_MODEL, videoModelInfo } from './video-translate.js';

export interface XAnyLabelingRoutesOptions {
  engine: SegmentationEngine;
  requestTimeoutMs: number;
  maxPrompts: number;
  /** Video sessions for the video model; absent, the model is not listed and its routes answer VIDEO_UNAVAILABLE. */
  sessions: VideoSessions | undefined;
  /** Largest /v1/video/init body (every frame as base64). */
  maxInitBytes: number;
}

export async function xAnyLabelingRoutes(app: FastifyInstance, options: XAnyLabelingRoutesOptions): Promise<void> {
  const { engine, requestTimeoutMs } = options;
  app.setErrorHandler(xAnyLabelingErrorHandler);
  const tags = ['X-AnyLabeling remote server'];
  const models = (): Record<string, Record<string, unknown>> => {
    const { label, objects } = engine.info().model;
    return {
      ...modelsInfo(label),
      ...(options.sessions && objects ? { [VIDEO_MODEL]: videoModelInfo(label) } : {}),
    };
  };
  await app.register(xAnyLabelingVideoRoutes, {
    sessions: options.sessions,
    maxInitBytes: options.maxInitBytes,
    requestTimeoutMs,
  });

  app.get('/health', { schema: { tags, summary: 'Health, as X-AnyLabeling checks it' } }, async () => ({
    status: 'healthy',
    models_loaded: Object.keys(models()).length,
    timestamp: new Date().toISOString(),
  }));
  app.get('/v1/models', { schema: { tags, summary: 'The models X-AnyLabeling can pick' } }, async () => ({
    success: true,
    data: models(),
  }));
  app.get<{ Params: { id: string } }>(
    '/v1/models/:id/info',
    { schema: { tags, summary: 'One model' } },
    async (request) => {
      const info = models()[request.params.id];
      if (!info)
        throw new SamError('MODEL_NOT_FOUND', `No model ${JSON.stringify(request.params.id)}; see /v1/models`, {
          field: 'model',
          received: request.params.id,
        });
      return { success: true, data: { model_id: request.params.id, ...info } };
    },
  );

  app.post<{ Body: PredictBody }>(
    '/v1/predict',
    {
      schema: {
        tags,
        summary: 'Segment with text prompts, exemplar boxes or clicks; shapes are polygons and/or rectangles',
        body: PredictBody,
        response: { 200: PredictResponse },
      },
    },
    async (request, reply) => {
      const { model, image, params = {} } = request.body;
      if (model !== TEXT_MODEL && model !== CLICK_MODEL)
        throw new SamError(
          'MODEL_NOT_FOUND',
          `No model ${JSON.stringify(model)}; this server offers ${TEXT_MODEL} and ${CLICK_MODEL}`,
          {
            field: 'model',
            received: model,
          },
        );
      const showMasks = params.show_masks ?? true;
      const showBoxes = params.show_boxes ?? model === TEXT_MODEL;
      const shapeOptions = { showMasks, showBoxes, epsilonFactor: params.epsilon_factor ?? 0.001 };
      const marks = params.marks ?? [];
      const signal = requestSignal(reply, requestTimeoutMs);
      const shapes: Shape[] = [];
      if (model === CLICK_MODEL) {
        const object = clickModelObject(marks);
        if (!object) return { success: true, data: { shapes, description: '', replace: false } };
        const result = await engine.segment({
          image: { base64: image },
          objects: [object],
          maskEncodings: ['outer_polygons'],
          signal,
        });
        const best = result.objects[0]?.candidates[0];
        if (best) shapes.push(...instanceShapes(best, UNLABELLED, shapeOptions));
        return { success: true, data: { shapes, description: '', replace: false } };
      }
      const { concepts, labels } = textModelConcepts(params.text_prompt, marks);
      if (!concepts.length) return { success: true, data: { shapes, description: '' } };
      let imageId: string | undefined;
      for (let i = 0; i < concepts.length; i += options.maxPrompts) {
        const result = await engine.segment({
          image: { base64: image },
          ...(imageId ? { imageId } : {}),
          concepts: concepts.slice(i, i + options.maxPrompts),
          maskEncodings: ['outer_polygons'],
          ...(params.conf_threshold !== undefined ? { threshold: params.conf_threshold } : {}),
          signal,
        });
        imageId = result.imageId;
        result.concepts.forEach((c, k) => {
          for (const instance of c.instances) shapes.push(...instanceShapes(instance, labels[i + k]!, shapeOptions));
        });
      }
      return { success: true, data: { shapes, description: '' } };
    },
  );
}
