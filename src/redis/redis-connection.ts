// Redis connections for scale-out mode (shared by the Redis job queue and the queued engine): one place that knows
// ioredis' options per role, and turns a Redis failure into QUEUE_UNAVAILABLE (503) where it enters, keeping the cause.
import { Redis } from 'ioredis';
import { SamError } from '../domain/errors.js';

export type RedisRole = 'commands' | 'blocking' | 'subscriber';

/**
 * `commands` fail fast while Redis is down (a command waits for at most two reconnection attempts, a few seconds at
 * most), so API requests answer 503 instead of hanging; `blocking` (BullMQ workers, queue events) and `subscriber` wait and reconnect forever, as BullMQ requires.
 * Every role reconnects by itself with a capped backoff, so nodes recover when Redis returns.
 */
export function createRedis(url: string, role: RedisRole, onError?: (error: Error) => void): Redis {
  const client = new Redis(url, {
    lazyConnect: false,
    connectionName: `sam3-${role}`,
    retryStrategy: (times: number) => Math.min(100 * times, 2_000),
    ...(role === 'commands' ? { maxRetriesPerRequest: 2, commandTimeout: 10_000 } : { maxRetriesPerRequest: null }),
  });
  // Without a listener ioredis prints every reconnect failure; the owner decides what to log.
  client.on('error', (error: Error) => onError?.(error));
  return client;
}

/** Runs a Redis operation; anything but a SamError becomes QUEUE_UNAVAILABLE naming the cause. */
export async function viaRedis<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (error instanceof SamError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new SamError(
      'QUEUE_UNAVAILABLE',
      `The job queue (Redis) is unavailable: ${reason}; retry shortly`,
      {},
      { cause: error },
    );
  }
}

/**
 * Waits for a graceful close for at most `ms` (a close that needs Redis would wait for it forever while it is down);
 * then the caller disconnects hard.
 */
export async function closeWithin(ms: number, closing: Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([closing.catch(() => undefined), new Promise((r) => (timer = setTimeout(r, ms)))]);
  clearTimeout(timer);
}

/** A subscriber connection on one channel (resubscribed by ioredis after reconnects); disconnect it to stop. */
export function subscribe(
  url: string,
  channel: string,
  onMessage: (message: string) => void,
  onError?: (message: string, error: unknown) => void,
): Redis {
  const subscriber = createRedis(url, 'subscriber', (error) => onError?.('redis connection error', error));
  void subscriber.subscribe(channel).catch((error: unknown) => onError?.(`cannot subscribe to ${channel}`, error));
  subscriber.on('message', (_channel: string, message: string) => onMessage(message));
  return subscriber;
}
