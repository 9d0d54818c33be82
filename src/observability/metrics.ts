// Prometheus metrics of one process: HTTP requests by route and status, latency, per-stage inference durations,
// cache hits/misses, queue depth, in-flight requests, finished jobs and webhook deliveries. Passed in by compose.ts, never imported as a global.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** What the engine reports; structurally the engine port's stats (observability imports no other layer). */
export interface InferenceCounters {
  queue: { running: number; queued: number };
  embeddingCache: { hits: number; misses: number; entries: number; bytes: number };
  textCache: { hits: number; misses: number };
  objectDecoderCache: { hits: number; runs: number };
}

export class ServerMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'route' | 'method' | 'status'>;
  private readonly latency: Histogram<'route' | 'method'>;
  private readonly stages: Histogram<'stage'>;
  private readonly inFlight: Gauge;
  private readonly jobs: Counter<'kind' | 'status' | 'code'>;
  private readonly jobSeconds: Histogram<'kind'>;
  private readonly webhooks: Counter<'outcome'>;

  constructor(source: () => InferenceCounters | undefined) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'sam3_' });
    this.requests = new Counter({
      name: 'sam3_http_requests_total',
      help: 'HTTP requests by route pattern, method and status',
      labelNames: ['route', 'method', 'status'],
      registers,
    });
    this.latency = new Histogram({
      name: 'sam3_http_request_duration_seconds',
      help: 'HTTP request latency by route pattern and method',
      labelNames: ['route', 'method'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
    this.stages = new Histogram({
      name: 'sam3_inference_stage_duration_seconds',
      help: 'Duration of each inference stage (fetch, decode, resize, each graph, postprocess, mask encoding)',
      labelNames: ['stage'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.inFlight = new Gauge({
      name: 'sam3_http_requests_in_flight',
      help: 'HTTP requests being served now',
      registers,
    });
    this.jobs = new Counter({
      name: 'sam3_jobs_finished_total',
      help: 'Async jobs that reached a final state, by kind, status and error code',
      labelNames: ['kind', 'status', 'code'],
      registers,
    });
    this.jobSeconds = new Histogram({
      name: 'sam3_job_duration_seconds',
      help: 'Async jobs from submission to a final state (waiting included)',
      labelNames: ['kind'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800],
      registers,
    });
    this.webhooks = new Counter({
      name: 'sam3_webhook_deliveries_total',
      help: 'Webhook delivery attempts: delivered, retrying or failed (given up)',
      labelNames: ['outcome'],
      registers,
    });
    const read = <T>(pick: (s: InferenceCounters) => T, fallback: T): T => {
      const s = source();
      return s ? pick(s) : fallback;
    };
    const mirror = (name: string, help: string, pick: (s: InferenceCounters) => number): void => {
      new Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(read(pick, 0));
        },
      });
    };
    mirror('sam3_inference_running', 'Inference requests running now', (s) => s.queue.running);
    mirror('sam3_inference_queued', 'Inference requests waiting for a slot', (s) => s.queue.queued);
    mirror('sam3_embedding_cache_entries', 'Image embeddings held in the cache', (s) => s.embeddingCache.entries);
    mirror('sam3_embedding_cache_bytes', 'Bytes held by the embedding cache', (s) => s.embeddingCache.bytes);
    const total = (name: string, help: string, pick: (s: InferenceCounters) => number): void => {
      new Counter({
        name,
        help,
        registers,
        collect() {
          this.reset();
          this.inc(read(pick, 0));
        },
      });
    };
    total('sam3_embedding_cache_hits_total', 'Embedding cache hits', (s) => s.embeddingCache.hits);
    total(
      'sam3_embedding_cache_misses_total',
      'Embedding cache misses (vision encoder runs)',
      (s) => s.embeddingCache.misses,
    );
    total('sam3_text_cache_hits_total', 'Text-feature cache hits', (s) => s.textCache.hits);
    total('sam3_text_cache_misses_total', 'Text-feature cache misses (text encoder runs)', (s) => s.textCache.misses);
    total(
      'sam3_object_decoder_cache_hits_total',
      'Object decoder results served from cache',
      (s) => s.objectDecoderCache.hits,
    );
  }

  requestStarted(): void {
    this.inFlight.inc();
  }

  requestFinished(route: string, method: string, status: number, seconds: number): void {
    this.inFlight.dec();
    this.requests.inc({ route, method, status: String(status) });
    this.latency.observe({ route, method }, seconds);
  }

  /** Stage timings of one request, in milliseconds as the engine reports them. */
  observeStages(timingsMs: Record<string, number>): void {
    for (const [stage, ms] of Object.entries(timingsMs)) this.stages.observe({ stage }, ms / 1000);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  jobFinished(kind: string, status: string, code: string, seconds: number): void {
    this.jobs.inc({ kind, status, code });
    this.jobSeconds.observe({ kind }, seconds);
  }

  webhookAttempt(outcome: 'delivered' | 'retrying' | 'failed'): void {
    this.webhooks.inc({ outcome });
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}
