// Outbound webhook POSTs under the same address policy as image URLs: http(s) only, every resolved address checked at
// connect time, no redirects followed (a redirect is a failed delivery), a time limit, and the response discarded.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { SamError } from '../domain/errors.js';
import { guardedLookup, parseTarget } from './image-source.js';
import { NetworkPolicy } from './network-policy.js';

export interface WebhookPostPolicy {
  readonly allowNetworks: readonly string[];
  readonly timeoutMs: number;
}

const refuse = (url: string, why: string): SamError =>
  new SamError('WEBHOOK_URL_INVALID', `Refusing to deliver a webhook to ${url}: ${why}`, {
    field: 'webhook',
    received: url,
  });

/** POSTs `body` as JSON; resolves with the HTTP status, rejects with a SamError on refusal, network error or timeout. */
export function postWebhook(
  url: string,
  body: string,
  headers: Record<string, string>,
  policy: WebhookPostPolicy,
  signal?: AbortSignal,
): Promise<number> {
  const network = new NetworkPolicy(policy.allowNetworks);
  const target = parseTarget(url, network, refuse);
  const deadline = AbortSignal.timeout(policy.timeoutMs);
  const combined = signal ? AbortSignal.any([signal, deadline]) : deadline;
  return new Promise((resolve, reject) => {
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(
      target,
      {
        method: 'POST',
        lookup: guardedLookup(network, url, refuse),
        signal: combined,
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(body)),
          'user-agent': 'sam3-server',
        },
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
        response.on('error', reject);
      },
    );
    req.on('error', (error) => {
      const cause = (error as { cause?: unknown }).cause;
      if (error instanceof SamError) return reject(error);
      if (cause instanceof SamError) return reject(cause);
      const timedOut = deadline.aborted;
      const text = timedOut
        ? `timed out after ${policy.timeoutMs} ms`
        : ((error as NodeJS.ErrnoException).code ?? error.message);
      reject(
        new SamError(
          'INTERNAL',
          `Delivering a webhook to ${url} failed: ${text}`,
          { field: 'webhook' },
          { cause: error },
        ),
      );
    });
    req.end(body);
  });
}
