// The JobQueue port on Redis for scale-out: records in Redis (RedisJobStore), delivery through BullMQ queues that
// `sam3 worker` processes consume (BullMqJobWorker), and settle/cancel events over Redis pub/sub to every node.
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { SamError } from '../../domain/errors.js';
import { FINAL_JOB_STATUSES, jobNotFound, type JobError, type JobKind, type JobRecord } from '../../domain/jobs.js';
import type { FileStore } from '../file-store.js';
import {
  storeInlineMedia,
  unhandledKind,
  type JobListQuery,
  type JobPage,
  type JobQueue,
  type JobSubmission,
} from '../job-queue.js';
import { bullPrefix, eventsChannel, type DeploymentEvent as QueueEvent } from '../../redis/deployment-keys.js';
import { closeWithin, createRedis, subscribe, viaRedis } from '../../redis/redis-connection.js';
import { RedisJobStore } from './redis-job-store.js';

export interface BullMqJobQueueOptions {
  url: string;
  /** Prefix of every key this deployment uses in Redis (records and BullMQ's). */
  prefix: string;
  files: FileStore;
  /** Kinds this deployment accepts; a submit of another kind is refused, naming it. */
  kinds: readonly JobKind[];
  retentionMs: number;
  cleanupIntervalMs?: number;
  /** Extra cleanup run with each sweep (expired uploads). */
  onSweep?: () => Promise<unknown>;
  onError?: (message: string, error: unknown) => void;
}

export const CANCELLED_ERROR: JobError = { code: 'JOB_CANCELLED', kind: 'cancelled', message: 'The job was cancelled' };

export class BullMqJobQueue implements JobQueue {
  readonly store: RedisJobStore;
  private readonly redis: Redis;
  private readonly subscriber: Redis;
  private readonly queues = new Map<JobKind, Queue>();
  private readonly events = new EventEmitter().setMaxListeners(0);
  private readonly sweepTimer: NodeJS.Timeout;
  private closing = false;

  constructor(private readonly options: BullMqJobQueueOptions) {
    const onError = (error: Error): void => options.onError?.('redis connection error', error);
    this.redis = createRedis(options.url, 'commands', onError);
    this.subscriber = subscribe(
      options.url,
      eventsChannel(options.prefix),
      (message) => void this.onMessage(message),
      options.onError,
    );
    this.store = new RedisJobStore(this.redis, options.prefix);
    for (const kind of options.kinds) {
      const queue = new Queue(kind, { connection: this.redis, prefix: bullPrefix(options.prefix) });
      queue.on('error', (error) => options.onError?.(`BullMQ queue ${kind} error`, error));
      this.queues.set(kind, queue);
    }
    this.sweepTimer = setInterval(() => void this.sweep(), options.cleanupIntervalMs ?? 60_000);
    this.sweepTimer.unref();
  }

  /** The command connection, shared with the other Redis-backed stores of this node. */
  get connection(): Redis {
    return this.redis;
  }

  async submit(submission: JobSubmission): Promise<JobRecord> {
    if (this.closing) throw new SamError('MODEL_NOT_READY', 'The server is shutting down; submit again shortly');
    const queue = this.queues.get(submission.kind);
    if (!queue) throw unhandledKind(submission);
    const id = randomUUID().replaceAll('-', '');
    const input = await storeInlineMedia(id, submission, this.options.files);
    const t = Date.now();
    const record = await this.store.insert({
      id,
      kind: submission.kind,
      model: submission.model,
      input,
      createdAtMs: t,
      expiresAtMs: t + this.options.retentionMs,
      baseUrl: submission.baseUrl ?? null,
      webhook: submission.webhook ?? null,
    });
    try {
      // jobId = record id: BullMQ refuses a second job with the same id, so a retried add never runs a job twice.
      await viaRedis(() =>
        queue.add(
          submission.kind,
          { id },
          { jobId: id, removeOnComplete: true, removeOnFail: { age: this.options.retentionMs / 1000 } },
        ),
      );
    } catch (error) {
      await this.store
        .end(
          id,
          'failed',
          { code: 'QUEUE_UNAVAILABLE', kind: 'busy', message: 'The job could not be queued' },
          Date.now(),
          this.options.retentionMs,
        )
        .catch(() => undefined);
      throw error;
    }
    return record;
  }

