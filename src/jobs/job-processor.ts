// What a job kind's processor is: a plain async function of the stored input, with an AbortSignal and progress.
import { toSamError } from '../domain/errors.js';
import type { JobError } from '../domain/jobs.js';
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

/** `reportProgress` for a JobContext: clamped to 0..1, written at most every 200 ms (the final 1 always). */
export function throttledProgress(
  write: (fraction: number) => void,
  now: () => number = Date.now,
): (fraction: number) => void {
  let lastMs = -Infinity;
  return (fraction) => {
    const t = now();
    if (t - lastMs < 200 && fraction < 1) return;
    lastMs = t;
    write(Math.min(1, Math.max(0, fraction)));
  };
}

/**
 * What a processor's throw means for its job, in every queue: a busy engine puts it back in line (until it has waited
 * `maxBusyWaitMs`; `error` is what it fails with otherwise); anything else fails it, with an unexpected error's text kept for the log, not the record.
 */
export function jobFailure(
  thrown: unknown,
  waitedMs: number,
  maxBusyWaitMs = 900_000,
): { retry: boolean; error: JobError; internal: boolean } {
  const error = toSamError(thrown);
  const internal = error.code === 'INTERNAL';
  return {
    retry: error.kind === 'busy' && waitedMs < maxBusyWaitMs,
    internal,
    error: {
      code: error.code,
      kind: error.kind,
      message: internal ? 'Internal error while processing the job; the log has the details' : error.message,
    },
  };
}
