// Composition root: settings → the engine, metrics, logger and HTTP app. The only place that picks implementations.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Settings } from './config/settings.js';
import { writeDemoBundle } from './demo-model/write-demo-bundle.js';
import { SamError } from './domain/errors.js';
import { CATALOGUE } from './model/store/catalogue.js';
import { pullBundle, readInstalled, type StoreOptions } from './model/store/model-store.js';
import { describePull, PullProgress, type PullSnapshot } from './model/store/pull-progress.js';
import { DeferredEngine, type Readiness } from './engine/deferred-engine.js';
import type { SegmentationEngine } from './engine/engine.js';
import type { VideoSessions } from './engine/video-engine.js';
import { startWebhooks } from './compose-webhooks.js';
import { filesDirOf, startApiNode, startWorker, type WorkerNode } from './compose-scaleout.js';
import type { Logger } from 'pino';
import { LocalEngine, type LocalEngineOptions } from './engine/local-engine.js';
import { buildApp, type JobDeps } from './http/app.js';
import type { Device } from './model/ort/graph-session.js';
import type { ModelDtype } from './model/sam3/model-bundle.js';
import { createLogger } from './observability/logger.js';
import { DirFileStore } from './jobs/embedded/dir-file-store.js';
import { EmbeddedJobQueue } from './jobs/embedded/embedded-job-queue.js';
import { loadOrCreateSecrets } from './jobs/embedded/secret-file.js';
import { SqliteJobStore } from './jobs/embedded/sqlite-job-store.js';
import { SqliteUploadStore } from './jobs/embedded/sqlite-upload-store.js';
import { SqliteWebhookOutbox } from './jobs/embedded/sqlite-webhook-outbox.js';
import { configureFfmpeg, ffmpegBinaries } from './media/ffmpeg-binary.js';
import { imageJobProcessor } from './jobs/run-image-job.js';
import { videoJobProcessor } from './jobs/run-video-job.js';
import { UrlSigner } from './http/signed-urls.js';
import { ServerMetrics } from './observability/metrics.js';
import { cliCommand } from './config/cli-command.js';
import { fetchImageForViewing } from './media/image-proxy.js';

export const VERSION = '0.1.0';

export interface EngineSettings {
  /** A bundle directory, or "demo" for the generated synthetic bundle. */
  model: string;
  device: Device;
  dtype: ModelDtype;
  threads: number;
  /** ONNX Runtime's spinning threads (SAM3_ORT_SPINNING; off when absent). */
  ortSpinning?: 'on' | 'off';
  cacheDir: string;
  modelDir?: string;
  ffmpegPath?: string;
  ffprobePath?: string;
  onWarning?: (message: string) => void;
}

/**
 * "demo" resolves to the generated bundle under the cache dir (built on first use); a catalogue name to its installed
 * bundle under the model dir (or an error naming the pull command); anything else is a path.
 */
export async function resolveModelDir(
  model: string,
  cacheDir: string,
  modelDir = join(cacheDir, 'models'),
): Promise<string> {
  if (model === 'demo') return writeDemoBundle(join(cacheDir, 'models', 'demo'));
  if (CATALOGUE.some((b) => b.name === model)) {
    const installed = await readInstalled(join(modelDir, model));
    if (!installed?.complete.length) {
      throw new SamError(
        'MODEL_NOT_FOUND',
        `The model ${model} is not installed in ${modelDir}: run \`${cliCommand()} models pull ${model}\` (or \`${cliCommand()} serve --pull\`), or use --model demo to try the server without weights`,
        { field: 'model', received: model },
      );
    }
    return installed.dir;
  }
  return model;
}

export async function createLocalEngine(
  s: EngineSettings,
  extra: Partial<LocalEngineOptions> = {},
): Promise<LocalEngine> {
  configureFfmpeg({ ffmpeg: s.ffmpegPath ?? '', ffprobe: s.ffprobePath ?? '' });
  const modelDir = await resolveModelDir(s.model, s.cacheDir, s.modelDir);
  return LocalEngine.create({
    ...extra,
    modelDir,
    device: s.device,
    dtype: s.dtype,
    intraOpThreads: s.threads,
    spinning: s.ortSpinning === 'on',
    ...(s.onWarning ? { onWarning: s.onWarning } : {}),
  });
}

