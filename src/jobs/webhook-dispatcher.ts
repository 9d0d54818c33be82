// Delivers each final job's webhook from a durable outbox: signed, retried with backoff, never lost across restarts
// (the outbox is the job store), at most a few deliveries in flight. Bodies are rendered by the submitting surface.
import { SamError } from '../domain/errors.js';
import type { JobRecord } from '../domain/jobs.js';
import { webhookHeaders } from './webhook-signature.js';

type MaybeAsync<T> = T | Promise<T>;

/** Which final jobs still owe a delivery. Shared outboxes (Redis) hand each due entry to one node at a time. */
export interface WebhookOutbox {
  due(nowMs: number, limit: number): MaybeAsync<Array<{ id: string; attempts: number }>>;
  nextDueMs(): MaybeAsync<number | undefined>;
  record(
    id: string,
    attempts: number,
    outcome:
      | { state: 'delivered' }
      | { state: 'pending'; nextAtMs: number; error: string }
      | { state: 'failed'; error: string },
  ): MaybeAsync<void>;
}

/** Sends one POST; resolves with the HTTP status. A SamError that is not retryable ends the delivery at once. */
export type WebhookSender = (
  url: string,
  body: string,
  headers: Record<string, string>,
  signal: AbortSignal,
) => Promise<number>;

export interface WebhookDispatcherOptions {
  outbox: WebhookOutbox;
  getRecord(id: string): MaybeAsync<JobRecord | undefined>;
  /** Surface name → the JSON body for a record. */
  renderers: ReadonlyMap<string, (record: JobRecord) => unknown>;
  secret: () => string;
  send: WebhookSender;
  /** Delay before each retry; its length is the number of retries (default 5 s, 30 s, 2 min, 10 min, 30 min). */
  retryDelaysMs?: readonly number[];
  now?: () => number;
  /** Look at the outbox at least this often even when nothing is due (another node may add to a shared outbox). */
  pollIntervalMs?: number;
  /** A failure of the outbox itself (e.g. Redis unreachable); the dispatcher keeps trying. */
  onOutboxError?: (error: unknown) => void;
  onDelivery?: (event: {
    id: string;
    url: string;
    attempt: number;
    status?: number;
    error?: string;
    final: boolean;
  }) => void;
}

export const DEFAULT_WEBHOOK_RETRY_DELAYS_MS = [5_000, 30_000, 120_000, 600_000, 1_800_000];

export class WebhookDispatcher {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private again = false;
  private closed = false;
  private readonly abort = new AbortController();
  private readonly delays: readonly number[];
  private readonly now: () => number;

  constructor(private readonly options: WebhookDispatcherOptions) {
    this.delays = options.retryDelaysMs ?? DEFAULT_WEBHOOK_RETRY_DELAYS_MS;
    this.now = options.now ?? Date.now;
  }

  /** Looks for due deliveries now (call after a job settles); safe to call any time. */
  kick(): void {
    if (this.closed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    void this.drain()
      .catch((error: unknown) => this.options.onOutboxError?.(error))
      .finally(() => {
        this.running = false;
        if (this.again && !this.closed) {
          this.again = false;
          this.kick();
        } else void this.schedule().catch((error: unknown) => this.options.onOutboxError?.(error));
      });
  }

  private async schedule(): Promise<void> {
    if (this.closed) return;
    clearTimeout(this.timer);
    const poll = this.options.pollIntervalMs;
    const next = await Promise.resolve(this.options.outbox.nextDueMs()).catch((error: unknown) =>
      poll ? undefined : Promise.reject(error),
    );
    if (this.closed || (next === undefined && poll === undefined)) return;
    const delayMs = Math.min(next === undefined ? Infinity : Math.max(0, next - this.now()) + 5, poll ?? Infinity);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.kick(), delayMs);
    this.timer.unref();
  }

  private async drain(): Promise<void> {
    for (;;) {
      const due = await this.options.outbox.due(this.now(), 8);
      if (due.length === 0 || this.closed) return;
      await Promise.all(due.map((d) => this.deliver(d.id, d.attempts)));
    }
  }

  private async deliver(id: string, previousAttempts: number): Promise<void> {
    const record = await this.options.getRecord(id);
    const attempt = previousAttempts + 1;
    const { outbox } = this.options;
    if (!record?.webhook) return outbox.record(id, attempt, { state: 'failed', error: 'the job no longer exists' });
    const render = this.options.renderers.get(record.webhook.surface);
    if (!render)
      return outbox.record(id, attempt, {
        state: 'failed',
        error: `no renderer for surface ${record.webhook.surface}`,
      });
    const body = JSON.stringify(render(record));
    const headers = webhookHeaders(this.options.secret(), record.id, Math.floor(this.now() / 1000), body);
    let status: number | undefined;
    let error: string | undefined;
    let retryable = true;
    try {
      status = await this.options.send(record.webhook.url, body, headers, this.abort.signal);
      if (status < 200 || status >= 300) error = `HTTP ${status}`;
    } catch (thrown) {
      error = thrown instanceof Error ? thrown.message : String(thrown);
      retryable = !(thrown instanceof SamError && thrown.code === 'WEBHOOK_URL_INVALID');
    }
    if (this.closed && error) return; // shutting down: leave it pending, the next start delivers it
    const final = !error || !retryable || attempt > this.delays.length;
    this.options.onDelivery?.({
      id,
      url: record.webhook.url,
      attempt,
      ...(status === undefined ? {} : { status }),
      ...(error ? { error } : {}),
      final,
    });
    if (!error) await outbox.record(id, attempt, { state: 'delivered' });
    else if (final) await outbox.record(id, attempt, { state: 'failed', error });
    else
      await outbox.record(id, attempt, { state: 'pending', nextAtMs: this.now() + this.delays[attempt - 1]!, error });
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.abort.abort();
  }
}
