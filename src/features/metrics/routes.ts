import type { FastifyPluginAsync } from 'fastify';
import type { Metrics } from './metrics.ts';

/** /metrics in Prometheus text format; meant for the internal network, like /healthz. */
export const metricsRoutes =
  (metrics: Metrics): FastifyPluginAsync =>
  async (app) => {
    app.get('/metrics', { schema: { hide: true } }, async (_req, reply) =>
      reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
    );
  };
