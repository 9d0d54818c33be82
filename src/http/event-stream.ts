// Server-Sent Events on a Fastify reply: a signal that fires when the client leaves before the stream ends, the
// hijacked 200 with the event-stream headers (no proxy buffering), and writes that wait for a slow reader.
import type { FastifyReply } from 'fastify';
import { SamError } from '../domain/errors.js';

/** Aborts with REQUEST_CANCELLED when the client closes the connection before the stream has ended. */
export function streamCancelSignal(reply: FastifyReply): AbortSignal {
  const gone = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished)
      gone.abort(new SamError('REQUEST_CANCELLED', 'The client closed the event stream', {}));
  });
  return gone.signal;
}

/** Takes the reply over from Fastify and sends the 200 with the event-stream headers. */
export function openEventStream(reply: FastifyReply): void {
  reply.hijack();
  reply.raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
}

/** Writes one event's text (`data: …\n\n`, maybe with `event:`), waiting for the socket to drain when it must. */
export async function writeEventText(reply: FastifyReply, text: string): Promise<void> {
  if (!reply.raw.write(text)) await new Promise((resolve) => reply.raw.once('drain', resolve));
}
