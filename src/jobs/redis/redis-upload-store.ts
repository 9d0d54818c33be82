// UploadStore for scale-out mode: tickets as Redis hashes that expire by themselves, bytes in the shared file store
// (uploads/<id>); a sorted set by expiry lets any node delete the bytes of expired tickets.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { FileStore } from '../file-store.js';
import { checkUploadWrite, type Upload, type UploadStore } from '../upload-store.js';
import { viaRedis } from '../../redis/redis-connection.js';

export class RedisUploadStore implements UploadStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly files: FileStore,
    private readonly retentionMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  private key = (id: string): string => `${this.prefix}:upload:${id}`;
  private expiryKey = (): string => `${this.prefix}:uploads`;

  async create(meta: { filename: string; contentType: string; declaredBytes: number }): Promise<Upload> {
    const id = randomUUID().replaceAll('-', '');
    const t = this.now();
    const upload: Upload = {
      id,
      filename: meta.filename,
      contentType: meta.contentType,
      declaredBytes: meta.declaredBytes,
      complete: false,
      createdAtMs: t,
      expiresAtMs: t + this.retentionMs,
      key: `uploads/${id}`,
    };
    await viaRedis(() =>
      this.redis
        .multi()
        .hset(this.key(id), 'json', JSON.stringify(upload))
        .pexpireat(this.key(id), upload.expiresAtMs)
        .zadd(this.expiryKey(), upload.expiresAtMs, id)
        .exec(),
    );
    return upload;
  }

  async write(id: string, bytes: Uint8Array): Promise<Upload> {
    const upload = checkUploadWrite(id, await this.get(id), bytes);
    await this.files.put(upload.key, bytes);
    const done = { ...upload, complete: true };
    await viaRedis(() => this.redis.hset(this.key(id), 'json', JSON.stringify(done)));
    return done;
  }

  async get(id: string): Promise<Upload | undefined> {
    const text = await viaRedis(() => this.redis.hget(this.key(id), 'json'));
    const upload = text ? (JSON.parse(text) as Upload) : undefined;
    return upload && upload.expiresAtMs > this.now() ? upload : undefined;
  }

  /** Deletes the bytes of expired tickets; returns how many. */
  async sweep(): Promise<number> {
    const ids = await viaRedis(() => this.redis.zrangebyscore(this.expiryKey(), '-inf', this.now(), 'LIMIT', 0, 500));
    for (const id of ids) await this.files.remove(`uploads/${id}`);
    if (ids.length) await viaRedis(() => this.redis.zrem(this.expiryKey(), ...ids));
    return ids.length;
  }
}
