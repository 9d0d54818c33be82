// The JobQueue port: accept work durably, run it later, report it. Implemented by the embedded (SQLite) queue and,
// in scale-out mode, by BullMQ. Deliberately not in the contract: how or where jobs run, and how records are stored.
import type { JobKind, JobRecord } from '../domain/jobs.js';

export interface JobSubmission {
  kind: JobKind;
  /** The model name as the submitting surface spells it; echoed in records. */
  model: string;
  /** Plain JSON; the processor of `kind` knows its shape. Media given as bytes are stored first (see `media`). */
  input: Record<string, unknown>;
  /**
   * Media sent inline (data URIs, multipart): stored as files before the job is accepted, and set into `input`
   * under the same name as `{file: key}`.
   */
  media?: Record<string, Uint8Array>;
  /** Deliver the final record to this URL, rendered by the named surface. */
  webhook?: { url: string; surface: string };
  /** Base URL of the submitting request (scheme://host), for links rendered outside a request. */
  baseUrl?: string;
}

export interface JobPage {
  items: JobRecord[];
  total: number;
}

export interface JobListQuery {
  limit: number;
  offset: number;
  kind?: JobKind;
}

export interface JobQueue {
  /** Stores the job (and its inline media) before answering: once this resolves, the job is never lost. */
  submit(submission: JobSubmission): Promise<JobRecord>;
  /** The record, or undefined for an unknown or expired id. */
  get(id: string): Promise<JobRecord | undefined>;
  /** Most recent first. */
  list(query: JobListQuery): Promise<JobPage>;
  /** Cancels a waiting or running job (JOB_NOT_FOUND, JOB_ALREADY_FINISHED otherwise); returns the final record. */
  cancel(id: string): Promise<JobRecord>;
  /** Resolves with the record once it is final, or with its current state after `timeoutMs`. */
  waitForSettled(id: string, timeoutMs: number, signal?: AbortSignal): Promise<JobRecord>;
  /** Called once for every job that reaches a final state in this process; returns the unsubscribe function. */
  onSettled(listener: (record: JobRecord) => void): () => void;
  close(): Promise<void>;
}

