// The JobQueue port: accept work durably, run it later, report it. Implemented by the embedded (SQLite) queue and,
// in scale-out mode, by BullMQ. Deliberately not in the contract: how or where jobs run, and how records are stored.
import { SamError } from '../domain/errors.js';
import type { JobKind, JobRecord } from '../domain/jobs.js';
import type { FileStore } from './file-store.js';

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

/** What a store needs to create a record (every queue implementation). */
export interface NewJob {
  id: string;
  kind: JobKind;
  model: string;
  input: unknown;
  createdAtMs: number;
  expiresAtMs: number;
  baseUrl: string | null;
  webhook: { url: string; surface: string } | null;
}

/** The refusal of a job kind no processor handles, naming it (shared by the queue implementations). */
export function unhandledKind(submission: JobSubmission): SamError {
  return submission.kind === 'video'
    ? new SamError('VIDEO_UNAVAILABLE', 'Video jobs are not enabled on this server', {
        field: 'model',
        received: submission.model,
      })
    : new SamError('INTERNAL', `No processor handles ${submission.kind} jobs`);
}

/**
 * The job's input with its inline media stored first as `jobs/<id>/input-<name>` and referenced as `{file: key}`,
 * so an accepted job never points at missing bytes.
 */
export async function storeInlineMedia(
  id: string,
  submission: JobSubmission,
  files: FileStore,
): Promise<Record<string, unknown>> {
  const input: Record<string, unknown> = { ...submission.input };
  for (const [name, bytes] of Object.entries(submission.media ?? {})) {
    const key = `jobs/${id}/input-${name}`;
    await files.put(key, bytes);
    input[name] = { file: key };
  }
  return input;
}
