// Job records in Redis for scale-out mode: one hash per job, indexes for listing, and Lua scripts that make every
// state change conditional (first writer wins), so a job delivered twice never gets two results for one id.
import type { Redis } from 'ioredis';
import type { JobError, JobKind, JobRecord, JobStatus } from '../../domain/jobs.js';
import { viaRedis } from '../../redis/redis-connection.js';
import type { NewJob } from '../job-queue.js';

export type ClaimOutcome =
  { state: 'claimed'; record: JobRecord } | { state: 'final' | 'missing' } | { state: 'exhausted' };

const FINAL = `local st = redis.call('HGET', KEYS[1], 'status')`;
/** Moves a waiting webhook to the outbox (KEYS[2]) once the job is final; ARGV[2] = now. */
const RELEASE_WEBHOOK = `if redis.call('HGET', KEYS[1], 'webhookState') == 'waiting' then
  redis.call('HSET', KEYS[1], 'webhookState', 'pending')
  redis.call('ZADD', KEYS[2], ARGV[2], redis.call('HGET', KEYS[1], 'id'))
end`;

const INSERT = `local seq = redis.call('INCR', KEYS[4])
redis.call('HSET', KEYS[1], unpack(ARGV, 3))
redis.call('PEXPIREAT', KEYS[1], ARGV[2])
redis.call('ZADD', KEYS[2], seq, ARGV[1])
redis.call('ZADD', KEYS[3], seq, ARGV[1])
return seq`;

// ARGV: 1 unused, 2 now, 3 maxAttempts, 4 interrupted error JSON, 5 expiresAt when failed here
const CLAIM = `${FINAL}
if not st then return 'missing' end
if st == 'completed' or st == 'failed' or st == 'cancelled' then return 'final' end
local attempts = tonumber(redis.call('HGET', KEYS[1], 'attempts'))
if attempts >= tonumber(ARGV[3]) then
  redis.call('HSET', KEYS[1], 'status', 'failed', 'error', ARGV[4], 'finishedAtMs', ARGV[2], 'expiresAtMs', ARGV[5])
  redis.call('PEXPIREAT', KEYS[1], ARGV[5])
  ${RELEASE_WEBHOOK}
  return 'exhausted'
end
redis.call('HSET', KEYS[1], 'status', 'processing', 'attempts', attempts + 1, 'startedAtMs', ARGV[2], 'progress', '')
return 'claimed'`;

// ARGV: 1 attempt, 2 now, 3 expiresAt, 4.. field/value pairs
const FINISH = `${FINAL}
if st ~= 'processing' or redis.call('HGET', KEYS[1], 'attempts') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'finishedAtMs', ARGV[2], 'expiresAtMs', ARGV[3], unpack(ARGV, 4))
redis.call('PEXPIREAT', KEYS[1], ARGV[3])
${RELEASE_WEBHOOK}
return 1`;

// ARGV: 1 attempt, 2 progress
const PROGRESS = `${FINAL}
if st == 'processing' and redis.call('HGET', KEYS[1], 'attempts') == ARGV[1] then redis.call('HSET', KEYS[1], 'progress', ARGV[2]) end
return 0`;

// ARGV: 1 attempt
const REQUEUE = `${FINAL}
if st ~= 'processing' or redis.call('HGET', KEYS[1], 'attempts') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'status', 'created', 'attempts', tonumber(ARGV[1]) - 1, 'startedAtMs', '', 'progress', '')
return 1`;

// ARGV: 1 error JSON, 2 now, 3 expiresAt, 4 final status; returns '' when ended here, else the status it already had
const END = `${FINAL}
if not st then return 'missing' end
if st ~= 'created' and st ~= 'processing' then return st end
redis.call('HSET', KEYS[1], 'status', ARGV[4], 'error', ARGV[1], 'finishedAtMs', ARGV[2], 'expiresAtMs', ARGV[3])
redis.call('PEXPIREAT', KEYS[1], ARGV[3])
${RELEASE_WEBHOOK}
return ''`;

