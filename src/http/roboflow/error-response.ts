// Roboflow's error shapes (roboflow/inference error_handlers.py): schema and value errors 422 {detail: [...]} like
// FastAPI; image problems 400 "Could not load input image. Cause: …"; everything else {message}. One table by kind.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorKind, SamError } from '../../domain/errors.js';
import { logRequestError, requestError, type ValidationIssue } from '../errors.js';

const STATUS: Record<ErrorKind, number> = {
  invalid_request: 422,
  unprocessable_media: 400,
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

const PYDANTIC_TYPES: Record<string, string> = {
  required: 'missing',
  maximum: 'less_than_equal',
  minimum: 'greater_than_equal',
  maxItems: 'too_long',
  minItems: 'too_short',
  enum: 'literal_error',
  minLength: 'string_too_short',
  maxLength: 'string_too_long',
};

/** `prompts[2].box_labels` → ['body', 'prompts', 2, 'box_labels']. */
function loc(field: string | undefined): Array<string | number> {
  const parts = (field ?? '').match(/[^.[\]]+/g) ?? [];
  return ['body', ...parts.map((p) => (/^\d+$/.test(p) ? Number(p) : p))];
}

function detail(issue: ValidationIssue): Record<string, unknown> {
  const type =
    issue.keyword === 'type' ? `${String(issue.params.type)}_type` : (PYDANTIC_TYPES[issue.keyword] ?? 'value_error');
  return {
    type,
    loc: [issue.part === 'querystring' ? 'query' : issue.part, ...issue.path],
    msg: issue.keyword === 'required' ? 'Field required' : issue.message,
  };
}

/** A refused image URL is, to a Roboflow client, an image that could not be loaded (upstream answers 400). */
const isImageLoadFailure = (error: Pick<SamError, 'code' | 'kind'>): boolean =>
  error.kind === 'unprocessable_media' || error.code === 'IMAGE_URL_FORBIDDEN';

/** The HTTP status of an error on this surface (also used to generate docs/errors.md). */
export function roboflowStatus(error: Pick<SamError, 'code' | 'kind'>): number {
  return isImageLoadFailure(error) ? 400 : STATUS[error.kind];
}

function body(error: SamError, issues: ValidationIssue[]): Record<string, unknown> {
  if (isImageLoadFailure(error)) return { message: `Could not load input image. Cause: ${error.message}` };
  if (error.kind === 'invalid_request') {
    if (issues.length) return { detail: issues.map(detail) };
    return { detail: [{ type: 'value_error', loc: loc(error.details.field), msg: error.message }] };
  }
  if (error.kind === 'internal') return { message: 'Internal error.' };
  return { message: error.message };
}

export function roboflowErrorHandler(thrown: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): void {
  const { error, issues } = requestError(thrown, { bodyLimitBytes: request.routeOptions.bodyLimit });
  const status = roboflowStatus(error);
  logRequestError(request.log, thrown, error, status);
  if (error.kind === 'busy') reply.header('retry-after', '1');
  void reply.code(status).send(body(error, issues));
}
