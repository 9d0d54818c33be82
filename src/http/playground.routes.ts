// The web playground at / (the Vite build in dist/playground, static files only). When it was not built, / says how.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** dist/playground from both src/http (tsx) and dist/http (built): two levels up is the package root. */
export const PLAYGROUND_DIR = fileURLToPath(new URL('../../dist/playground/', import.meta.url));

export async function playgroundRoutes(app: FastifyInstance, options: { dir?: string } = {}): Promise<void> {
  const dir = options.dir ?? PLAYGROUND_DIR;
  if (existsSync(`${dir}/index.html`)) {
    await app.register(fastifyStatic, { root: dir, prefix: '/', index: ['index.html'], wildcard: false, schemaHide: true });
    return;
  }
  app.get('/', { schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/html; charset=utf-8').send('<!doctype html><title>sam3-server</title><p>The playground is not built: run <code>npm run build</code>. The API works: see <a href="/docs">/docs</a>.</p>'),
  );
}
