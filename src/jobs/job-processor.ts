// What a job kind's processor is: a plain async function of the stored input, with an AbortSignal and progress.
import type { FileStore } from './file-store.js';

export interface JobContext {
  readonly jobId: string;
  /** Aborted when the job is cancelled or the process shuts down. */
  readonly signal: AbortSignal;
  /** Inputs under `jobs/<id>/…` and `uploads/…`; outputs go under `jobs/<id>/`. */
  readonly files: FileStore;
  /** 0..1; cheap to call often (writes are throttled). */
  reportProgress(fraction: number): void;
}

export interface JobOutcome {
  /** Plain JSON stored on the record. */
  result: unknown;
  inferenceMs: number;
}

export type JobProcessor = (input: unknown, context: JobContext) => Promise<JobOutcome>;
