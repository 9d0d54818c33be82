// The webhook outbox in Redis: a sorted set of job ids by next attempt time. Any API node may deliver; taking an entry
// leases it (pushes it a minute ahead) atomically, so two nodes never send the same attempt at once.
import type { Redis } from 'ioredis';
import type { WebhookOutbox } from '../webhook-dispatcher.js';
import { viaRedis } from '../../redis/redis-connection.js';
import type { RedisJobStore } from './redis-job-store.js';

const LEASE_MS = 60_000;

// KEYS[1] outbox; ARGV: 1 now, 2 limit, 3 lease until, 4 job key prefix. Returns id, attempts, id, attempts, …
const TAKE_DUE = `local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
local out = {}
for _, id in ipairs(ids) do
  redis.call('ZADD', KEYS[1], ARGV[3], id)
  out[#out + 1] = id
  out[#out + 1] = redis.call('HGET', ARGV[4] .. id, 'webhookAttempts') or '0'
end
return out`;

export class RedisWebhookOutbox implements WebhookOutbox {
  constructor(
    private readonly redis: Redis,
    private readonly store: RedisJobStore,
  ) {}

  async due(nowMs: number, limit: number): Promise<Array<{ id: string; attempts: number }>> {
    const flat = (await viaRedis(() =>
      this.redis.eval(
        TAKE_DUE,
        1,
        this.store.webhooksKey(),
        String(nowMs),
        String(limit),
        String(nowMs + LEASE_MS),
        this.store.jobKey(''),
      ),
    )) as string[];
    const out: Array<{ id: string; attempts: number }> = [];
    for (let i = 0; i < flat.length; i += 2) out.push({ id: flat[i]!, attempts: Number(flat[i + 1]) });
    return out;
  }

  async nextDueMs(): Promise<number | undefined> {
    const first = await viaRedis(() => this.redis.zrange(this.store.webhooksKey(), '0', '0', 'WITHSCORES'));
    return first.length === 2 ? Number(first[1]) : undefined;
  }

  async record(
    id: string,
    attempts: number,
    outcome:
      | { state: 'delivered' }
      | { state: 'pending'; nextAtMs: number; error: string }
      | { state: 'failed'; error: string },
  ): Promise<void> {
    const m = this.redis.multi();
    // HSET only on a record that still exists (an expired job must not come back as a stub).
    if (await viaRedis(() => this.redis.exists(this.store.jobKey(id)))) {
      m.hset(
        this.store.jobKey(id),
        'webhookState',
        outcome.state,
        'webhookAttempts',
        String(attempts),
        'webhookLastError',
        outcome.state === 'delivered' ? '' : outcome.error,
      );
    }
    if (outcome.state === 'pending') m.zadd(this.store.webhooksKey(), outcome.nextAtMs, id);
    else m.zrem(this.store.webhooksKey(), id);
    await viaRedis(() => m.exec());
  }
}