export class RedisJobStore {
  constructor(
    private readonly redis: Redis,
    /** Key prefix shared by every node of one deployment (e.g. "sam3"). */
    readonly prefix: string,
  ) {}

  jobKey = (id: string): string => `${this.prefix}:job:${id}`;
  private readonly allKey = (): string => `${this.prefix}:jobs`;
  private readonly kindKey = (kind: JobKind): string => `${this.prefix}:jobs:${kind}`;
  readonly webhooksKey = (): string => `${this.prefix}:webhooks`;

  async insert(job: NewJob): Promise<JobRecord> {
    const fields: Record<string, string> = {
      id: job.id,
      kind: job.kind,
      model: job.model,
      input: JSON.stringify(job.input),
      status: 'created',
      progress: '',
      result: '',
      error: '',
      attempts: '0',
      createdAtMs: String(job.createdAtMs),
      startedAtMs: '',
      finishedAtMs: '',
      inferenceMs: '',
      baseUrl: job.baseUrl ?? '',
      webhookUrl: job.webhook?.url ?? '',
      webhookSurface: job.webhook?.surface ?? '',
      webhookState: job.webhook ? 'waiting' : '',
      webhookAttempts: '0',
      webhookLastError: '',
      expiresAtMs: String(job.expiresAtMs),
    };
    await viaRedis(() =>
      this.redis.eval(
        INSERT,
        4,
        this.jobKey(job.id),
        this.allKey(),
        this.kindKey(job.kind),
        `${this.prefix}:seq`,
        job.id,
        String(job.expiresAtMs),
        ...Object.entries(fields).flat(),
      ),
    );
    return toRecord(fields);
  }

  async get(id: string): Promise<JobRecord | undefined> {
    const fields = await viaRedis(() => this.redis.hgetall(this.jobKey(id)));
    return fields.id ? toRecord(fields) : undefined;
  }

  /** Newest first; ids whose records expired are dropped from the index as they are met. */
  async list(limit: number, offset: number, kind?: JobKind): Promise<{ items: JobRecord[]; total: number }> {
    const key = kind ? this.kindKey(kind) : this.allKey();
    const ids = await viaRedis(() => this.redis.zrevrange(key, offset, offset + limit - 1));
    const records = await Promise.all(ids.map((id) => this.get(id)));
    const gone = ids.filter((_, i) => !records[i]);
    if (gone.length)
      await viaRedis(() =>
        this.redis
          .multi()
          .zrem(this.allKey(), ...gone)
          .zrem(key, ...gone)
          .exec(),
      );
    const total = await viaRedis(() => this.redis.zcard(key));
    return { items: records.filter((r): r is JobRecord => r !== undefined), total };
  }

  /** Starts a run: counts the attempt, or fails the job with `interrupted` once every attempt was used by crashed runs. */
  async claim(
    id: string,
    nowMs: number,
    maxAttempts: number,
    interrupted: JobError,
    retentionMs: number,
  ): Promise<ClaimOutcome> {
    const state = (await viaRedis(() =>
      this.redis.eval(
        CLAIM,
        2,
        this.jobKey(id),
        this.webhooksKey(),
        '',
        String(nowMs),
        String(maxAttempts),
        JSON.stringify(interrupted),
        String(nowMs + retentionMs),
      ),
    )) as string;
    if (state !== 'claimed') return { state: state as 'final' | 'missing' | 'exhausted' };
    const record = await this.get(id);
    return record ? { state: 'claimed', record } : { state: 'missing' };
  }

  async setProgress(id: string, attempt: number, progress: number): Promise<void> {
    await viaRedis(() => this.redis.eval(PROGRESS, 1, this.jobKey(id), String(attempt), String(progress)));
  }

