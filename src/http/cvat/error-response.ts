// Errors of the CVAT (Nuclio) surface: {"error": message} as CVAT's serverless functions answer, plus our code and
// field, with an HTTP status by kind (CVAT shows the status and text to the user). No stack, no path.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { SamError } from '../../domain/errors.js';
import { logRequestError, requestError } from '../errors.js';
import { NATIVE_STATUS } from '../native/error-response.js';

/** The HTTP status of an error on this surface — the native API's (also used to generate docs/errors.md). */
export function cvatStatus(error: Pick<SamError, 'kind'>): number {
  return NATIVE_STATUS[error.kind];
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
