// docs/errors.md, generated from the error catalogue and each surface's status table (a test keeps it in step).
import { ERROR_CODES, type ErrorCode } from '../domain/errors.js';
import { NATIVE_STATUS } from './native/error-response.js';
import { roboflowStatus } from './roboflow/error-response.js';

export function errorsMarkdown(): string {
  const rows = (Object.keys(ERROR_CODES) as ErrorCode[]).map((code) => {
    const e = ERROR_CODES[code];
    return `| \`${code}\` | ${e.kind} | ${e.retryable ? 'yes' : 'no'} | ${NATIVE_STATUS[e.kind]} | ${roboflowStatus({ code, kind: e.kind })} | ${e.summary} |`;
  });
  return [
    '# Errors',
    '',
    'Generated from `src/domain/errors.ts` and the status tables in `src/http/*/error-response.ts` by `npm run docs:generate`; do not edit by hand.',
    '',
    'Every error has a stable code. The native API answers `{"error": {"code", "message", "details"}}`; `details.field` names the offending field.',
    'The Roboflow facade answers like upstream: invalid requests 422 `{"detail": [{"type", "loc", "msg"}]}`, image problems 400',
    '`{"message": "Could not load input image. Cause: …"}`, everything else `{"message"}` (500: `"Internal error."`).',
    'Busy answers (503) carry `Retry-After`. The CLI prints `CODE: message` and exits with a code per kind (see README).',
    '',
    '| Code | Kind | Retryable | Native HTTP | Roboflow HTTP | Meaning |',
    '|---|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}