/** Where and how model bundles are downloaded, from settings (hub endpoint, token, proxies). */
export const storeOptions = (s: Settings, dir?: string): StoreOptions => ({
  root: dir ?? s.modelDir,
  hfEndpoint: s.hfEndpoint,
  ...(s.hfToken ? { hfToken: s.hfToken } : {}),
  proxy: { httpProxy: s.httpProxy, httpsProxy: s.httpsProxy, noProxy: s.noProxy },
});

/**
 * `serve --pull`: downloads the catalogue bundle named by the model setting when its dtype is not installed, logging
 * progress (and exposing it to /readyz through `onProgress`). Other models (demo, paths) need no download.
 */
export async function pullIfMissing(
  settings: Settings,
  log: (message: string) => void,
  onProgress?: (s: PullSnapshot) => void,
): Promise<void> {
  const name = settings.model;
  if (!CATALOGUE.some((b) => b.name === name)) return;
  const installed = await readInstalled(join(settings.modelDir, name));
  if (installed?.complete.includes(settings.dtype)) return;
  log(
    `model ${name} (${settings.dtype}) is not installed: pulling it into ${settings.modelDir} (SAM3_AUTO_PULL / --pull)`,
  );
  let lastLogMs = 0;
  const progress = new PullProgress((s) => {
    onProgress?.(s);
    if (s.elapsedMs - lastLogMs >= 10_000) {
      lastLogMs = s.elapsedMs;
      log(`pulling ${name}: ${describePull(s)}`);
    }
  });
  try {
    await pullBundle(name, settings.dtype, storeOptions(settings), () => progress.file());
  } catch (error) {
    const e =
      error instanceof SamError
        ? error
        : new SamError('MODEL_DOWNLOAD_FAILED', (error as Error).message, {}, { cause: error });
    throw new SamError(
      e.code,
      `Could not pull the model ${name}: ${e.message}. Run \`${cliCommand()} models pull ${name} --dtype ${settings.dtype}\` when online (it resumes), or start with --model demo to try the server without weights`,
      e.details,
      { cause: error },
    );
  }
  log(`pulled ${name}: ${describePull(progress.snapshot())}`);
}

export interface Server {
  app: FastifyInstance;
  engine: SegmentationEngine;
  /** The model this process loads (embedded mode, or an API node told to work too); undefined on a pure API node. */
  modelLoaded?: Promise<SegmentationEngine>;
  /** Scale-out: the worker running in this process (`serve --work`). */
  worker?: WorkerNode | undefined;
  close(): Promise<void>;
}

/** The local engine of this process, as settings describe it (shared by `serve` and `sam3 worker`). */
export function loadLocalEngine(
  settings: Settings,
  logger: Logger,
  metrics?: ServerMetrics,
  pulled: Promise<void> = Promise.resolve(),
): Promise<LocalEngine> {
  return pulled.then(() =>
    createLocalEngine(
      {
        model: settings.model,
        device: settings.device,
        dtype: settings.dtype,
        threads: settings.threads,
        ortSpinning: settings.ortSpinning,
        cacheDir: settings.cacheDir,
        modelDir: settings.modelDir,
        ffmpegPath: settings.ffmpegPath,
        ffprobePath: settings.ffprobePath,
        onWarning: (m) => logger.warn(m),
      },
      {
        imageLimits: { maxImageBytes: settings.maxImageBytes, maxImagePixels: settings.maxImagePixels },
        urlPolicy: {
          allowNetworks: settings.urlAllowNetworks,
          maxBytes: settings.maxImageBytes,
          timeoutMs: settings.urlTimeoutMs,
          maxRedirects: 5,
        },
        maxPrompts: settings.maxPrompts,
        ...(settings.resizeThreads >= 0 ? { resizeThreads: settings.resizeThreads } : {}),
        embeddingCacheBytes: settings.embeddingCacheMb * 1024 * 1024,
        concurrency: settings.concurrency,
        maxQueued: settings.maxQueued,
        videoLimits: {
          maxDurationS: settings.maxVideoSeconds,
          maxSidePx: settings.maxVideoSidePx,
          maxFrames: settings.maxVideoFrames,
        },
        maxVideoBytes: settings.maxUploadBytes,
        sessionLimits: {
          maxSessions: settings.maxSessions,
          memoryBudgetBytes: settings.sessionMemoryMb * 1024 ** 2,
          idleTtlMs: settings.sessionTtlS * 1000,
          maxFrames: settings.sessionMaxFrames,
          maxConcepts: settings.maxPrompts,
        },
        ...(metrics ? { onTimings: (t: Record<string, number>) => metrics.observeStages(t) } : {}),
      },
    ),
  );
}

