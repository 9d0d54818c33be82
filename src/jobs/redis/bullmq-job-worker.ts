// The worker side of the Redis job queue: BullMQ workers that run job processors against the shared records. Crashed
// runs come back through BullMQ's stalled-job detection and count as attempts; busy engines put jobs back uncounted;
// SIGTERM finishes running jobs within a grace period, then hands the rest back to the queue.
import { DelayedError, Worker, WaitingError, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { SamError } from '../../domain/errors.js';
import type { JobError, JobKind } from '../../domain/jobs.js';
import type { FileStore } from '../file-store.js';
import { jobFailure, throttledProgress, type JobProcessor } from '../job-processor.js';
import { bullPrefix, eventsChannel, type DeploymentEvent as QueueEvent } from '../../redis/deployment-keys.js';
import { closeWithin, createRedis, subscribe, viaRedis } from '../../redis/redis-connection.js';
import { RedisJobStore } from './redis-job-store.js';

export interface BullMqJobWorkerOptions {
  url: string;
  prefix: string;
  files: FileStore;
  processors: Partial<Record<JobKind, JobProcessor>>;
  /** Jobs of each kind this worker runs at once (default 1). */
  concurrency?: Partial<Record<JobKind, number>>;
  /** Runs one job may start, counting runs cut short by a crash (default 3). */
  maxAttempts?: number;
  retentionMs: number;
  /** A job's lock lives this long without renewal; a worker silent for longer is taken as dead (default 30 s). */
  lockDurationMs?: number;
  busyRetryMs?: number;
  maxBusyWaitMs?: number;
  onError?: (message: string, error: unknown) => void;
  /** A run starts (attempt counts runs, crashed ones included) and ends; for the worker's log. */
  onRun?: (event: {
    id: string;
    kind: JobKind;
    attempt: number;
    outcome?: 'completed' | 'failed' | 'cancelled' | 'requeued';
  }) => void;
}

const INTERRUPTED: JobError = {
  code: 'JOB_INTERRUPTED',
  kind: 'internal',
  message: 'A worker stopped while this job ran, on every allowed attempt',
};

export class BullMqJobWorker {
  private readonly redis: Redis;
  private readonly subscriber: Redis;
  private readonly store: RedisJobStore;
  private readonly workers: Worker[] = [];
  private readonly running = new Map<string, AbortController>();
  private readonly maxAttempts: number;
  private closing = false;

  constructor(private readonly options: BullMqJobWorkerOptions) {
    const onError = (error: Error): void => options.onError?.('redis connection error', error);
    this.redis = createRedis(options.url, 'commands', onError);
    this.subscriber = subscribe(
      options.url,
      eventsChannel(options.prefix),
      (message) => {
        const event = JSON.parse(message) as QueueEvent;
        if (event.type === 'cancel')
          this.running.get(event.id)?.abort(new SamError('JOB_CANCELLED', 'The job was cancelled'));
      },
      options.onError,
    );
    this.store = new RedisJobStore(this.redis, options.prefix);
    this.maxAttempts = options.maxAttempts ?? 3;
    for (const [kind, processor] of Object.entries(options.processors) as Array<[JobKind, JobProcessor]>) {
      const worker = new Worker(kind, (job, token) => this.run(job, token, kind, processor), {
        connection: createRedis(options.url, 'blocking', onError),
        prefix: bullPrefix(options.prefix),
        concurrency: options.concurrency?.[kind] ?? 1,
        lockDuration: options.lockDurationMs ?? 30_000,
        stalledInterval: Math.max(500, Math.floor((options.lockDurationMs ?? 30_000) / 2)),
        // Our own attempt count (claim) fails a job after maxAttempts crashed runs; BullMQ must re-deliver until then.
        maxStalledCount: this.maxAttempts,
      });
      worker.on('error', (error) => options.onError?.(`BullMQ worker ${kind} error`, error));
      // Fallback: BullMQ gave up on a job (stalled too often) without our claim seeing it; end the record.
      worker.on('failed', (job, error) => {
        if (!job || error instanceof SamError) return;
        void this.store
          .end(job.data.id as string, 'failed', INTERRUPTED, Date.now(), options.retentionMs)
          .then((r) => (r === 'ended' ? this.settled(job.data.id as string) : undefined))
          .catch(() => undefined);
      });
      this.workers.push(worker);
    }
  }

  /** Jobs running in this process now. */
  get active(): number {
    return this.running.size;
  }

  /**
   * Stops taking jobs. Running jobs get `graceMs` to finish; the rest are aborted and handed back to the queue
   * uncounted, where another worker (or this one, restarted) runs them.
   */
  async close(graceMs = 30_000): Promise<void> {
    this.closing = true;
    const closed = Promise.allSettled(this.workers.map((w) => w.close()));
    const timer = setTimeout(() => {
      for (const c of this.running.values()) c.abort(new SamError('REQUEST_CANCELLED', 'The worker is shutting down'));
    }, graceMs);
    // Bounded: the grace period, then what aborted jobs need to hand themselves back (longer only if Redis is down).
    await closeWithin(graceMs + 10_000, closed);
    clearTimeout(timer);
    await closeWithin(1_000, Promise.allSettled(this.workers.map((w) => w.close(true))));
    this.subscriber.disconnect();
    this.redis.disconnect();
  }

  private async run(job: Job, token: string | undefined, kind: JobKind, processor: JobProcessor): Promise<void> {
    const id = job.data.id as string;
    const claim = await this.store.claim(id, Date.now(), this.maxAttempts, INTERRUPTED, this.options.retentionMs);
    if (claim.state === 'exhausted') await this.settled(id);
    if (claim.state !== 'claimed') return; // cancelled while waiting, already final, or expired: nothing to run
    const { record } = claim;
    const ran = (outcome?: 'completed' | 'failed' | 'cancelled' | 'requeued'): void =>
      this.options.onRun?.({ id, kind, attempt: record.attempts, ...(outcome ? { outcome } : {}) });
    ran();
    const controller = new AbortController();
    this.running.set(id, controller);
    const context = {
      jobId: id,
      signal: controller.signal,
      files: this.options.files,
      reportProgress: throttledProgress(
        (fraction) => void this.store.setProgress(id, record.attempts, fraction).catch(() => undefined),
      ),
    };
    try {
      const outcome = await processor(record.input, context);
      if (
        await this.store.finish(
          id,
          record.attempts,
          { status: 'completed', result: outcome.result, inferenceMs: outcome.inferenceMs },
          Date.now(),
          this.options.retentionMs,
        )
      )
        await this.settled(id);
      ran('completed');
    } catch (thrown) {
      if (controller.signal.aborted && this.closing) {
        await this.store.requeue(id, record.attempts);
        ran('requeued');
        await job.moveToWait(token);
        throw new WaitingError();
      }
      if (controller.signal.aborted) return ran('cancelled'); // cancel() wrote the final record
      const failure = jobFailure(thrown, Date.now() - record.createdAtMs, this.options.maxBusyWaitMs);
      if (failure.retry && !this.closing) {
        await this.store.requeue(id, record.attempts);
        await job.moveToDelayed(Date.now() + (this.options.busyRetryMs ?? 500), token);
        throw new DelayedError();
      }
      if (failure.internal) this.options.onError?.(`job ${id} failed`, thrown);
      if (
        await this.store.finish(
          id,
          record.attempts,
          { status: 'failed', error: failure.error },
          Date.now(),
          this.options.retentionMs,
        )
      )
        await this.settled(id);
      ran('failed');
    } finally {
      this.running.delete(id);
    }
  }

  private async settled(id: string): Promise<void> {
    const event: QueueEvent = { type: 'settled', id };
    await viaRedis(() => this.redis.publish(eventsChannel(this.options.prefix), JSON.stringify(event)));
  }
}
