// The web playground at / (the Vite build in dist/playground, static files only). When it was not built, / says how.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** dist/playground from both src/http (tsx) and dist/http (built): two levels up is the package root. */
export const PLAYGROUND_DIR = fileURLToPath(new URL('../../dist/playground/', import.meta.url));

/** The playground's own files only, no framing, no inline script; image URLs typed by the user are fetched. */
const PLAYGROUND_CSP = [
  "default-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "style-src 'self' 'unsafe-inline'",
  'connect-src *',
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

export async function playgroundRoutes(app: FastifyInstance, options: { dir?: string } = {}): Promise<void> {
  const dir = options.dir ?? PLAYGROUND_DIR;
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('content-security-policy', PLAYGROUND_CSP);
    return payload;
  });
  if (existsSync(`${dir}/index.html`)) {
    await app.register(fastifyStatic, {
      root: dir,
      prefix: '/',
      index: ['index.html'],
      wildcard: false,
      schemaHide: true,
    });
    return;
  }
  app.get('/', { schema: { hide: true } }, async (_request, reply) =>
    reply
      .type('text/html; charset=utf-8')
      .send(
        '<!doctype html><title>sam3-server</title><p>The playground is not built: run <code>npm run build</code>. The API works: see <a href="/docs">/docs</a>.</p>',
      ),
  );
}
