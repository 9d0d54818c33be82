// Label Studio's ML-backend protocol under a prefix (/labelstudio): /health, /setup, /predict (pre-annotation from
// the project's labels, or one object from interactive clicks and a box), /webhook, /metrics. Translate in, call the
// engine port, translate out.
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { SamError } from '../../domain/errors.js';
import type { SegmentationEngine, SegmentResult } from '../../engine/engine.js';
import { requestSignal } from '../request-signal.js';
import { labelStudioErrorHandler } from './error-response.js';
import { parseLabelConfig, type LabelConfig } from './label-config.js';
import { PredictBody, PredictResponse, SetupBody } from './schemas.js';
import {
  conceptLabels,
  contextObject,
  encodingsFor,
  interactiveControl,
  interactiveResults,
  meanScore,
  preannotationResults,
  taskImage,
  type LabelStudioSource,
} from './translate.js';

export interface LabelStudioRoutesOptions {
  engine: SegmentationEngine;
  requestTimeoutMs: number;
  maxPrompts: number;
  source: LabelStudioSource;
}

export async function labelStudioRoutes(app: FastifyInstance, options: LabelStudioRoutesOptions): Promise<void> {
  const { engine, requestTimeoutMs, source } = options;
  app.setErrorHandler(labelStudioErrorHandler);
  const tags = ['Label Studio ML backend'];
  const modelVersion = (): string => `sam3-server:${engine.info().model.name}`;
  const health = async (): Promise<Record<string, string>> => ({
    status: 'UP',
    model_class: 'SAM3',
    model_version: modelVersion(),
  });
  app.get('/', { schema: { tags, summary: 'Health, as Label Studio checks it' } }, health);
  app.get('/health', { schema: { tags, summary: 'Health, as Label Studio checks it' } }, health);
  app.get('/metrics', { schema: { tags, summary: 'Empty (the server metrics are at /metrics)' } }, async () => ({}));

  app.post<{ Body: SetupBody }>(
    '/setup',
    { schema: { tags, summary: 'Connect a project: checks its labeling config', body: SetupBody } },
    async (request) => {
      if (request.body.schema) parseLabelConfig(request.body.schema);
      return { model_version: modelVersion() };
    },
  );

  app.post(
    '/webhook',
    { schema: { tags, summary: 'Annotation events: acknowledged (the model is not trained here)' } },
    async (_request, reply) => reply.code(200).send({ status: 'Unknown event' }),
  );

  app.post<{ Body: PredictBody }>(
    '/predict',
    {
      schema: {
        tags,
        summary: 'Pre-annotate tasks with the project labels as concepts, or segment one object from clicks and a box',
        body: PredictBody,
        response: { 200: PredictResponse },
      },
    },
    async (request, reply) => {
      const body = request.body;
      if (!body.label_config)
        throw new SamError('INVALID_ARGUMENT', 'Expected the project labeling config (label_config)', {
          field: 'label_config',
        });
      const config = parseLabelConfig(body.label_config);
      const signal = requestSignal(reply, requestTimeoutMs);
      const version = modelVersion();
      const regions = body.params?.context?.result ?? [];
      if (regions.length > 0) {
        const task = body.tasks[0]!;
        const image = taskImage(task.data, config, source);
        const imageId = `labelstudio:${createHash('sha256').update(JSON.stringify(image)).digest('hex').slice(0, 32)}`;
        let width = regions[0]!.original_width;
        let height = regions[0]!.original_height;
        if (!width || !height) ({ width, height } = await engine.embed({ image, imageId, signal }));
        const { object, label } = contextObject(regions, width, height);
        // Each click request resends every click: the previous request's mask (same clicks less the last) refines
        // this one, as SAM's interactive tools do, where the bundle has the refinement decoder.
        const result = await engine.segment({
          image,
          imageId,
          objects: [{ ...object, refinePrevious: true }],
          maskEncodings: encodingsFor([interactiveControl(config)]),
          signal,
        });
        const regionsOut = interactiveResults(result, label, config);
        return { results: [{ result: regionsOut, model_version: version, score: meanScore(regionsOut) }] };
      }
      const labels = conceptLabels(config);
      const results = [];
      for (const task of body.tasks) {
        const result = labels.length ? await preannotate(engine, task.data, config, labels, options, signal) : [];
        results.push({ result, model_version: version, score: meanScore(result) });
      }
      return { results };
    },
  );
}

/** Every label as a concept on one image, in groups of at most `maxPrompts` (the image is encoded once). */
async function preannotate(
  engine: SegmentationEngine,
  data: Record<string, unknown>,
  config: LabelConfig,
  labels: readonly string[],
  options: LabelStudioRoutesOptions,
  signal: AbortSignal,
): Promise<ReturnType<typeof preannotationResults>> {
  const image = taskImage(data, config, options.source);
  const maskEncodings = encodingsFor(config.controls);
  const out: ReturnType<typeof preannotationResults> = [];
  let imageId: string | undefined;
  for (let i = 0; i < labels.length; i += options.maxPrompts) {
    const group = labels.slice(i, i + options.maxPrompts);
    const result: SegmentResult = await engine.segment({
      image,
      ...(imageId ? { imageId } : {}),
      concepts: group.map((text) => ({ text })),
      maskEncodings,
      signal,
    });
    imageId = result.imageId;
    out.push(...preannotationResults(result, group, config));
  }
  return out;
}
