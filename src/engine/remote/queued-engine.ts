// The engine port of an API node in scale-out mode: segment and embed calls go through BullMQ to `sam3 worker`
// processes and their replies come back through Redis, so synchronous routes behave as in embedded mode. Calls naming
// an image id go to the worker that holds its embedding while it is alive.
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
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
import { abortError } from '../inference-queue.js';
import type {
  EmbedRequest,
  EmbedResult,
  EngineInfo,
  EngineStats,
  SegmentRequest,
  SegmentResult,
  SegmentationEngine,
} from '../engine.js';
import type { LocalVideo, OverlayRequest, VideoSegmentRequest, VideoSink, VideoSummary } from '../video-engine.js';
import type { WorkerAdvert } from './engine-rpc-worker.js';
import { decodeReply, encodeCall, type EngineCall } from './engine-wire.js';

export interface QueuedEngineOptions {
  url: string;
  prefix: string;
  /** Longest a call may wait and run on a worker (the request deadline). */
  callTimeoutMs: number;
  onError?: (message: string, error: unknown) => void;
}

const NO_INFO: EngineInfo = {
  model: {
    name: 'none',
    label: 'no worker connected yet',
    dtype: '',
    device: '',
    concepts: false,
    objects: false,
    graphs: [],
  },
};

export class QueuedEngine implements SegmentationEngine {
  private readonly nodeId = randomUUID().replaceAll('-', '');
  private readonly redis: Redis;
  private readonly subscriber: Redis;
  private readonly queues = new Map<string, Queue>();
  private readonly waiting = new Map<string, () => void>();
  private readonly poll: NodeJS.Timeout;
  private live: WorkerAdvert[] = [];
  private redisUp = false;
  private inflight = 0;

  constructor(private readonly options: QueuedEngineOptions) {
    const onError = (error: Error): void => options.onError?.('redis connection error', error);
    this.redis = createRedis(options.url, 'commands', onError);
    this.subscriber = subscribe(
      options.url,
      replyChannel(options.prefix, this.nodeId),
      (callId) => this.waiting.get(callId)?.(),
      options.onError,
    );
    this.poll = setInterval(() => void this.refreshWorkers(), 2_000);
    this.poll.unref();
    void this.refreshWorkers();
  }

  /** Ready when Redis answers and at least one worker is alive; the detail says which is missing. */
  readiness(): { ready: boolean; detail: string } {
    if (!this.redisUp) return { ready: false, detail: 'the job queue (Redis) is unreachable' };
    if (!this.live.length) return { ready: false, detail: 'no worker is connected (start `sam3 worker --queue …`)' };
    return {
      ready: true,
      detail: `${this.live.length} worker(s): ${this.live.map((w) => `${w.id} (${w.info.model.name}, ${w.info.model.device})`).join(', ')}`,
    };
  }

  /** Live workers as last seen (refreshed every 2 s). */
  workers(): readonly WorkerAdvert[] {
    return this.live;
  }

  /** Results arrive decoded from the queue, masks allocated afresh: nothing to give back. */
  release(): void {}

  segment(request: SegmentRequest): Promise<SegmentResult> {
    return this.call({ method: 'segment', request }, request.signal, request.imageId).then((r) => r as SegmentResult);
  }

  embed(request: EmbedRequest): Promise<EmbedResult> {
    return this.call({ method: 'embed', request }, request.signal, request.imageId).then((r) => r as EmbedResult);
  }

  info(): EngineInfo {
    return this.live[0]?.info ?? NO_INFO;
  }

  stats(): EngineStats {
    return {
      queue: { running: this.inflight, queued: 0, concurrency: this.live.length, maxQueued: 0 },
      embeddingCache: { hits: 0, misses: 0, entries: 0, bytes: 0 },
      textCache: { hits: 0, misses: 0 },
      objectDecoderCache: { hits: 0, runs: 0 },
    };
  }

  openVideo(): Promise<LocalVideo> {
    return Promise.reject(videoOnWorkers());
  }

  segmentVideo(_request: VideoSegmentRequest, _sink: VideoSink): Promise<VideoSummary> {
    return Promise.reject(videoOnWorkers());
  }

  renderVideoOverlay(_request: OverlayRequest): Promise<void> {
    return Promise.reject(videoOnWorkers());
  }

