// The one error hierarchy of sam3-server: SamError, its kinds, and the catalogue of stable codes.

/** Closed set of error kinds; every API surface maps each kind to its own status/body in one table. */
export type ErrorKind =
  | 'invalid_request'
  | 'unprocessable_media'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'payload_too_large'
  | 'unsupported'
  | 'busy'
  | 'unavailable'
  | 'timeout'
  | 'cancelled'
  | 'conflict'
  | 'insufficient_storage'
  | 'internal';

/** Stable error codes. Situations are codes, not classes. */
export const ERROR_CODES = {
  INVALID_ARGUMENT: {
    kind: 'invalid_request',
    retryable: false,
    summary: 'A request field has the wrong type or value.',
  },
  PROMPT_REQUIRED: {
    kind: 'invalid_request',
    retryable: false,
    summary: 'No prompt was given where at least one is required.',
  },
  PROMPT_BATCH_TOO_LARGE: {
    kind: 'invalid_request',
    retryable: false,
    summary: 'More prompts than the configured per-request limit.',
  },
  UNSUPPORTED_MEDIA_TYPE: {
    kind: 'invalid_request',
    retryable: false,
    summary: 'The request body has a content type this route does not accept.',
  },
  IMAGE_URL_FORBIDDEN: {
    kind: 'invalid_request',
    retryable: false,
    summary: 'The image URL is not http(s), or resolves to a loopback, private, link-local or metadata address.',
  },
  IMAGE_FETCH_FAILED: {
    kind: 'unprocessable_media',
    retryable: true,
    summary: 'The image URL could not be fetched (network error, HTTP error status, timeout or too many redirects).',
  },
  IMAGE_DECODE_FAILED: {
    kind: 'unprocessable_media',
    retryable: false,
    summary: 'The image bytes could not be decoded.',
  },
  IMAGE_TOO_LARGE: {
    kind: 'payload_too_large',
    retryable: false,
    summary: 'The image exceeds the byte or pixel limit.',
  },
  REQUEST_TOO_LARGE: {
    kind: 'payload_too_large',
    retryable: false,
    summary: 'The request body exceeds the configured size limit.',
  },
  UNAUTHORIZED: {
    kind: 'unauthorized',
    retryable: false,
    summary: 'API keys are configured and the request carried none, or a wrong one.',
  },
  HOST_NOT_ALLOWED: {
    kind: 'forbidden',
    retryable: false,
    summary:
      'No API keys are set and the Host header names neither a loopback name, an IP address nor a SAM3_ALLOWED_HOSTS entry (DNS rebinding guard).',
  },
  CROSS_SITE_REQUEST: {
    kind: 'forbidden',
    retryable: false,
    summary:
      'No API keys are set and a web page of another origin tried to send a request (not in SAM3_ALLOWED_ORIGINS).',
  },
  ROUTE_NOT_FOUND: { kind: 'not_found', retryable: false, summary: 'No route matches this method and path.' },
  MASK_RLE_INVALID: {
    kind: 'invalid_request',
    retryable: false,
    summary: 'An RLE does not describe exactly height×width pixels.',
  },
  MODEL_LOAD_FAILED: {
    kind: 'internal',
    retryable: false,
    summary: 'A model graph could not be opened by ONNX Runtime.',
  },
  MODEL_CONTRACT_MISMATCH: {
    kind: 'unsupported',
    retryable: false,
    summary: 'A graph does not fit any supported SAM 3 contract.',
  },
  INPUT_NOT_FOUND: {
    kind: 'not_found',
    retryable: false,
    summary: 'An input file named by the caller does not exist or cannot be read.',
  },
  MODEL_NOT_FOUND: {
    kind: 'not_found',
    retryable: false,
    summary: 'No model bundle exists at the given name or path.',
  },
  MODEL_ACCESS_DENIED: {
    kind: 'unauthorized',
    retryable: false,
    summary: 'A model hub refused a download (gated repository or missing/invalid HF_TOKEN).',
  },
  MODEL_DOWNLOAD_FAILED: {
    kind: 'internal',
    retryable: true,
    summary: 'A model file could not be downloaded (network error, hub error, interrupted transfer).',
  },
  MODEL_CHECKSUM_MISMATCH: {
    kind: 'internal',
    retryable: true,
    summary: 'A downloaded or installed model file does not match its SHA-256; the partial file was removed.',
  },
  MODEL_EXPORT_FAILED: {
    kind: 'internal',
    retryable: false,
    summary:
      'Exporting a model bundle from a checkpoint failed (no usable Python, a missing package, a graph that did not match PyTorch).',
  },
  MODEL_LOCKED: {
    kind: 'busy',
    retryable: true,
    summary: 'Another process is installing or removing this model bundle.',
  },
  CAPABILITY_MISSING: {
    kind: 'unsupported',
    retryable: false,
    summary: 'The loaded model bundle lacks the graphs this prompt needs.',
  },
  INFERENCE_FAILED: { kind: 'internal', retryable: true, summary: 'ONNX Runtime failed while running a graph.' },
  MODEL_NOT_READY: { kind: 'busy', retryable: true, summary: 'The model is still loading; retry shortly.' },
  MODEL_UNAVAILABLE: {
    kind: 'unavailable',
    retryable: false,
    summary:
      'No model could be loaded (none installed, or its files are broken): an operator must install or fix it, so retrying does not help.',
  },
  QUEUE_FULL: { kind: 'busy', retryable: true, summary: 'The inference queue is full; retry later.' },
  QUEUE_UNAVAILABLE: {
    kind: 'busy',
    retryable: true,
    summary: 'Scale-out mode: the job queue (Redis) cannot be reached, or no worker is connected; retry shortly.',
  },
  DEADLINE_EXCEEDED: { kind: 'timeout', retryable: true, summary: 'The request did not finish within its deadline.' },
  REQUEST_CANCELLED: {
    kind: 'cancelled',
    retryable: false,
    summary: 'The caller went away or cancelled before the work finished.',
  },
  JOB_NOT_FOUND: {
    kind: 'not_found',
    retryable: false,
    summary: 'No job (prediction) with this id exists, or it has expired.',
  },
  JOB_ALREADY_FINISHED: {
    kind: 'conflict',
    retryable: false,
    summary: 'The job already completed, failed or was cancelled, so it cannot be cancelled.',
  },
  JOB_CANCELLED: { kind: 'cancelled', retryable: false, summary: 'The job was cancelled before it finished.' },
  JOB_INTERRUPTED: {
    kind: 'internal',
    retryable: false,
    summary: 'The server stopped while the job ran, more times than the retry limit allows.',
  },
  MEDIA_NOT_ACCESSIBLE: {
    kind: 'unprocessable_media',
    retryable: false,
    summary: 'An uploaded file named as input does not exist, was never completed, or has expired.',
  },
  UPLOAD_NOT_FOUND: {
    kind: 'not_found',
    retryable: false,
    summary: 'No upload or output file matches this id and token (or it has expired).',
  },
  UPLOAD_SIZE_MISMATCH: {
    kind: 'invalid_request',
    retryable: false,
    summary: 'The uploaded bytes differ in size from the size declared when the upload was created.',
  },
  WEBHOOK_URL_INVALID: {
    kind: 'invalid_request',
    retryable: false,
    summary: 'The webhook URL is not an absolute http(s) URL.',
  },
  VIDEO_UNAVAILABLE: {
    kind: 'unsupported',
    retryable: false,
    summary:
      'Video segmentation is not available here: no ffmpeg/ffprobe binary was found, or this queue has no video worker.',
  },
  VIDEO_DECODE_FAILED: {
    kind: 'unprocessable_media',
    retryable: false,
    summary: 'The video could not be read: corrupt, truncated, empty, audio-only, or in a format ffmpeg cannot decode.',
  },
  VIDEO_TOO_LARGE: {
    kind: 'payload_too_large',
    retryable: false,
    summary: 'The video exceeds the configured duration, resolution or frame limit.',
  },
  VIDEO_ENCODE_FAILED: {
    kind: 'internal',
    retryable: true,
    summary: 'ffmpeg failed while encoding the overlay video.',
  },
  SESSION_NOT_FOUND: {
    kind: 'not_found',
    retryable: false,
    summary: 'No video session with this id exists, or it was closed or expired.',
  },
  SESSION_OBJECT_NOT_FOUND: {
    kind: 'not_found',
    retryable: false,
    summary: 'The video session has no object with this id.',
  },
  SESSION_BUSY: {
    kind: 'conflict',
    retryable: true,
    summary: 'The video session is already propagating; wait for it to finish or cancel it.',
  },
  SESSION_LIMIT: {
    kind: 'busy',
    retryable: true,
    summary: 'The server holds as many video sessions as it is configured for; close one or retry later.',
  },
  SESSION_MEMORY_EXCEEDED: {
    kind: 'payload_too_large',
    retryable: false,
    summary: "The video session's results and tracker memory would exceed its memory budget.",
  },
  STORAGE_FULL: {
    kind: 'insufficient_storage',
    retryable: true,
    summary: "The server's disk (files directory or job database) is full; retry once an operator has freed space.",
  },
  INTERNAL: { kind: 'internal', retryable: false, summary: 'An unexpected internal error.' },
} as const satisfies Record<string, { kind: ErrorKind; retryable: boolean; summary: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface ErrorDetails {
  /** Dotted path of the offending field, e.g. `prompts[2].box`. */
  field?: string;
  expected?: string;
  received?: unknown;
  limit?: number;
  [key: string]: unknown;
}

/** Base of every error sam3-server throws on purpose. */
export class SamError extends Error {
  readonly code: ErrorCode;
  readonly kind: ErrorKind;
  readonly retryable: boolean;
  readonly details: ErrorDetails;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SamError';
    this.code = code;
    this.kind = ERROR_CODES[code].kind;
    this.retryable = ERROR_CODES[code].retryable;
    this.details = details;
  }
}

