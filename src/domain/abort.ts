// An aborted AbortSignal as a SamError: a timeout reason is the request's deadline, anything else a cancellation.
import { SamError, type ErrorDetails } from './errors.js';

/** The SamError for an aborted signal (a SamError reason is passed through as it is). */
export function abortError(signal: AbortSignal, during: string, details: ErrorDetails = {}): SamError {
  const reason = signal.reason as { name?: string } | undefined;
  if (reason instanceof SamError) return reason;
  if (reason?.name === 'TimeoutError')
    return new SamError('DEADLINE_EXCEEDED', `The request's deadline passed while ${during}`, details, {
      cause: reason,
    });
  return new SamError('REQUEST_CANCELLED', `The request was cancelled while ${during}`, details, { cause: reason });
}

export function throwIfAborted(signal: AbortSignal | undefined, during: string): void {
  if (signal?.aborted) throw abortError(signal, during);
}
