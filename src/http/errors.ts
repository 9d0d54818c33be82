// Errors entering through Fastify (schema validation, body parsing, size limits, unknown throws) → SamError, keeping
// the cause. Validation issues keep their structured paths so each surface can render them its own way.
import { homedir, tmpdir } from 'node:os';
import { SamError, toSamError } from '../domain/errors.js';

export interface ValidationIssue {
  /** Path inside the validated part, e.g. ['prompts', 0, 'boxes']. */
  readonly path: Array<string | number>;
  readonly message: string;
  /** The JSON-schema keyword that failed (required, type, minimum, enum, …). */
  readonly keyword: string;
  readonly params: Record<string, unknown>;
  /** body, querystring, params or headers. */
  readonly part: string;
}

interface AjvError {
  instancePath?: string;
  keyword: string;
  message?: string;
  params?: Record<string, unknown>;
}

interface FastifyLikeError {
  code?: string;
  statusCode?: number;
  validation?: AjvError[];
  validationContext?: string;
  message?: string;
}

function issuesOf(error: FastifyLikeError): ValidationIssue[] {
  const part = error.validationContext ?? 'body';
  return (error.validation ?? []).map((v) => {
    const path: Array<string | number> = (v.instancePath ?? '')
      .split('/')
      .slice(1)
      .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
      .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
    if (v.keyword === 'required' && typeof v.params?.missingProperty === 'string') path.push(v.params.missingProperty);
    const allowed = Array.isArray(v.params?.allowedValues)
      ? ` (${(v.params.allowedValues as unknown[]).join(', ')})`
      : '';
    const unknown =
      v.keyword === 'additionalProperties'
        ? `has an unknown field ${JSON.stringify(v.params?.additionalProperty)}`
        : undefined;
    return {
      path,
      message: unknown ?? `${v.message ?? 'is invalid'}${allowed}`,
      keyword: v.keyword,
      params: v.params ?? {},
      part,
    };
  });
}

export const formatPath = (part: string, path: ReadonlyArray<string | number>): string =>
  path.reduce<string>((out, p) => (typeof p === 'number' ? `${out}[${p}]` : `${out}.${p}`), part);

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** Where server paths start: file URLs, the temp, home and working directories, and the usual data roots. */
const SERVER_PATH = new RegExp(
  `(?<![\\w./-])(?:file://)?(?:${[...new Set([tmpdir(), homedir(), process.cwd()].filter((p) => p.length > 1))].map(escape).join('|')}|/(?:tmp|var|srv|opt|data|mnt|usr|etc|root|home|media|run|workspace|app|work))(?:/[^\\s/'"(),;:]+)+`,
  'g',
);

/** A text with every server path replaced by its last component: clients learn no directory layout. */
export function withoutServerPaths(text: string): string {
  return text.replace(SERVER_PATH, (path) => `…/${path.slice(path.lastIndexOf('/') + 1)}`);
}

function redacted(error: SamError): SamError {
  const message = withoutServerPaths(error.message);
  const details: Record<string, unknown> = {};
  let changed = message !== error.message;
  for (const [k, v] of Object.entries(error.details)) {
    details[k] = typeof v === 'string' ? withoutServerPaths(v) : v;
    changed ||= details[k] !== v;
  }
  return changed ? new SamError(error.code, message, details, { cause: error }) : error;
}

/**
 * Converts whatever a route, hook or parser threw into a SamError (server paths removed from what clients see);
 * validation failures carry `issues` in details.
 */
export function requestError(
  error: unknown,
  context: { bodyLimitBytes?: number } = {},
): { error: SamError; issues: ValidationIssue[] } {
  const { error: converted, issues } = classify(error, context);
  return { error: redacted(converted), issues };
}

/** Kinds that are expected operating conditions (backpressure, deadlines, no model): one info line, no stack. */
const EXPECTED_KINDS = new Set<SamError['kind']>(['busy', 'unavailable', 'timeout', 'cancelled']);

/** Logs an error answer: unexpected server errors with their stack, expected conditions as one info line. */
export function logRequestError(
  log: { info: (o: object, m: string) => void; error: (o: object, m: string) => void },
  thrown: unknown,
  error: SamError,
  status: number,
): void {
  if (status < 500) return;
  if (EXPECTED_KINDS.has(error.kind)) log.info({ code: error.code, status }, error.message);
  else log.error({ err: thrown, code: error.code }, error.message);
}

