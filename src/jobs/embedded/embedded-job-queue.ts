// The embedded JobQueue: SQLite records plus an in-process scheduler with a concurrency limit per job kind. Recovers
// after a crash (re-runs interrupted jobs within an attempt limit), waits out a busy engine, expires old records.
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import { SamError } from '../../domain/errors.js';
import {
  FINAL_JOB_STATUSES,
  JOB_KINDS,
  jobNotFound,
  type JobError,
  type JobKind,
  type JobRecord,
} from '../../domain/jobs.js';
import type { FileStore } from '../file-store.js';
import { jobFailure, throttledProgress, type JobProcessor } from '../job-processor.js';
import {
  storeInlineMedia,
  unhandledKind,
  type JobListQuery,
  type JobPage,
  type JobQueue,
  type JobSubmission,
} from '../job-queue.js';
import type { SqliteJobStore } from './sqlite-job-store.js';

export interface EmbeddedJobQueueOptions {
  store: SqliteJobStore;
  files: FileStore;
  processors: Partial<Record<JobKind, JobProcessor>>;
  /** Jobs of each kind run at once (default 1). */
  concurrency?: Partial<Record<JobKind, number>>;
  /** Runs one job may start, counting runs interrupted by a crash (default 3). */
  maxAttempts?: number;
  /** Records and files live this long after they finish. */
  retentionMs: number;
  /** How long a job waits before retrying when the engine is busy or still loading (default 500 ms). */
  busyRetryMs?: number;
  /** A job still refused as busy this long after it was submitted fails with that error (default 15 min). */
  maxBusyWaitMs?: number;
  cleanupIntervalMs?: number;
  /** Extra cleanup run with each sweep (expired uploads). */
  onSweep?: () => Promise<unknown>;
  onError?: (message: string, error: unknown) => void;
  now?: () => number;
}

const INTERRUPTED: JobError = {
  code: 'JOB_INTERRUPTED',
  kind: 'internal',
  message: 'The server stopped while this job ran, on every allowed attempt',
};
const CANCELLED: JobError = { code: 'JOB_CANCELLED', kind: 'cancelled', message: 'The job was cancelled' };

export class EmbeddedJobQueue implements JobQueue {
  private readonly events = new EventEmitter().setMaxListeners(0);
  private readonly running = new Map<string, AbortController>();
  private readonly active = new Map<JobKind, number>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly tasks = new Set<Promise<void>>();
  private closing = false;
  private readonly now: () => number;
  private readonly maxAttempts: number;

  constructor(private readonly options: EmbeddedJobQueueOptions) {
    this.now = options.now ?? Date.now;
    this.maxAttempts = options.maxAttempts ?? 3;
  }

  /** Recovers interrupted jobs, then starts scheduling and the retention sweep. */
  start(): { requeued: number; failed: number } {
    const { requeued, failed } = this.options.store.recover(
      this.maxAttempts,
      INTERRUPTED,
      this.now(),
      this.options.retentionMs,
    );
    for (const id of failed) this.emitSettled(id);
    const sweep = setInterval(() => void this.sweep(), this.options.cleanupIntervalMs ?? 60_000);
    sweep.unref();
    this.timers.add(sweep);
    this.kick();
    return { requeued, failed: failed.length };
  }

  async submit(submission: JobSubmission): Promise<JobRecord> {
    if (this.closing) throw new SamError('MODEL_NOT_READY', 'The server is shutting down; submit again shortly');
    if (!this.options.processors[submission.kind]) throw unhandledKind(submission);
    const id = randomUUID().replaceAll('-', '');
    const input = await storeInlineMedia(id, submission, this.options.files);
    const t = this.now();
    const record = this.options.store.insert({
      id,
      kind: submission.kind,
      model: submission.model,
      input,
      createdAtMs: t,
      expiresAtMs: t + this.options.retentionMs,
      baseUrl: submission.baseUrl ?? null,
      webhook: submission.webhook ?? null,
    });
    this.kick();
    return record;
  }

  async get(id: string): Promise<JobRecord | undefined> {
    const record = this.options.store.get(id);
    return record && record.expiresAtMs > this.now() ? record : undefined;
  }

  async list(query: JobListQuery): Promise<JobPage> {
    return this.options.store.list(query.limit, query.offset, query.kind);
  }

  async cancel(id: string): Promise<JobRecord> {
    const record = await this.get(id);
    if (!record) throw jobNotFound(id);
    if (!this.options.store.cancel(id, CANCELLED, this.now(), this.options.retentionMs)) {
      throw new SamError(
        'JOB_ALREADY_FINISHED',
        `Job ${id} is already ${this.options.store.get(id)?.status ?? record.status}; only created or processing jobs can be cancelled`,
        { field: 'id', received: id },
      );
    }
    this.running.get(id)?.abort(new SamError('JOB_CANCELLED', 'The job was cancelled'));
    this.emitSettled(id);
    return this.options.store.get(id)!;
  }

