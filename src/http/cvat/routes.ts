// CVAT's serverless functions without Nuclio: the Nuclio dashboard API CVAT's lambda manager calls — GET
// /api/functions, GET /api/functions/:name, POST /api/function_invocations (x-nuclio-function-name) — for a SAM 3
// interactor and, with SAM3_CVAT_LABELS, a SAM 3 detector. Translate in, call the engine port, translate out.
import type { FastifyInstance } from 'fastify';
import { SamError } from '../../domain/errors.js';
import type { SegmentationEngine } from '../../engine/engine.js';
import { requestSignal } from '../request-signal.js';
import { cvatErrorHandler } from './error-response.js';
import { InvocationBody, type DetectorItem } from './schemas.js';
import {
  DETECTOR,
  INTERACTOR,
  detectorItem,
  interactorMaskJson,
  interactorObject,
  nuclioFunctions,
  threshold,
} from './translate.js';

export interface CvatRoutesOptions {
  engine: SegmentationEngine;
  requestTimeoutMs: number;
  maxPrompts: number;
  /** The detector's labels (its concept prompts); none = no detector. */
  labels: readonly string[];
}

export async function cvatRoutes(app: FastifyInstance, options: CvatRoutesOptions): Promise<void> {
  const { engine, requestTimeoutMs, labels } = options;
  app.setErrorHandler(cvatErrorHandler);
  const tags = ['CVAT serverless (Nuclio API)'];
  const functions = () => nuclioFunctions(labels, engine.info().model.label);

  app.get('/functions', { schema: { tags, summary: 'The functions CVAT lists in its models page' } }, async () =>
    functions(),
  );
  app.get<{ Params: { name: string } }>(
    '/functions/:name',
    { schema: { tags, summary: 'One function' } },
    async (request) => {
      const found = functions()[request.params.name];
      if (!found)
        throw new SamError('MODEL_NOT_FOUND', `No function ${JSON.stringify(request.params.name)}`, {
          field: 'name',
          received: request.params.name,
        });
      return found;
    },
  );

  app.post<{ Body: InvocationBody }>(
    '/function_invocations',
    { schema: { tags, summary: 'Invoke a function (x-nuclio-function-name header)', body: InvocationBody } },
    async (request, reply) => {
      const name = request.headers['x-nuclio-function-name'];
      if (name !== INTERACTOR && !(name === DETECTOR && labels.length))
        throw new SamError('MODEL_NOT_FOUND', `No function ${JSON.stringify(name ?? '')} (x-nuclio-function-name)`, {
          field: 'x-nuclio-function-name',
          received: name,
        });
      const signal = requestSignal(reply, requestTimeoutMs);
      const image = { base64: request.body.image };
      if (name === INTERACTOR) {
        const result = await engine.segment({ image, objects: [interactorObject(request.body)], signal });
        const best = result.objects[0]?.candidates[0];
        if (!best) throw new SamError('INTERNAL', 'The decoder returned no candidate');
        return reply.type('application/json').send(interactorMaskJson(best.mask));
      }
      const items: DetectorItem[] = [];
      const min = threshold(request.body.threshold);
      let imageId: string | undefined;
      for (let i = 0; i < labels.length; i += options.maxPrompts) {
        const group = labels.slice(i, i + options.maxPrompts);
        const result = await engine.segment({
          image,
          ...(imageId ? { imageId } : {}),
          concepts: group.map((text) => ({ text })),
          maskEncodings: ['outer_polygons'],
          ...(min !== undefined ? { threshold: min } : {}),
          signal,
        });
        imageId = result.imageId;
        result.concepts.forEach((c, k) => {
          for (const instance of c.instances) {
            const item = detectorItem(instance, group[k]!);
            if (item) items.push(item);
          }
        });
      }
      return items;
    },
  );
}
