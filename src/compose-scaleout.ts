// Composition of scale-out mode (SAM3_QUEUE=redis://…): the API node's Redis-backed job system and queued engine, and
// the `sam3 worker` side (job processors and engine calls over BullMQ). Picks implementations; computes nothing.
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Settings } from './config/settings.js';
import type { SegmentationEngine } from './engine/engine.js';
import { EngineRpcWorker } from './engine/remote/engine-rpc-worker.js';
import { QueuedEngine } from './engine/remote/queued-engine.js';
import { startWebhooks } from './compose-webhooks.js';
import type { JobDeps } from './http/app.js';
import { UrlSigner } from './http/signed-urls.js';
import { DirFileStore } from './jobs/embedded/dir-file-store.js';
import type { ServerSecrets } from './jobs/embedded/secret-file.js';
import { BullMqJobQueue } from './jobs/redis/bullmq-job-queue.js';
import { BullMqJobWorker } from './jobs/redis/bullmq-job-worker.js';
import { loadOrCreateRedisSecrets } from './jobs/redis/redis-secrets.js';
import { RedisUploadStore } from './jobs/redis/redis-upload-store.js';
import { RedisWebhookOutbox } from './jobs/redis/redis-webhook-outbox.js';
import { imageJobProcessor } from './jobs/run-image-job.js';
import { videoJobProcessor } from './jobs/run-video-job.js';
import type { ServerMetrics } from './observability/metrics.js';

/** The shared file store: SAM3_FILES_DIR, else <data dir>/files (a shared volume in scale-out mode). */
export const filesDirOf = (settings: Settings): string => settings.filesDir || join(settings.dataDir, 'files');

export interface ApiNode {
  engine: QueuedEngine;
  deps: JobDeps;
  close(): Promise<void>;
}

/**
 * An API node: jobs, uploads, webhooks and secrets in Redis, model calls through the queue. Waits for Redis at start
 * (logging), since links cannot be signed before the deployment's secrets are read; later outages answer 503.
 */
export async function startApiNode(settings: Settings, logger: Logger, metrics: ServerMetrics): Promise<ApiNode> {
  const url = settings.queue;
  const prefix = settings.queuePrefix;
  const onError = (message: string, err: unknown): void => logger.warn({ err }, message);
  const retentionMs = settings.retentionHours * 3_600_000;
  const files = new DirFileStore(filesDirOf(settings));
  const engine = new QueuedEngine({ url, prefix, callTimeoutMs: settings.requestTimeoutMs, onError });
  // Other nodes may be writing to the shared volume: only temporary files an hour old are surely abandoned.
  const queue = new BullMqJobQueue({
    url,
    prefix,
    files,
    kinds: ['image', 'video'],
    retentionMs,
    onError,
    onSweep: () => files.sweepPartials(60 * 60_000),
  });
  const uploads = new RedisUploadStore(queue.connection, prefix, files, retentionMs);
  const secrets = await waitForSecrets(queue, prefix, logger);
  const signer = new UrlSigner(secrets.linkSecret);
  // Every node hears every settle: with several API nodes, each counts the deployment's jobs (do not sum them).
  const dispatcher = startWebhooks(
    settings,
    queue,
    {
      outbox: new RedisWebhookOutbox(queue.connection, queue.store),
      getRecord: (id) => queue.store.get(id),
      signer,
      webhookSecret: () => secrets.webhookSecret,
      pollIntervalMs: 1_000,
    },
    metrics,
    logger,
  );
  dispatcher.kick();
  return {
    engine,
    deps: {
      queue,
      uploads,
      files,
      signer,
      publicUrl: settings.publicUrl,
      syncTimeoutMs: settings.syncTimeoutMs,
      maxUploadBytes: settings.maxUploadBytes,
      webhookSecret: () => secrets.webhookSecret,
    },
    async close() {
      dispatcher.close();
      await queue.close();
      await engine.close();
    },
  };
}

async function waitForSecrets(queue: BullMqJobQueue, prefix: string, logger: Logger): Promise<ServerSecrets> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await loadOrCreateRedisSecrets(queue.connection, prefix);
    } catch (err) {
      if (attempt % 10 === 0) logger.warn({ err }, 'waiting for Redis (SAM3_QUEUE) to read the deployment secrets');
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

export interface WorkerNode {
  /** Engine-call worker id (image kind) for logs. */
  id: string;
  /** Stops taking work; running jobs get `graceMs`, then are handed back. */
  close(graceMs: number): Promise<void>;
}

/** A worker: runs the job kinds it is told to, and (with image) answers the synchronous engine calls. */
export function startWorker(settings: Settings, engine: SegmentationEngine, logger: Logger): WorkerNode {
  const url = settings.queue;
  const prefix = settings.queuePrefix;
  const onError = (message: string, err: unknown): void => logger.error({ err }, message);
  const kinds = settings.kinds;
  const processors = {
    ...(kinds.includes('image') ? { image: imageJobProcessor(engine) } : {}),
    ...(kinds.includes('video') ? { video: videoJobProcessor(engine) } : {}),
  };
  const jobs = new BullMqJobWorker({
    url,
    prefix,
    files: new DirFileStore(filesDirOf(settings)),
    processors,
    concurrency: { image: settings.jobConcurrency, video: settings.videoJobConcurrency },
    maxAttempts: settings.jobMaxAttempts,
    retentionMs: settings.retentionHours * 3_600_000,
    lockDurationMs: settings.queueLockMs,
    onError,
    onRun: (e) =>
      logger.info(
        { job: e.id, kind: e.kind, attempt: e.attempt, ...(e.outcome ? { outcome: e.outcome } : {}) },
        e.outcome ? 'job ended' : 'job started',
      ),
  });
  const rpc = kinds.includes('image')
    ? new EngineRpcWorker({
        url,
        prefix,
        engine,
        concurrency: settings.concurrency + settings.maxQueued,
        kinds,
        closeGraceMs: settings.shutdownGraceMs,
        onError,
      })
    : undefined;
  return {
    id: rpc?.id ?? 'jobs-only',
    async close(graceMs: number) {
      await Promise.all([jobs.close(graceMs), rpc?.close()]);
    },
  };
}
