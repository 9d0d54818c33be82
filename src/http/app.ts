// buildApp: the Fastify application — cross-cutting hooks (metrics, auth), the OpenAPI document and docs UI, the
// probes, and each API surface as its own encapsulated plugin with its own error handler. Registered by hand.
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import { SamError } from '../domain/errors.js';
import type { SegmentationEngine } from '../engine/engine.js';
import type { VideoSessions } from '../engine/video-engine.js';
import { healthRoutes } from './health.routes.js';
import { nativeErrorHandler } from './native/error-response.js';
import { nativeRoutes } from './native/routes.js';
import { registerAuth } from './plugins/auth.js';
import { registerBodyTimeout } from './plugins/body-timeout.js';
import { registerOriginGuard } from './plugins/origin-guard.js';
import { playgroundRoutes } from './playground.routes.js';
import { roboflowRoutes } from './roboflow/routes.js';
import { labelStudioRoutes } from './labelstudio/routes.js';
import { xAnyLabelingRoutes } from './xanylabeling/routes.js';
import { cvatRoutes } from './cvat/routes.js';
import type { JobQueue } from '../jobs/job-queue.js';
import type { FileStore } from '../jobs/file-store.js';
import type { UploadStore } from '../jobs/upload-store.js';
import { filesRoutes } from './files.routes.js';
import { nativeJobRoutes } from './native/jobs.routes.js';
import { nativeVideoRoutes } from './native/videos.routes.js';
import { nativeLabelJobRoutes } from './native/label-jobs.routes.js';
import { nativeVideoSessionRoutes } from './native/video-sessions.routes.js';
import type { UrlSigner } from './signed-urls.js';
import { wavespeedRoutes } from './wavespeed/routes.js';

export interface HttpMetrics {
  contentType: string;
  render(): Promise<string>;
  requestStarted(): void;
  requestFinished(route: string, method: string, status: number, seconds: number): void;
}

export interface HttpLimits {
  maxBodyBytes: number;
  maxImageBytes: number;
  maxPrompts: number;
  requestTimeoutMs: number;
  /** Time a client has to send its whole request, body included (slow-body connections are closed with 408). */
  bodyTimeoutMs?: number;
}

/** The async side: job queue, uploads and stored files, and the settings of their routes. */
export interface JobDeps {
  queue: JobQueue;
  uploads: UploadStore;
  files: FileStore;
  signer: UrlSigner;
  /** Base URL for links; empty = each request's own. */
  publicUrl: string;
  syncTimeoutMs: number;
  maxUploadBytes: number;
  webhookSecret: () => string;
  /**
   * Resolves when this node can run video jobs, rejects (VIDEO_UNAVAILABLE) when it cannot, so a video submission is
   * refused at once instead of failing later. Absent where other processes run the jobs (scale-out API nodes).
   */
  videoAvailable?: () => Promise<void>;
}

