// Signed file links: GET job outputs and uploads, PUT an upload's bytes. No API key: the token in the link is the
// credential (like a CDN link); a wrong, expired or missing token is 404, so links cannot be probed.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { SamError } from '../domain/errors.js';
import type { FileStore } from '../jobs/file-store.js';
import type { UploadStore } from '../jobs/upload-store.js';
import { nativeErrorHandler } from './native/error-response.js';
import type { LinkPurpose, UrlSigner } from './signed-urls.js';

export interface FilesRoutesOptions {
  files: FileStore;
  uploads: UploadStore;
  signer: UrlSigner;
  maxUploadBytes: number;
}

const TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  json: 'application/json',
  mp4: 'video/mp4',
};

/** Media types an upload may be served back with; anything else (text/html, SVG, scripts) is served as bytes. */
const SAFE_UPLOAD_TYPES = new Set([
  'image/png',
  'image/jpeg',
  'image/webp',
  'image/gif',
  'image/tiff',
  'image/avif',
  'image/heic',
  'image/heif',
  'video/mp4',
  'video/webm',
  'video/quicktime',
  'video/x-matroska',
  'video/x-msvideo',
  'video/mpeg',
  'video/mp2t',
  'video/ogg',
]);

/** The type an upload is served with: its declared type when that is a plain image or video type, else bytes. */
export function servedUploadType(declared: string): string {
  const bare = declared.split(';')[0]!.trim().toLowerCase();
  return SAFE_UPLOAD_TYPES.has(bare) ? bare : 'application/octet-stream';
}

/** A file name safe inside a Content-Disposition header (quoted form): letters, digits, dot, dash, underscore. */
const dispositionName = (name: string): string => name.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 100) || 'file';
const notFound = (): SamError =>
  new SamError('UPLOAD_NOT_FOUND', 'No file matches this link (wrong or expired token, or the file has expired)', {
    field: 'url',
  });

export async function filesRoutes(app: FastifyInstance, options: FilesRoutesOptions): Promise<void> {
  const { files, uploads, signer } = options;
  app.setErrorHandler(nativeErrorHandler);
  // Whatever a file holds, the browser neither sniffs it into a page nor runs anything in it.
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('content-security-policy', "default-src 'none'; sandbox");
    return payload;
  });
  // Upload bodies are raw bytes of any type, never parsed.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: options.maxUploadBytes }, (_request, body, done) =>
    done(null, body),
  );

  const check = (request: FastifyRequest, purpose: LinkPurpose): void => {
    const q = request.query as Record<string, unknown>;
    if (!signer.verify(purpose, request.url.split('?')[0]!, q.expires, q.token)) throw notFound();
  };
  const params = {
    type: 'object',
    properties: { id: { type: 'string', pattern: '^[0-9a-f]{32}$' }, name: { type: 'string' } },
    required: ['id', 'name'],
  } as const;
  const querystring = {
    type: 'object',
    properties: {
      expires: { type: 'string', description: 'Unix seconds, from the link' },
      token: { type: 'string', description: 'Signature, from the link' },
    },
  } as const;
  const doc = (summary: string) => ({ tags: ['Files'], summary, params, querystring }) as const;

  app.get<{ Params: { id: string; name: string } }>(
    '/files/jobs/:id/:name',
    { schema: doc('A job output by its signed link (overlay, mask image, RLE document); no API key') },
    async (request, reply) => {
      check(request, 'get');
      // A name that is no plain file name (`..`, `a/b`) names no stored file, however it was signed.
      if (!/^[A-Za-z0-9_-][A-Za-z0-9._-]*$/.test(request.params.name)) throw notFound();
      const bytes = await files.get(`jobs/${request.params.id}/${request.params.name}`);
      if (!bytes) throw notFound();
      const ext = request.params.name.split('.').pop() ?? '';
      return reply
        .header('content-type', TYPES[ext] ?? 'application/octet-stream')
        .header('content-disposition', `inline; filename="${dispositionName(request.params.name)}"`)
        .header('cache-control', 'private, max-age=3600')
        .send(Buffer.from(bytes));
    },
  );

  app.get<{ Params: { id: string; name: string } }>(
    '/files/uploads/:id/:name',
    { schema: doc('An upload by its signed download link; served as an attachment') },
    async (request, reply) => {
      check(request, 'get');
      const upload = await uploads.get(request.params.id);
      const bytes = upload?.complete ? await files.get(upload.key) : undefined;
      if (!upload || !bytes) throw notFound();
      return reply
        .header('content-type', servedUploadType(upload.contentType))
        .header('content-disposition', `attachment; filename="${dispositionName(request.params.name)}"`)
        .send(Buffer.from(bytes));
    },
  );

  app.put<{ Params: { id: string; name: string } }>(
    '/files/uploads/:id/:name',
    { schema: doc("An upload's bytes (the request body, any content type) by its signed upload link; no API key") },
    async (request) => {
      check(request, 'put');
      const body = request.body;
      if (!Buffer.isBuffer(body))
        throw new SamError('INVALID_ARGUMENT', 'Expected the file bytes as the request body but received none', {
          field: 'body',
        });
      const upload = await uploads.write(request.params.id, body);
      return { code: 200, message: 'success', data: { id: upload.id, size: upload.declaredBytes } };
    },
  );
}
