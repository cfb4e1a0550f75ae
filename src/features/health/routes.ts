import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';

const Status = Type.Object({ status: Type.String() }, { additionalProperties: false });

/** Liveness answers without I/O; readiness checks the database with a short deadline. */
export const healthRoutes =
  (ping: () => Promise<boolean>): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.get('/healthz', { schema: { tags: ['health'], response: { 200: Status } } }, async () => ({
      status: 'ok',
    }));
    app.get(
      '/readyz',
      { schema: { tags: ['health'], response: { 200: Status, 503: Status } } },
      async (_req, reply) =>
        (await ping())
          ? { status: 'ready' }
          : reply.code(503).send({ status: 'database_unavailable' }),
    );
  };
