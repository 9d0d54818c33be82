// WaveSpeed's submission error shape {code, message, data: null} with its documented codes (1400 missing parameter,
// 1401 invalid parameter, 1402 media not accessible, 5000/5003/5004) and one table from error kind to HTTP status.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorKind, SamError } from '../../domain/errors.js';
import { logRequestError, requestError, type ValidationIssue } from '../errors.js';

const TABLE: Record<ErrorKind, { status: number; code: number }> = {
  invalid_request: { status: 400, code: 1401 },
  unprocessable_media: { status: 400, code: 1402 },
  unauthorized: { status: 401, code: 401 },
  forbidden: { status: 403, code: 403 },
  not_found: { status: 404, code: 404 },
  payload_too_large: { status: 413, code: 413 },
  unsupported: { status: 400, code: 1401 },
  busy: { status: 429, code: 5003 },
  unavailable: { status: 503, code: 5000 },
  timeout: { status: 504, code: 5004 },
  cancelled: { status: 499, code: 1405 },
  conflict: { status: 409, code: 409 },
  insufficient_storage: { status: 507, code: 5000 },
  internal: { status: 500, code: 5000 },
};

/** 1400 when a required parameter is missing (a schema `required`, or no prompt at all); else the kind's row. */
export function wavespeedError(
  error: Pick<SamError, 'code' | 'kind'>,
  issues: readonly ValidationIssue[] = [],
): { status: number; code: number } {
  const missing =
    error.code === 'PROMPT_REQUIRED' || (issues.length > 0 && issues.every((i) => i.keyword === 'required'));
  if (missing) return { status: 400, code: 1400 };
  // A refused or unreachable image URL is "media not accessible" to a WaveSpeed client.
  if (error.code === 'IMAGE_URL_FORBIDDEN') return { status: 400, code: 1402 };
  return TABLE[error.kind];
}

export function wavespeedErrorHandler(
  thrown: FastifyError | Error,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  const { error, issues } = requestError(thrown, { bodyLimitBytes: request.routeOptions.bodyLimit });
  const { status, code } = wavespeedError(error, issues);
  logRequestError(request.log, thrown, error, status);
  if (error.kind === 'busy') reply.header('retry-after', '1');
  const message = error.kind === 'internal' ? 'Internal error; the server log has the details' : error.message;
  void reply.code(status).send({ code, message, data: null });
}
