// docs/errors.md, generated from the error catalogue and each surface's status table (a test keeps it in step).
import { ERROR_CODES, type ErrorCode } from '../domain/errors.js';
import { NATIVE_STATUS } from './native/error-response.js';
import { labelStudioStatus } from './labelstudio/error-response.js';
import { xAnyLabelingStatus } from './xanylabeling/error-response.js';
import { cvatStatus } from './cvat/error-response.js';
import { roboflowStatus } from './roboflow/error-response.js';
import { wavespeedError } from './wavespeed/error-response.js';

export function errorsMarkdown(): string {
  const rows = (Object.keys(ERROR_CODES) as ErrorCode[]).map((code) => {
    const e = ERROR_CODES[code];
    const ws = wavespeedError({ code, kind: e.kind });
    return `| \`${code}\` | ${e.kind} | ${e.retryable ? 'yes' : 'no'} | ${NATIVE_STATUS[e.kind]} | ${roboflowStatus({ code, kind: e.kind })} | ${ws.status} / ${ws.code} | ${labelStudioStatus(e)} | ${xAnyLabelingStatus(e)} | ${cvatStatus(e)} | ${e.summary} |`;
  });
  return [
    '# Errors',
    '',
    'Generated from `src/domain/errors.ts` and the status tables in `src/http/*/error-response.ts` by `npm run docs:generate`; do not edit by hand.',
    '',
    'Every error has a stable code. The native API answers `{"error": {"code", "message", "details"}}`; `details.field` names the offending field.',
    'The Roboflow facade answers like upstream: invalid requests 422 `{"detail": [{"type", "loc", "msg"}]}`, image problems 400',
    '`{"message": "Could not load input image. Cause: …"}`, everything else `{"message"}` (500: `"Internal error."`).',
    'The WaveSpeed facade answers submission errors as `{"code", "message", "data": null}` with its documented codes (1400 missing',
    'parameter — any schema `required` failure answers 1400 too —, 1401 invalid parameter, 1402 media not accessible, 5000/5003/5004).',
    'Once a job is accepted its errors never change an HTTP status: polls answer 200 with `status: "failed"` and the message in `error`.',
    'The Label Studio ML backend (`/labelstudio`) answers `{"status", "detail": "CODE: message", "code", "field"}` as its Flask backend does (no traceback).',
    'The X-AnyLabeling remote server (`/xanylabeling`) answers `{"success": false, "error": {"code", "message", "details"}}`.',
    'The CVAT functions (`/api/functions`, `/api/function_invocations`) answer `{"error": "CODE: message", "code", "field"}`.',
    'Busy answers (503; 429 on WaveSpeed) carry `Retry-After`. The CLI prints `CODE: message` and exits with a code per kind (see README).',
    '',
    '| Code | Kind | Retryable | Native HTTP | Roboflow HTTP | WaveSpeed HTTP / code | Label Studio HTTP | X-AnyLabeling HTTP | CVAT HTTP | Meaning |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}