  /** Final write of one attempt; false when the job was cancelled, finished or re-claimed meanwhile. */
  async finish(
    id: string,
    attempt: number,
    outcome: { status: 'completed'; result: unknown; inferenceMs: number } | { status: 'failed'; error: JobError },
    nowMs: number,
    retentionMs: number,
  ): Promise<boolean> {
    const fields =
      outcome.status === 'completed'
        ? [
            'status',
            'completed',
            'result',
            JSON.stringify(outcome.result ?? null),
            'inferenceMs',
            String(Math.round(outcome.inferenceMs)),
            'progress',
            '1',
          ]
        : ['status', 'failed', 'error', JSON.stringify(outcome.error)];
    return (
      (await viaRedis(() =>
        this.redis.eval(
          FINISH,
          2,
          this.jobKey(id),
          this.webhooksKey(),
          String(attempt),
          String(nowMs),
          String(nowMs + retentionMs),
          ...fields,
        ),
      )) === 1
    );
  }

  /** Puts a running attempt back in line uncounted (engine busy, or a worker shutting down). */
  async requeue(id: string, attempt: number): Promise<boolean> {
    return (await viaRedis(() => this.redis.eval(REQUEUE, 1, this.jobKey(id), String(attempt)))) === 1;
  }

  /**
   * Ends a job that is not final, whatever attempt runs it: 'cancelled' by a caller, or 'failed' when the queue gave up
   * on it. Returns 'ended', or the status that prevented it ('missing' for an unknown id).
   */
  async end(
    id: string,
    status: 'cancelled' | 'failed',
    error: JobError,
    nowMs: number,
    retentionMs: number,
  ): Promise<'ended' | JobStatus | 'missing'> {
    const out = (await viaRedis(() =>
      this.redis.eval(
        END,
        2,
        this.jobKey(id),
        this.webhooksKey(),
        JSON.stringify(error),
        String(nowMs),
        String(nowMs + retentionMs),
        status,
      ),
    )) as string;
    return out === '' ? 'ended' : (out as JobStatus | 'missing');
  }

  /** Ids in the index whose records Redis has expired (their files are still to delete), oldest first. */
  async expiredIds(limit: number): Promise<string[]> {
    const ids = await viaRedis(() => this.redis.zrange(this.allKey(), '0', String(Math.max(limit * 4, 200) - 1)));
    const exists = await Promise.all(ids.map((id) => viaRedis(() => this.redis.exists(this.jobKey(id)))));
    return ids.filter((_, i) => exists[i] === 0).slice(0, limit);
  }

  async forget(ids: readonly string[]): Promise<void> {
    if (!ids.length) return;
    const m = this.redis.multi().zrem(this.allKey(), ...ids);
    for (const kind of ['image', 'video'] as const) m.zrem(this.kindKey(kind), ...ids);
    await viaRedis(() => m.exec());
  }
}

const num = (v: string | undefined): number | null => (v === undefined || v === '' ? null : Number(v));
const json = <T>(v: string | undefined): T | null => (v === undefined || v === '' ? null : (JSON.parse(v) as T));

function toRecord(f: Record<string, string>): JobRecord {
  const webhookState = f.webhookState === 'delivered' || f.webhookState === 'failed' ? f.webhookState : 'pending';
  return {
    id: f.id!,
    kind: f.kind as JobKind,
    model: f.model!,
    input: JSON.parse(f.input!) as unknown,
    status: f.status as JobStatus,
    progress: num(f.progress),
    result: json<unknown>(f.result),
    error: json<JobError>(f.error),
    attempts: Number(f.attempts),
    createdAtMs: Number(f.createdAtMs),
    startedAtMs: num(f.startedAtMs),
    finishedAtMs: num(f.finishedAtMs),
    inferenceMs: num(f.inferenceMs),
    baseUrl: f.baseUrl || null,
    webhook:
      f.webhookUrl && f.webhookSurface
        ? {
            url: f.webhookUrl,
            surface: f.webhookSurface,
            state: webhookState,
            attempts: Number(f.webhookAttempts),
            lastError: f.webhookLastError ?? '',
          }
        : null,
    expiresAtMs: Number(f.expiresAtMs),
  };
}