/** Describes a received value for messages: `17 (number)`, `"abc" (string)`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') {
    const shown = value.length > 60 ? `${value.slice(0, 57)}...` : value;
    return `${JSON.stringify(shown)} (string)`;
  }
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === 'object') return 'an object';
  return `${String(value)} (${typeof value})`;
}

/** The sharp-style invalid-argument error: "Expected <what> for <field> but received <value>". */
export function invalidArgument(field: string, expected: string, received: unknown): SamError {
  return new SamError('INVALID_ARGUMENT', `Expected ${expected} for ${field} but received ${describeValue(received)}`, {
    field,
    expected,
    received,
  });
}

/** System error codes of a full disk or quota (Node's fs, and SQLite's own). */
const STORAGE_FULL_CODES = new Set(['ENOSPC', 'EDQUOT', 'EFBIG', 'SQLITE_FULL']);

/** STORAGE_FULL for an error raised by a full disk, else undefined. */
export function storageFullError(error: unknown): SamError | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !STORAGE_FULL_CODES.has(code)) return undefined;
  return new SamError(
    'STORAGE_FULL',
    `The server could not store data: its disk is full (${code})`,
    {},
    { cause: error },
  );
}

/** Wraps anything thrown by foreign code into a SamError, keeping the cause (a full disk is STORAGE_FULL). */
export function toSamError(error: unknown, code: ErrorCode = 'INTERNAL', message?: string): SamError {
  if (error instanceof SamError) return error;
  const full = storageFullError(error);
  if (full) return full;
  const text = error instanceof Error ? error.message : String(error);
  return new SamError(code, message ?? text, {}, { cause: error });
}

/**
 * The same error with its field path renamed (e.g. an engine's `concepts[0].boxes[1]` → a wire's `prompts[2].boxes[1]`),
 * in `details.field` and in the message. Errors whose field `rename` leaves alone are returned as they are.
 */
export function renameField(error: unknown, rename: (field: string) => string): unknown {
  if (!(error instanceof SamError) || typeof error.details.field !== 'string') return error;
  const from = error.details.field;
  const to = rename(from);
  if (to === from) return error;
  return new SamError(
    error.code,
    error.message.split(from).join(to),
    { ...error.details, field: to },
    { cause: error },
  );
}
