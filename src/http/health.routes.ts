// Probes and metrics: GET /healthz (process alive), GET /readyz (models loaded; 503 until then), GET /metrics.
import type { FastifyInstance } from 'fastify';

export interface HealthRoutesOptions {
  readiness: () => { ready: boolean; detail: string };
  metrics?: { contentType: string; render(): Promise<string> };
}

export async function healthRoutes(app: FastifyInstance, options: HealthRoutesOptions): Promise<void> {
  app.get('/healthz', { schema: { tags: ['Operations'], summary: 'The process is alive' } }, async () => ({
    status: 'ok',
  }));
  app.get(
    '/readyz',
    { schema: { tags: ['Operations'], summary: 'The model is loaded (503 while loading or after a failed load)' } },
    async (_request, reply) => {
      const r = options.readiness();
      return reply.code(r.ready ? 200 : 503).send({ status: r.ready ? 'ready' : 'not_ready', detail: r.detail });
    },
  );
  const metrics = options.metrics;
  if (metrics) {
    app.get('/metrics', { schema: { tags: ['Operations'], summary: 'Prometheus metrics' } }, async (_request, reply) =>
      reply.type(metrics.contentType).send(await metrics.render()),
    );
  }
}
