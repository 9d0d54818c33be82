// Native multipart requests: a JSON "request" field becomes the body (validated by the route's schema as usual)
// and one file field is kept aside for the handler. Shared by /v1/segment ("image") and /v1/videos ("video").
import type { FastifyRequest } from 'fastify';
import { SamError } from '../../domain/errors.js';

export interface MultipartReader {
  /** The route's preValidation hook; non-multipart requests pass through untouched. */
  preValidation(request: FastifyRequest): Promise<void>;
  /** The uploaded file of this request, if any. */
  file(request: FastifyRequest): Uint8Array | undefined;
}

export function multipartReader(fileField: string): MultipartReader {
  const files = new WeakMap<FastifyRequest, Uint8Array>();
  return {
    async preValidation(request) {
      if (!request.isMultipart()) return;
      let body: unknown = {};
      for await (const part of request.parts()) {
        if (part.type === 'file') {
          if (part.fieldname !== fileField)
            throw new SamError(
              'INVALID_ARGUMENT',
              `Expected the file in multipart field "${fileField}" but received field ${JSON.stringify(part.fieldname)}`,
              { field: part.fieldname },
            );
          files.set(request, await part.toBuffer());
        } else if (part.fieldname === 'request') {
          try {
            body = JSON.parse(String(part.value));
          } catch (cause) {
            throw new SamError(
              'INVALID_ARGUMENT',
              `Expected JSON in multipart field "request" but it does not parse: ${(cause as Error).message}`,
              { field: 'request' },
              { cause },
            );
          }
        } else {
          throw new SamError(
            'INVALID_ARGUMENT',
            `Expected multipart fields "${fileField}" (file) and "request" (JSON) but received ${JSON.stringify(part.fieldname)}`,
            { field: part.fieldname },
          );
        }
      }
      request.body = body;
    },
    file: (request) => files.get(request),
  };
}
