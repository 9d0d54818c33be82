// The webhook outbox on the jobs table: which final jobs still owe a delivery, and the bookkeeping of attempts.
import type Database from 'better-sqlite3';
import type { WebhookOutbox } from '../webhook-dispatcher.js';

export class SqliteWebhookOutbox implements WebhookOutbox {
  constructor(private readonly db: Database.Database) {}

  due(nowMs: number, limit: number): Array<{ id: string; attempts: number }> {
    return this.db
      .prepare(
        `SELECT id, webhook_attempts AS attempts FROM jobs WHERE webhook_state = 'pending' AND webhook_next_at <= ? ORDER BY webhook_next_at LIMIT ?`,
      )
      .all(nowMs, limit) as Array<{ id: string; attempts: number }>;
  }

  nextDueMs(): number | undefined {
    const row = this.db.prepare(`SELECT min(webhook_next_at) AS t FROM jobs WHERE webhook_state = 'pending'`).get() as {
      t: number | null;
    };
    return row.t ?? undefined;
  }

  record(
    id: string,
    attempts: number,
    outcome:
      | { state: 'delivered' }
      | { state: 'pending'; nextAtMs: number; error: string }
      | { state: 'failed'; error: string },
  ): void {
    const error = outcome.state === 'delivered' ? '' : outcome.error;
    const nextAt = outcome.state === 'pending' ? outcome.nextAtMs : null;
    this.db
      .prepare(
        `UPDATE jobs SET webhook_state = ?, webhook_attempts = ?, webhook_next_at = ?, webhook_last_error = ? WHERE id = ?`,
      )
      .run(outcome.state, attempts, nextAt, error, id);
  }
}