/**
 * Builds the server; the model loads in the background (readyz says when), so the port opens at once. With
 * SAM3_QUEUE set it is an API node: jobs and model calls go through Redis to workers, and it loads a model only when
 * `work` is set (it then also runs a worker).
 */
export async function createServer(
  settings: Settings,
  options: { log?: boolean; work?: boolean } = {},
): Promise<Server> {
  const logger = createLogger(options.log === false ? 'silent' : settings.logLevel, { format: settings.logFormat });
  // The closure runs only when /metrics is scraped, after `engine` below exists.
  const metrics = new ServerMetrics(() => engine.stats());
  let pulling: PullSnapshot | undefined;
  const pullNow = (): Promise<void> =>
    settings.autoPull
      ? pullIfMissing(
          settings,
          (m) => logger.info(m),
          (s) => (pulling = s),
        ).finally(() => (pulling = undefined))
      : Promise.resolve();
  const modelReadiness = (r: Readiness): { ready: boolean; detail: string } => {
    if (r.state === 'ready') return { ready: true, detail: 'model loaded' };
    if (r.state === 'failed') return { ready: false, detail: `model failed to load: ${r.error.message}` };
    return {
      ready: false,
      detail: pulling ? `model downloading: ${settings.model} ${describePull(pulling)}` : 'model loading',
    };
  };
  let engine: SegmentationEngine;
  let jobs: { deps: JobDeps; close(): Promise<void> };
  let readiness: () => { ready: boolean; detail: string };
  let modelLoaded: Promise<SegmentationEngine> | undefined;
  let worker: WorkerNode | undefined;
  let sessions: VideoSessions | undefined;
  if (settings.queue) {
    const node = await startApiNode(settings, logger, metrics);
    engine = node.engine;
    jobs = node;
    readiness = () => node.engine.readiness();
    if (options.work) {
      const local = new DeferredEngine(loadLocalEngine(settings, logger, metrics, pullNow()));
      modelLoaded = local.loaded;
      // Sessions are state in this process's model, so a node that works holds them (clients need sticky routing).
      sessions = local.sessions;
      modelLoaded.then(
        (e) => (worker = startWorker(settings, e, logger)),
        () => undefined,
      );
    }
  } else {
    const deferred = new DeferredEngine(loadLocalEngine(settings, logger, metrics, pullNow()));
    engine = deferred;
    modelLoaded = deferred.loaded;
    jobs = startJobs(settings, deferred, logger, metrics);
    readiness = () => modelReadiness(deferred.readiness());
  }
  const app = await buildApp({
    jobs: jobs.deps,
    engine,
    limits: {
      maxBodyBytes: settings.maxBodyBytes,
      maxImageBytes: settings.maxImageBytes,
      maxPrompts: settings.maxPrompts,
      requestTimeoutMs: settings.requestTimeoutMs,
      bodyTimeoutMs: settings.bodyTimeoutMs,
    },
    version: VERSION,
    readiness,
    metrics,
    apiKeys: settings.apiKeys,
    allowedHosts: settings.allowedHosts,
    allowedOrigins: settings.allowedOrigins,
    cvatLabels: settings.cvatLabels,
    fetchImage: (url, signal) =>
      fetchImageForViewing(
        url,
        {
          allowNetworks: settings.urlAllowNetworks,
          maxBytes: settings.maxImageBytes,
          timeoutMs: settings.urlTimeoutMs,
          maxRedirects: 5,
        },
        signal,
      ),
    labelStudio: {
      ...(settings.labelStudioUrl ? { url: settings.labelStudioUrl } : {}),
      ...(settings.labelStudioToken ? { token: settings.labelStudioToken } : {}),
    },
    logger,
    ...(sessions ? { sessions } : {}),
  });
  return {
    app,
    engine,
    ...(modelLoaded ? { modelLoaded } : {}),
    get worker() {
      return worker;
    },
    async close() {
      await app.close();
      await worker?.close(settings.shutdownGraceMs);
      await jobs.close();
      await engine.close();
      if (settings.queue && modelLoaded)
        await modelLoaded.then(
          (e) => e.close(),
          () => undefined,
        );
    },
  };
}

