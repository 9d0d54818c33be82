// Native error body {error: {code, message, details}} and the one table from error kind to HTTP status.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorKind } from '../../domain/errors.js';
import { logRequestError, requestError } from '../errors.js';

export const NATIVE_STATUS: Record<ErrorKind, number> = {
  invalid_request: 400,
  unprocessable_media: 422,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  payload_too_large: 413,
  unsupported: 501,
  busy: 503,
  unavailable: 503,
  timeout: 504,
  cancelled: 499,
  conflict: 409,
  insufficient_storage: 507,
  internal: 500,
};

/** Details are echoed to the client minus anything that is not plain data. */
export function safeDetails(details: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(details)) {
    if (k === 'received' && typeof v === 'string' && v.length > 200) out[k] = `${v.slice(0, 197)}...`;
    else if (
      v === null ||
      ['string', 'number', 'boolean'].includes(typeof v) ||
      Array.isArray(v) ||
      (typeof v === 'object' && v.constructor === Object)
    )
      out[k] = v;
  }
  return out;
}

export function nativeErrorHandler(thrown: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): void {
  const { error } = requestError(thrown, { bodyLimitBytes: request.routeOptions.bodyLimit });
  const status = NATIVE_STATUS[error.kind];
  logRequestError(request.log, thrown, error, status);
  if (error.kind === 'busy') reply.header('retry-after', '1');
  const message = error.code === 'INTERNAL' ? 'Internal error; the server log has the details' : error.message;
  void reply.code(status).send({
    error: { code: error.code, message, details: error.code === 'INTERNAL' ? {} : safeDetails(error.details) },
  });
}
