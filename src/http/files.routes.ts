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

const TYPES: Record<string, string> = { png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', webp: 'image/webp', json: 'application/json', mp4: 'video/mp4' };
const notFound = (): SamError => new SamError('UPLOAD_NOT_FOUND', 'No file matches this link (wrong or expired token, or the file has expired)', { field: 'url' });

export async function filesRoutes(app: FastifyInstance, options: FilesRoutesOptions): Promise<void> {
  const { files, uploads, signer } = options;
  app.setErrorHandler(nativeErrorHandler);
  // Upload bodies are raw bytes of any type, never parsed.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: options.maxUploadBytes }, (_request, body, done) => done(null, body));

  const check = (request: FastifyRequest, purpose: LinkPurpose): void => {
    const q = request.query as Record<string, unknown>;
    if (!signer.verify(purpose, request.url.split('?')[0]!, q.expires, q.token)) throw notFound();
  };
  const params = { type: 'object', properties: { id: { type: 'string', pattern: '^[0-9a-f]{32}$' }, name: { type: 'string' } }, required: ['id', 'name'] } as const;
  const hidden = { hide: true } as const;

  app.get<{ Params: { id: string; name: string } }>('/files/jobs/:id/:name', { schema: { ...hidden, params } }, async (request, reply) => {
    check(request, 'get');
    const bytes = await files.get(`jobs/${request.params.id}/${request.params.name}`);
    if (!bytes) throw notFound();
    const ext = request.params.name.split('.').pop() ?? '';
    return reply.header('content-type', TYPES[ext] ?? 'application/octet-stream').header('cache-control', 'private, max-age=3600').send(Buffer.from(bytes));
  });

  app.get<{ Params: { id: string; name: string } }>('/files/uploads/:id/:name', { schema: { ...hidden, params } }, async (request, reply) => {
    check(request, 'get');
    const upload = await uploads.get(request.params.id);
    const bytes = upload?.complete ? await files.get(upload.key) : undefined;
    if (!upload || !bytes) throw notFound();
    return reply.header('content-type', upload.contentType).send(Buffer.from(bytes));
  });

  app.put<{ Params: { id: string; name: string } }>('/files/uploads/:id/:name', { schema: { ...hidden, params } }, async (request) => {
    check(request, 'put');
    const body = request.body;
    if (!Buffer.isBuffer(body)) throw new SamError('INVALID_ARGUMENT', 'Expected the file bytes as the request body but received none', { field: 'body' });
    const upload = await uploads.write(request.params.id, body);
    return { code: 200, message: 'success', data: { id: upload.id, size: upload.declaredBytes } };
  });
}