/** A temporary file this old belongs to no write under way (writes of even the largest upload take seconds). */
const ABANDONED_PARTIAL_MS = 60 * 60_000;

/** The embedded job system under the data dir: SQLite records, files, uploads, the scheduler and webhook delivery. */
function startJobs(settings: Settings, engine: DeferredEngine, logger: Logger, metrics: ServerMetrics) {
  mkdirSync(settings.dataDir, { recursive: true });
  const retentionMs = settings.retentionHours * 3_600_000;
  const store = new SqliteJobStore(join(settings.dataDir, 'jobs.db'));
  const files = new DirFileStore(filesDirOf(settings));
  const uploads = new SqliteUploadStore(store.db, files, retentionMs);
  const secrets = loadOrCreateSecrets(join(settings.dataDir, 'secrets.json'));
  const signer = new UrlSigner(secrets.linkSecret);
  const queue = new EmbeddedJobQueue({
    store,
    files,
    processors: { image: imageJobProcessor(engine), video: videoJobProcessor(engine) },
    concurrency: { image: settings.jobConcurrency, video: settings.videoJobConcurrency },
    maxAttempts: settings.jobMaxAttempts,
    retentionMs,
    // Temporary files of writes cut short (a crash, a full disk) are removed once they are surely abandoned.
    onSweep: async () => {
      await uploads.sweep();
      await files.sweepPartials(ABANDONED_PARTIAL_MS);
    },
    onError: (message, err) => logger.error({ err }, message),
  });
  const dispatcher = startWebhooks(
    settings,
    queue,
    {
      outbox: new SqliteWebhookOutbox(store.db),
      getRecord: (id) => store.get(id),
      signer,
      webhookSecret: () => secrets.webhookSecret,
    },
    metrics,
    logger,
  );
  // One process owns an embedded data dir: at start every temporary file is a leftover of the previous run.
  void files.sweepPartials(0).then(
    (removed) => removed && logger.info({ removed }, 'removed temporary files left by the previous run'),
    (err: unknown) => logger.warn({ err }, 'could not sweep temporary files'),
  );
  ffmpegBinaries().catch((err: unknown) => logger.warn(`video is unavailable: ${(err as Error).message}`));
  const recovered = queue.start();
  if (recovered.requeued || recovered.failed) logger.warn(recovered, 'recovered jobs interrupted by the previous run');
  dispatcher.kick();
  return {
    deps: {
      queue,
      uploads,
      files,
      signer,
      publicUrl: settings.publicUrl,
      syncTimeoutMs: settings.syncTimeoutMs,
      maxUploadBytes: settings.maxUploadBytes,
      webhookSecret: () => secrets.webhookSecret,
      // This process runs the video jobs: without ffmpeg a submission is refused at once (501), not failed later.
      videoAvailable: async () => void (await ffmpegBinaries()),
    },
    async close() {
      dispatcher.close();
      await queue.close();
      store.close();
    },
  };
}
