// Label Studio ML-backend error shape (label_studio_ml/exceptions.py): {status, detail} with the HTTP status, which
// Label Studio shows to the user; plus our code and field. One table by kind; never a traceback.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { SamError } from '../../domain/errors.js';
import { logRequestError, requestError } from '../errors.js';
import { NATIVE_STATUS } from '../native/error-response.js';

/** The HTTP status of an error on this surface — the native API's (also used to generate docs/errors.md). */
export function labelStudioStatus(error: Pick<SamError, 'kind'>): number {
  return NATIVE_STATUS[error.kind];
}

export function labelStudioErrorHandler(
  thrown: FastifyError | Error,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  const { error, issues } = requestError(thrown, { bodyLimitBytes: request.routeOptions.bodyLimit });
  const status = labelStudioStatus(error);
  logRequestError(request.log, thrown, error, status);
  if (error.kind === 'busy') reply.header('retry-after', '1');
  if (error.kind === 'unauthorized') reply.header('www-authenticate', 'Basic realm="sam3-server"');
  const message = error.kind === 'internal' ? 'Internal error.' : error.message;
  const where = issues.length ? issues.map((i) => `${i.path.join('.') || i.part}: ${i.message}`).join('; ') : '';
  void reply.code(status).send({
    status,
    detail: `${error.code}: ${message}${where ? ` (${where})` : ''}`,
    code: error.code,
    ...(error.details.field ? { field: error.details.field } : {}),
  });
}
