// Webhook delivery as both modes compose it: WaveSpeed-rendered bodies with links under the public URL, the SSRF-guarded
// POST, metrics and logs per attempt, and finished-job metrics; only the outbox differs (SQLite or Redis).
import type { Logger } from 'pino';
import type { Settings } from './config/settings.js';
import type { JobRecord } from './domain/jobs.js';
import type { UrlSigner } from './http/signed-urls.js';
import { webhookBody } from './http/wavespeed/translate.js';
import type { JobQueue } from './jobs/job-queue.js';
import { WebhookDispatcher, type WebhookDispatcherOptions } from './jobs/webhook-dispatcher.js';
import { postWebhook } from './media/webhook-post.js';
import type { ServerMetrics } from './observability/metrics.js';

export interface WebhookWiring {
  outbox: WebhookDispatcherOptions['outbox'];
  getRecord: WebhookDispatcherOptions['getRecord'];
  signer: UrlSigner;
  webhookSecret: () => string;
  /** Shared outboxes are also polled, since other nodes add to them. */
  pollIntervalMs?: number;
}

/** Starts delivery and counts finished jobs: the dispatcher is kicked whenever `queue` reports a settled job. */
export function startWebhooks(
  settings: Settings,
  queue: JobQueue,
  wiring: WebhookWiring,
  metrics: ServerMetrics,
  logger: Logger,
): WebhookDispatcher {
  const fallbackBase = `http://${settings.host.includes(':') ? `[${settings.host}]` : settings.host}:${settings.port}`;
  const dispatcher = new WebhookDispatcher({
    outbox: wiring.outbox,
    getRecord: wiring.getRecord,
    renderers: new Map([
      [
        'wavespeed',
        (record: JobRecord) =>
          webhookBody(record, { base: settings.publicUrl || record.baseUrl || fallbackBase, signer: wiring.signer }),
      ],
    ]),
    secret: wiring.webhookSecret,
    send: (url, body, headers, signal) =>
      postWebhook(
        url,
        body,
        headers,
        { allowNetworks: settings.urlAllowNetworks, timeoutMs: settings.webhookTimeoutMs },
        signal,
      ),
    ...(wiring.pollIntervalMs ? { pollIntervalMs: wiring.pollIntervalMs } : {}),
    onOutboxError: (err) => logger.warn({ err }, 'webhook outbox unavailable'),
    onDelivery: (e) => {
      metrics.webhookAttempt(!e.error ? 'delivered' : e.final ? 'failed' : 'retrying');
      if (e.error) logger.warn(e, 'webhook delivery failed');
      else logger.info(e, 'webhook delivered');
    },
  });
  queue.onSettled((record) => {
    metrics.jobFinished(
      record.kind,
      record.status,
      record.error?.code ?? '',
      ((record.finishedAtMs ?? Date.now()) - record.createdAtMs) / 1000,
    );
    dispatcher.kick();
  });
  return dispatcher;
}