  async close(): Promise<void> {
    clearInterval(this.poll);
    await closeWithin(5_000, Promise.allSettled([...this.queues.values()].map((q) => q.close())));
    this.subscriber.disconnect();
    this.redis.disconnect();
  }

  private queue(name: string): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: this.redis, prefix: bullPrefix(this.options.prefix) });
      queue.on('error', (error) => this.options.onError?.(`BullMQ queue ${name} error`, error));
      this.queues.set(name, queue);
    }
    return queue;
  }

  private async refreshWorkers(): Promise<void> {
    try {
      const p = this.options.prefix;
      const ids = await viaRedis(() => this.redis.zrangebyscore(workersKey(p), Date.now() - WORKER_TTL_MS, '+inf'));
      const adverts = ids.length ? await viaRedis(() => this.redis.mget(ids.map((id) => workerKey(p, id)))) : [];
      this.live = adverts.filter((a): a is string => a !== null).map((a) => JSON.parse(a) as WorkerAdvert);
      this.redisUp = true;
    } catch {
      this.redisUp = false;
    }
  }

  /** The queue of the live worker holding `imageId`'s embedding, else the shared one. */
  private async route(imageId: string | undefined): Promise<string> {
    if (!imageId) return ENGINE_QUEUE;
    const owner = await viaRedis(() => this.redis.get(embeddingOwnerKey(this.options.prefix, imageId)));
    return owner && this.live.some((w) => w.id === owner) ? workerEngineQueue(owner) : ENGINE_QUEUE;
  }

  private async call(call: EngineCall, signal: AbortSignal | undefined, imageId: string | undefined): Promise<unknown> {
    if (signal?.aborted) throw abortError(signal, 'waiting for a worker');
    if (!this.live.length) await this.refreshWorkers();
    if (!this.redisUp) throw new SamError('QUEUE_UNAVAILABLE', 'The job queue (Redis) is unreachable; retry shortly');
    if (!this.live.length)
      throw new SamError(
        'QUEUE_UNAVAILABLE',
        'No worker is connected to the queue; start `sam3 worker --queue …` and retry',
      );
    const p = this.options.prefix;
    const callId = randomUUID().replaceAll('-', '');
    const queue = this.queue(await this.route(imageId));
    this.inflight++;
    const deadline = AbortSignal.timeout(this.options.callTimeoutMs);
    const stop = signal ? AbortSignal.any([signal, deadline]) : deadline;
    const aborted = new Promise<never>((_, reject) => {
      if (stop.aborted) reject(abortError(stop, 'waiting for a worker'));
      else stop.addEventListener('abort', () => reject(abortError(stop, 'waiting for a worker')), { once: true });
    });
    aborted.catch(() => undefined);
    try {
      await Promise.race([aborted, Promise.resolve()]);
      await viaRedis(() =>
        queue.add(
          'call',
          { call: encodeCall(call), replyTo: this.nodeId, deadlineMs: Date.now() + this.options.callTimeoutMs },
          { jobId: callId, removeOnComplete: true, removeOnFail: true },
        ),
      );
      for (;;) {
        // Listen before looking, so a reply landing in between still wakes us; a missed one costs at most a second.
        const woke = new Promise<void>((resolve) => this.waiting.set(callId, resolve));
        const text = await viaRedis(() => this.redis.getdel(replyKey(p, callId)));
        if (text) {
          const reply = decodeReply(text);
          if (!reply.ok) throw reply.error;
          return reply.result;
        }
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          woke,
          aborted,
          new Promise<void>((resolve) => (timer = setTimeout(resolve, 1_000))),
        ]).finally(() => clearTimeout(timer));
      }
    } catch (error) {
      if (stop.aborted) {
        // Not needed any more: drop it if it still waits, or tell the worker running it to stop.
        await queue.remove(callId).catch(() => 0);
        const cancel: DeploymentEvent = { type: 'cancel', id: callId };
        await this.redis.publish(eventsChannel(p), JSON.stringify(cancel)).catch(() => 0);
      }
      throw error;
    } finally {
      this.waiting.delete(callId);
      this.inflight--;
    }
  }
}

const videoOnWorkers = (): SamError =>
  new SamError(
    'VIDEO_UNAVAILABLE',
    'In scale-out mode videos run as jobs on workers (POST /v1/videos); this API node runs no model',
  );
