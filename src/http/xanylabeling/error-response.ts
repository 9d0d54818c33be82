// X-AnyLabeling-Server's error shape: {success: false, error: {code, message, details}}, with an HTTP status by kind
// (the reference answers 200 for model errors; a status lets X-AnyLabeling show the failure). No stack, no path.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { SamError } from '../../domain/errors.js';
import { logRequestError, requestError } from '../errors.js';
import { NATIVE_STATUS, safeDetails } from '../native/error-response.js';

/** The HTTP status of an error on this surface — the native API's (also used to generate docs/errors.md). */
export function xAnyLabelingStatus(error: Pick<SamError, 'kind'>): number {
  return NATIVE_STATUS[error.kind];
}

export function xAnyLabelingErrorHandler(
  thrown: FastifyError | Error,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  const { error, issues } = requestError(thrown, { bodyLimitBytes: request.routeOptions.bodyLimit });
  const status = xAnyLabelingStatus(error);
  logRequestError(request.log, thrown, error, status);
  if (error.kind === 'busy') reply.header('retry-after', '1');
  void reply.code(status).send({
    success: false,
    error: {
      code: error.code,
      message: error.kind === 'internal' ? 'Internal error.' : error.message,
      details: { ...safeDetails(error.details), ...(issues.length ? { issues } : {}) },
    },
  });
}
