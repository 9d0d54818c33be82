// Errors of the CVAT (Nuclio) surface: {"error": message} as CVAT's serverless functions answer, plus our code and
// field, with an HTTP status by kind (CVAT shows the status and text to the user). No stack, no path.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorKind, SamError } from '../../domain/errors.js';
import { logRequestError, requestError } from '../errors.js';

const STATUS: Record<ErrorKind, number> = {
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

/** The HTTP status of an error on this surface (also used to generate docs/errors.md). */
export function cvatStatus(error: Pick<SamError, 'kind'>): number {
  return STATUS[error.kind];
}

export function cvatErrorHandler(thrown: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): void {
  const { error } = requestError(thrown, { bodyLimitBytes: request.routeOptions.bodyLimit });
  const status = cvatStatus(error);
  logRequestError(request.log, thrown, error, status);
  if (error.kind === 'busy') reply.header('retry-after', '1');
  void reply.code(status).send({
    error: `${error.code}: ${error.kind === 'internal' ? 'Internal error.' : error.message}`,
    code: error.code,
    ...(error.details.field ? { field: error.details.field } : {}),
  });
}
