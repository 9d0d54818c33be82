// SQLite persistence of job records, uploads and the webhook outbox (better-sqlite3, WAL). Every state change is one
// guarded UPDATE, so a late writer (a cancelled or re-run attempt) can never overwrite a final record.
import Database from 'better-sqlite3';
import type { JobError, JobKind, JobRecord, JobStatus } from '../../domain/jobs.js';
import type { NewJob } from '../job-queue.js';

const SCHEMA_VERSION = 1;
/** SQL for a job turning final: a webhook that was waiting for it becomes due now. */
const RELEASE_WEBHOOK = `webhook_state = CASE WHEN webhook_state = 'waiting' THEN 'pending' ELSE webhook_state END`;

interface JobRow {
  id: string;
  kind: string;
  model: string;
  input: string;
  status: string;
  progress: number | null;
  result: string | null;
  error: string | null;
  attempts: number;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  inference_ms: number | null;
  base_url: string | null;
  webhook_url: string | null;
  webhook_surface: string | null;
  webhook_state: string | null;
  webhook_attempts: number;
  webhook_last_error: string | null;
  expires_at: number;
}

export class SqliteJobStore {
  readonly db: Database.Database;

  constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    // WAL + NORMAL survives process crashes (the case we promise); FULL would also survive power loss, at a cost.
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.migrate();
  }

  private migrate(): void {
    const version = this.db.pragma('user_version', { simple: true }) as number;
    if (version >= SCHEMA_VERSION) return;
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS jobs (
        id TEXT PRIMARY KEY, kind TEXT NOT NULL, model TEXT NOT NULL, input TEXT NOT NULL, status TEXT NOT NULL,
        progress REAL, result TEXT, error TEXT, attempts INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL, started_at INTEGER, finished_at INTEGER, inference_ms INTEGER, not_before INTEGER NOT NULL DEFAULT 0,
        base_url TEXT, webhook_url TEXT, webhook_surface TEXT, webhook_state TEXT, webhook_attempts INTEGER NOT NULL DEFAULT 0,
        webhook_next_at INTEGER, webhook_last_error TEXT, expires_at INTEGER NOT NULL
      );
      CREATE INDEX IF NOT EXISTS jobs_runnable ON jobs (status, kind, not_before);
      CREATE INDEX IF NOT EXISTS jobs_recent ON jobs (created_at);
      CREATE INDEX IF NOT EXISTS jobs_outbox ON jobs (webhook_state, webhook_next_at);
      CREATE INDEX IF NOT EXISTS jobs_expiry ON jobs (expires_at);
      CREATE TABLE IF NOT EXISTS uploads (
        id TEXT PRIMARY KEY, filename TEXT NOT NULL, content_type TEXT NOT NULL, declared_bytes INTEGER NOT NULL,
        complete INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL
      );
      PRAGMA user_version = ${SCHEMA_VERSION};
    `);
  }

  insert(job: NewJob): JobRecord {
    this.db
      .prepare(
        `INSERT INTO jobs (id, kind, model, input, status, created_at, expires_at, base_url, webhook_url, webhook_surface, webhook_state)
         VALUES (?, ?, ?, ?, 'created', ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        job.id,
        job.kind,
        job.model,
        JSON.stringify(job.input),
        job.createdAtMs,
        job.expiresAtMs,
        job.baseUrl,
        job.webhook?.url ?? null,
        job.webhook?.surface ?? null,
        job.webhook ? 'waiting' : null,
      );
    return this.get(job.id)!;
  }

  get(id: string): JobRecord | undefined {
    const row = this.db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as JobRow | undefined;
    return row ? toRecord(row) : undefined;
  }

  list(limit: number, offset: number, kind?: JobKind): { items: JobRecord[]; total: number } {
    const where = kind ? 'WHERE kind = ?' : '';
    const args = kind ? [kind] : [];
    const rows = this.db
      .prepare(`SELECT * FROM jobs ${where} ORDER BY created_at DESC, rowid DESC LIMIT ? OFFSET ?`)
      .all(...args, limit, offset) as JobRow[];
    const total = (this.db.prepare(`SELECT count(*) AS n FROM jobs ${where}`).get(...args) as { n: number }).n;
    return { items: rows.map(toRecord), total };
  }

  /** Moves the oldest runnable job of `kind` to processing and counts the attempt; undefined when none is due. */
  claim(kind: JobKind, nowMs: number): JobRecord | undefined {
    const claimTx = this.db.transaction(() => {
      const row = this.db
        .prepare(
          `SELECT id FROM jobs WHERE status = 'created' AND kind = ? AND not_before <= ? ORDER BY created_at, rowid LIMIT 1`,
        )
        .get(kind, nowMs) as { id: string } | undefined;
      if (!row) return undefined;
      this.db
        .prepare(
          `UPDATE jobs SET status = 'processing', attempts = attempts + 1, started_at = ?, progress = NULL WHERE id = ? AND status = 'created'`,
        )
        .run(nowMs, row.id);
      return this.get(row.id);
    });
    return claimTx.immediate();
  }

  /** The earliest `not_before` of waiting jobs of `kind` in the future, to know when to look again. */
  nextDueMs(kind: JobKind): number | undefined {
    const row = this.db
      .prepare(`SELECT min(not_before) AS t FROM jobs WHERE status = 'created' AND kind = ?`)
      .get(kind) as { t: number | null };
    return row.t ?? undefined;
  }

  setProgress(id: string, attempt: number, progress: number): void {
    this.db
      .prepare(`UPDATE jobs SET progress = ? WHERE id = ? AND status = 'processing' AND attempts = ?`)
      .run(progress, id, attempt);
  }

  /** Final write of one attempt; false when the job was cancelled (or re-claimed) meanwhile, so nothing changed. */
  finish(
    id: string,
    attempt: number,
    outcome: { status: 'completed'; result: unknown; inferenceMs: number } | { status: 'failed'; error: JobError },
    nowMs: number,
    retentionMs: number,
  ): boolean {
    const info =
      outcome.status === 'completed'
        ? this.db
            .prepare(
              `UPDATE jobs SET status = 'completed', result = ?, inference_ms = ?, progress = 1, finished_at = ?, expires_at = ?, ${RELEASE_WEBHOOK}, webhook_next_at = ? WHERE id = ? AND status = 'processing' AND attempts = ?`,
            )
            .run(
              JSON.stringify(outcome.result),
              Math.round(outcome.inferenceMs),
              nowMs,
              nowMs + retentionMs,
              nowMs,
              id,
              attempt,
            )
        : this.db
            .prepare(
              `UPDATE jobs SET status = 'failed', error = ?, finished_at = ?, expires_at = ?, ${RELEASE_WEBHOOK}, webhook_next_at = ? WHERE id = ? AND status = 'processing' AND attempts = ?`,
            )
            .run(JSON.stringify(outcome.error), nowMs, nowMs + retentionMs, nowMs, id, attempt);
    return info.changes === 1;
  }

  /** Puts a running attempt back in line (the engine was busy), without counting it. */
  requeue(id: string, attempt: number, notBeforeMs: number): boolean {
    return (
      this.db
        .prepare(
          `UPDATE jobs SET status = 'created', attempts = attempts - 1, not_before = ?, started_at = NULL WHERE id = ? AND status = 'processing' AND attempts = ?`,
        )
        .run(notBeforeMs, id, attempt).changes === 1
    );
  }

  /** Cancels a job that is not final; false when it already was. */
  cancel(id: string, error: JobError, nowMs: number, retentionMs: number): boolean {
    return (
      this.db
        .prepare(
          `UPDATE jobs SET status = 'cancelled', error = ?, finished_at = ?, expires_at = ?, ${RELEASE_WEBHOOK}, webhook_next_at = ?
           WHERE id = ? AND status IN ('created', 'processing')`,
        )
        .run(JSON.stringify(error), nowMs, nowMs + retentionMs, nowMs, id).changes === 1
    );
  }

  /**
   * After a crash: jobs left processing are re-queued while attempts remain, else failed with `error`. Returns the
   * ids failed here (their listeners must still hear of them).
   */
  recover(
    maxAttempts: number,
    error: JobError,
    nowMs: number,
    retentionMs: number,
  ): { requeued: number; failed: string[] } {
    const tx = this.db.transaction(() => {
      const failed = (
        this.db.prepare(`SELECT id FROM jobs WHERE status = 'processing' AND attempts >= ?`).all(maxAttempts) as Array<{
          id: string;
        }>
      ).map((r) => r.id);
      for (const id of failed) {
        this.db
          .prepare(
            `UPDATE jobs SET status = 'failed', error = ?, finished_at = ?, expires_at = ?, ${RELEASE_WEBHOOK}, webhook_next_at = ? WHERE id = ?`,
          )
          .run(JSON.stringify(error), nowMs, nowMs + retentionMs, nowMs, id);
      }
      const requeued = this.db
        .prepare(`UPDATE jobs SET status = 'created', started_at = NULL, progress = NULL WHERE status = 'processing'`)
        .run().changes;
      return { requeued, failed };
    });
    return tx.immediate();
  }

  /** Final jobs past their expiry; the caller deletes their files, then `deleteJobs`. */
  expired(nowMs: number, limit: number): string[] {
    return (
      this.db
        .prepare(
          `SELECT id FROM jobs WHERE expires_at <= ? AND status IN ('completed', 'failed', 'cancelled') AND (webhook_state IS NULL OR webhook_state IN ('delivered', 'failed')) LIMIT ?`,
        )
        .all(nowMs, limit) as Array<{ id: string }>
    ).map((r) => r.id);
  }

  deleteJobs(ids: readonly string[]): void {
    const del = this.db.prepare('DELETE FROM jobs WHERE id = ?');
    this.db.transaction(() => ids.forEach((id) => del.run(id)))();
  }

  close(): void {
    this.db.close();
  }
}

function parse<T>(text: string | null): T | null {
  return text === null ? null : (JSON.parse(text) as T);
}

function toRecord(row: JobRow): JobRecord {
  return {
    id: row.id,
    kind: row.kind as JobKind,
    model: row.model,
    input: JSON.parse(row.input) as unknown,
    status: row.status as JobStatus,
    progress: row.progress,
    result: parse<unknown>(row.result),
    error: parse<JobError>(row.error),
    attempts: row.attempts,
    createdAtMs: row.created_at,
    startedAtMs: row.started_at,
    finishedAtMs: row.finished_at,
    inferenceMs: row.inference_ms,
    baseUrl: row.base_url,
    webhook:
      row.webhook_url && row.webhook_surface
        ? {
            url: row.webhook_url,
            surface: row.webhook_surface,
            state:
              row.webhook_state === 'delivered' ? 'delivered' : row.webhook_state === 'failed' ? 'failed' : 'pending',
            attempts: row.webhook_attempts,
            lastError: row.webhook_last_error ?? '',
          }
        : null,
    expiresAtMs: row.expires_at,
  };
}
