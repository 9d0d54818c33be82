// Webhook signing as WaveSpeed does it (Standard Webhooks headers): `v3,<hex HMAC-SHA256 of "{id}.{timestamp}.{body}">`
// keyed by the secret without its `whsec_` prefix. Verification is here too, for receivers and tests.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const WEBHOOK_SECRET_PREFIX = 'whsec_';

export function newWebhookSecret(): string {
  return WEBHOOK_SECRET_PREFIX + randomBytes(24).toString('base64url');
}

function key(secret: string): string {
  return secret.startsWith(WEBHOOK_SECRET_PREFIX) ? secret.slice(WEBHOOK_SECRET_PREFIX.length) : secret;
}

export function signWebhook(secret: string, id: string, timestampS: number, body: string): string {
  return `v3,${createHmac('sha256', key(secret)).update(`${id}.${timestampS}.${body}`).digest('hex')}`;
}

export function webhookHeaders(secret: string, id: string, timestampS: number, body: string): Record<string, string> {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestampS),
    'webhook-signature': signWebhook(secret, id, timestampS, body),
  };
}

/** True when one of the space-separated signatures matches and the timestamp is within `maxAgeS` of now. */
export function verifyWebhook(
  secret: string,
  headers: Record<string, string | undefined>,
  body: string,
  nowS = Math.floor(Date.now() / 1000),
  maxAgeS = 300,
): boolean {
  const id = headers['webhook-id'];
  const ts = Number(headers['webhook-timestamp']);
  const given = headers['webhook-signature'];
  if (!id || !Number.isFinite(ts) || !given || Math.abs(nowS - ts) > maxAgeS) return false;
  const expected = Buffer.from(signWebhook(secret, id, ts, body));
  return given.split(' ').some((candidate) => {
    const c = Buffer.from(candidate);
    return c.length === expected.length && timingSafeEqual(c, expected);
  });
}
