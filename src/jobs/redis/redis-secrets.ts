// The deployment's shared secrets in scale-out mode: every API node must sign and verify file links and webhooks with
// the same keys, so the first node creates them in Redis (SET NX) and the others read them.
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { ServerSecrets } from '../embedded/secret-file.js';
import { newWebhookSecret } from '../webhook-signature.js';
import { viaRedis } from '../../redis/redis-connection.js';

export async function loadOrCreateRedisSecrets(redis: Redis, prefix: string): Promise<ServerSecrets> {
  const key = `${prefix}:secrets`;
  const fresh: ServerSecrets = { linkSecret: randomBytes(32).toString('base64url'), webhookSecret: newWebhookSecret() };
  await viaRedis(() => redis.set(key, JSON.stringify(fresh), 'NX'));
  const stored = JSON.parse((await viaRedis(() => redis.get(key))) ?? 'null') as ServerSecrets | null;
  if (!stored?.linkSecret || !stored.webhookSecret)
    throw new Error(`The Redis key ${key} does not hold the server secrets`);
  return stored;
}