  async get(id: string): Promise<JobRecord | undefined> {
    const record = await this.store.get(id);
    return record && record.expiresAtMs > Date.now() ? record : undefined;
  }

  async list(query: JobListQuery): Promise<JobPage> {
    return this.store.list(query.limit, query.offset, query.kind);
  }

  async cancel(id: string): Promise<JobRecord> {
    const outcome = await this.store.end(id, 'cancelled', CANCELLED_ERROR, Date.now(), this.options.retentionMs);
    if (outcome === 'missing') throw jobNotFound(id);
    if (outcome !== 'ended')
      throw new SamError(
        'JOB_ALREADY_FINISHED',
        `Job ${id} is already ${outcome}; only created or processing jobs can be cancelled`,
        { field: 'id', received: id },
      );
    // A waiting job leaves BullMQ now; a running one is aborted by its worker, which hears the cancel event.
    const record = (await this.store.get(id))!;
    await this.queues
      .get(record.kind)
      ?.remove(id)
      .catch(() => 0);
    await this.publish({ type: 'cancel', id });
    await this.publish({ type: 'settled', id });
    return record;
  }

  async waitForSettled(id: string, timeoutMs: number, signal?: AbortSignal): Promise<JobRecord> {
    return new Promise((resolve, reject) => {
      let finished = false;
      const done = (): void => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        clearInterval(poll);
        this.events.off('settled', onSettled);
        signal?.removeEventListener('abort', done);
        this.get(id).then((record) => (record ? resolve(record) : reject(jobNotFound(id))), reject);
      };
      const check = (): void => {
        this.get(id).then(
          (r) => (!r || FINAL_JOB_STATUSES.has(r.status) ? done() : undefined),
          () => undefined,
        );
      };
      const onSettled = (record: JobRecord): void => {
        if (record.id === id) done();
      };
      this.events.on('settled', onSettled);
      const timer = setTimeout(done, timeoutMs);
      // Pub/sub can miss a message while reconnecting; a slow poll bounds how late a waiter learns.
      const poll = setInterval(check, 1_000);
      signal?.addEventListener('abort', done, { once: true });
      check();
    });
  }

  /** Every job that settles anywhere in the deployment (heard over pub/sub), once per node. */
  onSettled(listener: (record: JobRecord) => void): () => void {
    this.events.on('settled', listener);
    return () => this.events.off('settled', listener);
  }

  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.sweepTimer);
    await closeWithin(5_000, Promise.allSettled([...this.queues.values()].map((q) => q.close())));
    this.subscriber.disconnect();
    this.redis.disconnect();
  }

  /** Deletes the files of records Redis has expired (also runs on a timer, on every node; idempotent). */
  async sweep(): Promise<void> {
    try {
      const ids = await this.store.expiredIds(500);
      for (const id of ids) await this.options.files.remove(`jobs/${id}`);
      await this.store.forget(ids);
      await this.options.onSweep?.();
    } catch (error) {
      this.options.onError?.('retention sweep failed', error);
    }
  }

  private async publish(event: QueueEvent): Promise<void> {
    await viaRedis(() => this.redis.publish(eventsChannel(this.options.prefix), JSON.stringify(event)));
  }

  private async onMessage(message: string): Promise<void> {
    const event = JSON.parse(message) as QueueEvent;
    if (event.type !== 'settled') return;
    const record = await this.store.get(event.id).catch(() => undefined);
    if (record) this.events.emit('settled', record);
  }
}