/** Malformed multipart bodies (busboy's and @fastify/multipart's messages) are the client's fault. */
const MULTIPART_MALFORMED =
  /^(Multipart: Boundary not found|Unexpected end of (form|multipart data)|Malformed part header|Part terminated early|the request is not multipart)/i;

function classify(
  error: unknown,
  context: { bodyLimitBytes?: number } = {},
): { error: SamError; issues: ValidationIssue[] } {
  if (error instanceof SamError) return { error, issues: [] };
  const e = error as FastifyLikeError;
  if (e?.validation) {
    const issues = issuesOf(e);
    const first = issues[0];
    const where = first ? formatPath(first.part, first.path) : 'body';
    const message = issues.map((i) => `${formatPath(i.part, i.path)} ${i.message}`).join('; ');
    return {
      error: new SamError(
        'INVALID_ARGUMENT',
        `Invalid request: ${message}`,
        { field: where, issues },
        { cause: error },
      ),
      issues,
    };
  }
  switch (e?.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return {
        error: new SamError(
          'REQUEST_TOO_LARGE',
          `The request body exceeds the server limit of ${context.bodyLimitBytes ?? 'SAM3_MAX_BODY_BYTES'} bytes (SAM3_MAX_BODY_BYTES)`,
          { field: 'body', ...(context.bodyLimitBytes ? { limit: context.bodyLimitBytes } : {}) },
          { cause: error },
        ),
        issues: [],
      };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return {
        error: new SamError(
          'UNSUPPORTED_MEDIA_TYPE',
          'Expected content-type application/json (or multipart/form-data where a route takes uploads)',
          { field: 'content-type' },
          { cause: error },
        ),
        issues: [],
      };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return {
        error: new SamError(
          'INVALID_ARGUMENT',
          'Expected a JSON body but received an empty one',
          { field: 'body' },
          { cause: error },
        ),
        issues: [],
      };
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return {
        error: new SamError(
          'INVALID_ARGUMENT',
          'The content-length header does not match the body',
          { field: 'body' },
          { cause: error },
        ),
        issues: [],
      };
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
    case 'FST_NO_FORM_DATA':
      return {
        error: new SamError(
          'INVALID_ARGUMENT',
          `Expected a well-formed multipart/form-data body: ${e.message ?? e.code}`,
          { field: 'body' },
          { cause: error },
        ),
        issues: [],
      };
    case 'FST_REQ_FILE_TOO_LARGE':
    case 'FST_FILES_LIMIT':
    case 'FST_PARTS_LIMIT':
    case 'FST_FIELDS_LIMIT':
      return {
        error: new SamError(
          'REQUEST_TOO_LARGE',
          `The multipart upload exceeds a limit: ${e.message ?? e.code}`,
          { field: 'body' },
          { cause: error },
        ),
        issues: [],
      };
    default:
      break;
  }
  if (!(error instanceof SamError) && MULTIPART_MALFORMED.test(e?.message ?? '')) {
    return {
      error: new SamError(
        'INVALID_ARGUMENT',
        `Expected a well-formed multipart/form-data body: ${e.message}`,
        { field: 'body' },
        { cause: error },
      ),
      issues: [],
    };
  }
  if (error instanceof SyntaxError || (e?.statusCode === 400 && /JSON/i.test(e.message ?? ''))) {
    return {
      error: new SamError(
        'INVALID_ARGUMENT',
        `Expected a JSON body but it does not parse: ${e.message ?? ''}`,
        { field: 'body' },
        { cause: error },
      ),
      issues: [],
    };
  }
  if (e?.statusCode === 413)
    return {
      error: new SamError('REQUEST_TOO_LARGE', e.message ?? 'Request too large', { field: 'body' }, { cause: error }),
      issues: [],
    };
  if (e?.statusCode !== undefined && e.statusCode >= 400 && e.statusCode < 500) {
    return { error: new SamError('INVALID_ARGUMENT', e.message ?? 'Bad request', {}, { cause: error }), issues: [] };
  }
  return { error: toSamError(error), issues: [] };
}