export interface AppDeps {
  engine: SegmentationEngine;
  limits: HttpLimits;
  version: string;
  readiness?: () => { ready: boolean; detail: string };
  metrics?: HttpMetrics;
  apiKeys?: readonly string[];
  /** Without keys: Host names and page origins accepted besides loopback ones (SAM3_ALLOWED_HOSTS / _ORIGINS). */
  allowedHosts?: readonly string[];
  allowedOrigins?: readonly string[];
  /** Fetches an image URL under the URL guard (POST /v1/images/fetch, for the playground); absent = not offered. */
  fetchImage?: (url: string, signal: AbortSignal) => Promise<{ bytes: Uint8Array; format: string }>;
  /** Labels of the CVAT detector function (SAM3_CVAT_LABELS); none = the interactor only. */
  cvatLabels?: readonly string[];
  /** Label Studio's address and token, for task images that are Label Studio files (the /labelstudio backend). */
  labelStudio?: { url?: string; token?: string };
  /** Without it the async routes (/api/v3, /v1/jobs, /files) are not registered. */
  jobs?: JobDeps;
  /** A pino logger; none = silent (tests). */
  logger?: FastifyBaseLogger;
  /**
   * Interactive video sessions, where they are not the engine's: an API node of a scaled-out deployment that also
   * works (`serve --queue … --work`) holds them in the model it runs itself. Default: `engine.sessions`.
   */
  sessions?: VideoSessions;
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    ...(deps.logger ? { loggerInstance: deps.logger } : { logger: false }),
    bodyLimit: deps.limits.maxBodyBytes,
    // Headers and the whole request must arrive in time (Node's check; the body has its own guard below).
    requestTimeout: deps.limits.bodyTimeoutMs ?? 120_000,
    return503OnClosing: true,
    // Reject unknown and mistyped fields instead of silently dropping or coercing them; report every problem.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: true } },
  });

  // Set before any plugin registers, so every child context (docs UI included) inherits the native error shape.
  app.setErrorHandler(nativeErrorHandler);
  app.setNotFoundHandler((request, reply) =>
    nativeErrorHandler(
      new SamError('ROUTE_NOT_FOUND', `No route for ${request.method} ${request.url.split('?')[0]}; see /docs`, {
        field: 'url',
      }),
      request,
      reply,
    ),
  );

  const metrics = deps.metrics;
  if (metrics) {
    const started = new WeakMap<object, number>();
    const finish = (request: FastifyRequest, status: number): void => {
      const start = started.get(request);
      if (start === undefined) return;
      started.delete(request);
      metrics.requestFinished(
        request.routeOptions.url ?? 'unmatched',
        request.method,
        status,
        (performance.now() - start) / 1000,
      );
    };
    app.addHook('onRequest', async (request, reply) => {
      started.set(request, performance.now());
      metrics.requestStarted();
      // A client that goes away before the answer gets no onResponse; count it as 499 so in-flight never leaks.
      reply.raw.once('close', () => finish(request, reply.raw.writableFinished ? reply.statusCode : 499));
    });
    app.addHook('onResponse', async (request, reply) => finish(request, reply.statusCode));
  }

  registerBodyTimeout(app, deps.limits.bodyTimeoutMs ?? 120_000);
  registerOriginGuard(app, {
    keys: deps.apiKeys ?? [],
    allowedHosts: deps.allowedHosts ?? [],
    allowedOrigins: deps.allowedOrigins ?? [],
  });
  registerAuth(app, {
    keys: deps.apiKeys ?? [],
    keyInRequestPrefixes: ['/sam3/'],
    signedLinkPrefixes: ['/files/'],
    basicAuthPrefixes: ['/labelstudio'],
    keyHeaders: [
      { prefix: '/xanylabeling', header: 'token' },
      { prefix: '/api/function', header: 'x-nuclio-function-namespace' },
    ],
  });

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'sam3-server',
        version: deps.version,
        description:
          'Segment Anything 3 on ONNX Runtime: native /v1 API, a Roboflow-compatible /sam3 surface and a WaveSpeed-compatible /api/v3 prediction API.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      ...(deps.apiKeys?.length ? { security: [{ bearer: [] }] } : {}),
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  const readiness = deps.readiness ?? (() => ({ ready: true, detail: 'model loaded' }));
  await app.register(playgroundRoutes);
  await app.register(healthRoutes, { readiness, ...(metrics ? { metrics } : {}) });
  await app.register(nativeRoutes, {
    prefix: '/v1',
    engine: deps.engine,
    maxImageBytes: deps.limits.maxImageBytes,
    requestTimeoutMs: deps.limits.requestTimeoutMs,
    ...(deps.fetchImage ? { fetchImage: deps.fetchImage } : {}),
  });
  await app.register(roboflowRoutes, {
    prefix: '/sam3',
    engine: deps.engine,
    maxPrompts: deps.limits.maxPrompts,
    requestTimeoutMs: deps.limits.requestTimeoutMs,
  });
  await app.register(labelStudioRoutes, {
    prefix: '/labelstudio',
    engine: deps.engine,
    maxPrompts: deps.limits.maxPrompts,
    requestTimeoutMs: deps.limits.requestTimeoutMs,
    source: deps.labelStudio ?? {},
  });
  await app.register(xAnyLabelingRoutes, {
    prefix: '/xanylabeling',
    engine: deps.engine,
    maxPrompts: deps.limits.maxPrompts,
    requestTimeoutMs: deps.limits.requestTimeoutMs,
    sessions: deps.sessions ?? deps.engine.sessions,
    maxInitBytes: deps.jobs?.maxUploadBytes ?? deps.limits.maxBodyBytes,
  });
  await app.register(cvatRoutes, {
    prefix: '/api',
    engine: deps.engine,
    maxPrompts: deps.limits.maxPrompts,
    requestTimeoutMs: deps.limits.requestTimeoutMs,
    labels: deps.cvatLabels ?? [],
  });
  await app.register(nativeVideoSessionRoutes, {
    prefix: '/v1',
    sessions: deps.sessions ?? deps.engine.sessions,
    maxVideoBytes: deps.jobs?.maxUploadBytes ?? deps.limits.maxBodyBytes,
    requestTimeoutMs: deps.limits.requestTimeoutMs,
  });
  const jobs = deps.jobs;
  if (jobs) {
    await app.register(nativeJobRoutes, {
      prefix: '/v1',
      jobs: jobs.queue,
      signer: jobs.signer,
      publicUrl: jobs.publicUrl,
    });
    await app.register(nativeVideoRoutes, {
      prefix: '/v1',
      jobs: jobs.queue,
      signer: jobs.signer,
      publicUrl: jobs.publicUrl,
      maxVideoBytes: jobs.maxUploadBytes,
      ...(jobs.videoAvailable ? { videoAvailable: jobs.videoAvailable } : {}),
    });
    await app.register(nativeLabelJobRoutes, {
      prefix: '/v1',
      jobs: jobs.queue,
      uploads: jobs.uploads,
      signer: jobs.signer,
      publicUrl: jobs.publicUrl,
      maxImageBytes: deps.limits.maxImageBytes,
      maxPrompts: deps.limits.maxPrompts,
    });
    await app.register(wavespeedRoutes, {
      prefix: '/api/v3',
      jobs: jobs.queue,
      uploads: jobs.uploads,
      signer: jobs.signer,
      publicUrl: jobs.publicUrl,
      maxImageBytes: deps.limits.maxImageBytes,
      maxUploadBytes: jobs.maxUploadBytes,
      syncTimeoutMs: jobs.syncTimeoutMs,
      webhookSecret: jobs.webhookSecret,
      ...(jobs.videoAvailable ? { videoAvailable: jobs.videoAvailable } : {}),
    });
    await app.register(filesRoutes, {
      files: jobs.files,
      uploads: jobs.uploads,
      signer: jobs.signer,
      maxUploadBytes: jobs.maxUploadBytes,
    });
  }
  return app;
}
