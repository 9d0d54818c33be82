// The AbortSignal of one HTTP request: fires at the request's deadline (TimeoutError → 504) or when the client
// goes away before the answer is written (→ REQUEST_CANCELLED), so queued work is dropped instead of computed.
import type { FastifyReply } from 'fastify';

export function requestSignal(reply: FastifyReply, timeoutMs: number): AbortSignal {
  const gone = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) gone.abort(new Error('The client closed the connection'));
  });
  return AbortSignal.any([gone.signal, AbortSignal.timeout(timeoutMs)]);
}