  async waitForSettled(id: string, timeoutMs: number, signal?: AbortSignal): Promise<JobRecord> {
    // Listen before reading, so a job that settles in between is not missed.
    return new Promise((resolve, reject) => {
      const done = (): void => {
        clearTimeout(timer);
        this.events.off('settled', onSettled);
        signal?.removeEventListener('abort', done);
        const record = this.options.store.get(id);
        if (record) resolve(record);
        else reject(jobNotFound(id));
      };
      const onSettled = (record: JobRecord): void => {
        if (record.id === id) done();
      };
      this.events.on('settled', onSettled);
      const timer = setTimeout(done, timeoutMs);
      signal?.addEventListener('abort', done, { once: true });
      const current = this.options.store.get(id);
      if (!current || current.expiresAtMs <= this.now() || FINAL_JOB_STATUSES.has(current.status)) done();
    });
  }

  onSettled(listener: (record: JobRecord) => void): () => void {
    this.events.on('settled', listener);
    return () => this.events.off('settled', listener);
  }

  /** Stops taking work; running jobs are aborted and put back in line uncounted, so the next start runs them. */
  async close(): Promise<void> {
    this.closing = true;
    for (const t of this.timers) clearTimeout(t);
    for (const c of this.running.values()) c.abort(new SamError('REQUEST_CANCELLED', 'The server is shutting down'));
    await Promise.allSettled([...this.tasks]);
  }

  private emitSettled(id: string): void {
    const record = this.options.store.get(id);
    if (record) this.events.emit('settled', record);
  }

  /** Starts every job that is due and fits its kind's concurrency; arms a timer for jobs waiting on a delay. */
  private kick(): void {
    if (this.closing) return;
    for (const kind of JOB_KINDS) {
      const processor = this.options.processors[kind];
      if (!processor) continue;
      const limit = this.options.concurrency?.[kind] ?? 1;
      while ((this.active.get(kind) ?? 0) < limit) {
        const job = this.options.store.claim(kind, this.now());
        if (!job) break;
        this.active.set(kind, (this.active.get(kind) ?? 0) + 1);
        const task = this.run(job, processor).finally(() => {
          this.tasks.delete(task);
          this.active.set(kind, (this.active.get(kind) ?? 1) - 1);
          this.kick();
        });
        this.tasks.add(task);
      }
      const next = this.options.store.nextDueMs(kind);
      if (next !== undefined && next > this.now()) this.after(next - this.now());
    }
  }

  private after(delayMs: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.kick();
    }, delayMs + 5);
    timer.unref();
    this.timers.add(timer);
  }

  private async run(job: JobRecord, processor: JobProcessor): Promise<void> {
    const { store } = this.options;
    const controller = new AbortController();
    this.running.set(job.id, controller);
    const context = {
      jobId: job.id,
      signal: controller.signal,
      files: this.options.files,
      reportProgress: throttledProgress((fraction) => store.setProgress(job.id, job.attempts, fraction), this.now),
    };
    try {
      const outcome = await processor(job.input, context);
      if (
        store.finish(
          job.id,
          job.attempts,
          { status: 'completed', result: outcome.result, inferenceMs: outcome.inferenceMs },
          this.now(),
          this.options.retentionMs,
        )
      )
        this.emitSettled(job.id);
    } catch (thrown) {
      if (controller.signal.aborted && this.closing) {
        store.requeue(job.id, job.attempts, this.now());
      } else if (controller.signal.aborted) {
        // Cancelled: cancel() already wrote the final record.
      } else {
        const failure = jobFailure(thrown, this.now() - job.createdAtMs, this.options.maxBusyWaitMs);
        if (failure.retry) {
          store.requeue(job.id, job.attempts, this.now() + (this.options.busyRetryMs ?? 500));
        } else {
          if (failure.internal) this.options.onError?.(`job ${job.id} failed`, thrown);
          if (
            store.finish(
              job.id,
              job.attempts,
              { status: 'failed', error: failure.error },
              this.now(),
              this.options.retentionMs,
            )
          )
            this.emitSettled(job.id);
        }
      }
    } finally {
      this.running.delete(job.id);
    }
  }

  /** Deletes expired records and their files (also runs on a timer). */
  async sweep(): Promise<void> {
    try {
      const ids = this.options.store.expired(this.now(), 500);
      for (const id of ids) await this.options.files.remove(`jobs/${id}`);
      this.options.store.deleteJobs(ids);
      await this.options.onSweep?.();
    } catch (error) {
      this.options.onError?.('retention sweep failed', error);
    }
  }
}
