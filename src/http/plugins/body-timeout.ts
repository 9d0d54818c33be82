// Slow-body guard: a request whose body has not fully arrived within the body timeout is answered 408 and its
// connection closed (Node's own requestTimeout stops applying once the headers are in).
import type { FastifyInstance } from 'fastify';

export function registerBodyTimeout(app: FastifyInstance, bodyTimeoutMs: number): void {
  app.addHook('onRequest', async (request, reply) => {
    const raw = request.raw;
    const hasBody = Number(raw.headers['content-length'] ?? 0) > 0 || raw.headers['transfer-encoding'] !== undefined;
    if (!hasBody || raw.complete) return;
    const timer = setTimeout(() => {
      if (raw.complete || raw.socket.destroyed) return;
      request.log.info(
        { code: 'REQUEST_TIMEOUT', bodyTimeoutMs },
        'request body not received in time; connection closed',
      );
      if (!reply.raw.headersSent) {
        const body = JSON.stringify({
          error: {
            code: 'INVALID_ARGUMENT',
            message: `The request body did not arrive within ${bodyTimeoutMs} ms (SAM3_BODY_TIMEOUT_MS)`,
            details: { field: 'body', limit: bodyTimeoutMs },
          },
        });
        reply.raw.writeHead(408, {
          'content-type': 'application/json; charset=utf-8',
          connection: 'close',
          'content-length': Buffer.byteLength(body),
        });
        reply.raw.end(body);
      }
      raw.socket.destroySoon();
      setTimeout(() => raw.socket.destroy(), 1_000).unref();
    }, bodyTimeoutMs);
    timer.unref();
    const clear = (): void => clearTimeout(timer);
    raw.once('end', clear);
    raw.once('close', clear);
    reply.raw.once('finish', clear);
  });
}
