// The worker end of the queued engine: takes engine calls (segment, embed) from BullMQ — the shared queue and this
// worker's own, which receives calls for embeddings it holds — runs them on the local engine, leaves the reply in Redis,
// and advertises itself (model info, kinds) with a heartbeat.
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { SamError } from '../../domain/errors.js';
import {
  bullPrefix,
  embeddingOwnerKey,
  ENGINE_QUEUE,
  eventsChannel,
  replyChannel,
  replyKey,
  workerEngineQueue,
  workerKey,
  workersKey,
  WORKER_TTL_MS,
  type DeploymentEvent,
} from '../../redis/deployment-keys.js';
import { closeWithin, createRedis, subscribe, viaRedis } from '../../redis/redis-connection.js';
import type { SegmentationEngine } from '../engine.js';
import { decodeCall, encodeReply, type EngineReply } from './engine-wire.js';

export interface EngineRpcWorkerOptions {
  url: string;
  prefix: string;
  engine: SegmentationEngine;
  /** Engine calls taken at once (the engine's own queue still bounds inference). */
  concurrency: number;
  /** Job kinds this worker also runs (advertised for operators). */
  kinds: readonly string[];
  /** How long the holder of an image id's embedding is remembered (default 1 h). */
  embeddingRouteTtlMs?: number;
  /** How long close() lets running calls finish (default 30 s). */
  closeGraceMs?: number;
  onError?: (message: string, error: unknown) => void;
}

export interface WorkerAdvert {
  id: string;
  host: string;
  pid: number;
  kinds: readonly string[];
  info: ReturnType<SegmentationEngine['info']>;
  startedAtMs: number;
}

export const newWorkerId = (): string =>
  `${
    hostname()
      .replace(/[^A-Za-z0-9-]/g, '')
      .slice(0, 24) || 'worker'
  }-${process.pid}-${randomUUID().slice(0, 6)}`;

export class EngineRpcWorker {
  readonly id = newWorkerId();
  private readonly redis: Redis;
  private readonly subscriber: Redis;
  private readonly workers: Worker[];
  private readonly running = new Map<string, AbortController>();
  private readonly heartbeat: NodeJS.Timeout;
  private readonly startedAtMs = Date.now();

  constructor(private readonly options: EngineRpcWorkerOptions) {
    const onError = (error: Error): void => options.onError?.('redis connection error', error);
    this.redis = createRedis(options.url, 'commands', onError);
    this.subscriber = subscribe(
      options.url,
      eventsChannel(options.prefix),
      (message) => {
        const event = JSON.parse(message) as DeploymentEvent;
        if (event.type === 'cancel')
          this.running
            .get(event.id)
            ?.abort(new SamError('REQUEST_CANCELLED', 'The caller went away or its deadline passed'));
      },
      options.onError,
    );
    this.workers = [ENGINE_QUEUE, workerEngineQueue(this.id)].map((name) => {
      const worker = new Worker(name, (job) => this.run(job), {
        connection: createRedis(options.url, 'blocking', onError),
        prefix: bullPrefix(options.prefix),
        concurrency: options.concurrency,
        lockDuration: 30_000,
      });
      worker.on('error', (error) => options.onError?.(`BullMQ engine worker error`, error));
      return worker;
    });
    this.heartbeat = setInterval(() => void this.advertise(), WORKER_TTL_MS / 3);
    this.heartbeat.unref();
    void this.advertise();
  }

  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    await closeWithin(this.options.closeGraceMs ?? 30_000, Promise.allSettled(this.workers.map((w) => w.close())));
    await closeWithin(1_000, Promise.allSettled(this.workers.map((w) => w.close(true))));
    await closeWithin(
      2_000,
      viaRedis(() =>
        this.redis
          .multi()
          .del(workerKey(this.options.prefix, this.id))
          .zrem(workersKey(this.options.prefix), this.id)
          .exec(),
      ),
    );
    this.subscriber.disconnect();
    this.redis.disconnect();
  }

  private async advertise(): Promise<void> {
    const advert: WorkerAdvert = {
      id: this.id,
      host: hostname(),
      pid: process.pid,
      kinds: this.options.kinds,
      info: this.options.engine.info(),
      startedAtMs: this.startedAtMs,
    };
    const now = Date.now();
    await viaRedis(() =>
      this.redis
        .multi()
        .set(workerKey(this.options.prefix, this.id), JSON.stringify(advert), 'PX', WORKER_TTL_MS)
        .zadd(workersKey(this.options.prefix), now, this.id)
        .zremrangebyscore(workersKey(this.options.prefix), '-inf', now - WORKER_TTL_MS)
        .exec(),
    ).catch((error: unknown) => this.options.onError?.('worker heartbeat failed', error));
  }

  private async run(job: Job): Promise<void> {
    const { call: text, replyTo, deadlineMs } = job.data as { call: string; replyTo: string; deadlineMs: number };
    const callId = job.id!;
    const controller = new AbortController();
    this.running.set(callId, controller);
    const remainingMs = deadlineMs - Date.now();
    const timer = setTimeout(
      () => controller.abort(new DOMException('deadline', 'TimeoutError')),
      Math.max(0, remainingMs),
    );
    let reply: EngineReply;
    try {
      const call = decodeCall(text);
      if (call.method === 'segment')
        reply = {
          ok: true,
          method: 'segment',
          result: await this.options.engine.segment({ ...call.request, signal: controller.signal }),
          workerId: this.id,
        };
      else
        reply = {
          ok: true,
          method: 'embed',
          result: await this.options.engine.embed({ ...call.request, signal: controller.signal }),
          workerId: this.id,
        };
    } catch (error) {
      if (!(error instanceof SamError)) this.options.onError?.(`engine call ${callId} failed`, error);
      reply = { ok: false, error: error as SamError, workerId: this.id };
    } finally {
      clearTimeout(timer);
      this.running.delete(callId);
    }
    const p = this.options.prefix;
    const m = this.redis.multi().set(replyKey(p, callId), encodeReply(reply), 'PX', 120_000);
    if (reply.ok)
      m.set(embeddingOwnerKey(p, reply.result.imageId), this.id, 'PX', this.options.embeddingRouteTtlMs ?? 3_600_000);
    m.publish(replyChannel(p, replyTo), callId);
    await viaRedis(() => m.exec());
  }
}
