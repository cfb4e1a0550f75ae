import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';

const Status = Type.Object({ status: Type.String() }, { additionalProperties: false });
const NotReady = Type.Object(
  {
    status: Type.String(),
    detail: Type.Optional(Type.String({ description: 'what is wrong and what to set' })),
  },
  { additionalProperties: false },
);

export interface ReadinessChecks {
  /** the database answers within a short deadline */
  ping: () => Promise<boolean>;
  /** a problem that keeps the vault from serving (e.g. data keys no master key unwraps) */
  problem: () => Promise<{ status: string; detail: string } | undefined>;
}

/**
 * Liveness answers without I/O; readiness checks the database with a short deadline, then that the
 * stored data keys unwrap with the configured master keys (docs/operations.md#master-key-rotation).
 */
export const healthRoutes =
  (checks: ReadinessChecks): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.get('/healthz', { schema: { tags: ['health'], response: { 200: Status } } }, async () => ({
      status: 'ok',
    }));
    app.get(
      '/readyz',
      { schema: { tags: ['health'], response: { 200: Status, 503: NotReady } } },
      async (_req, reply) => {
        if (!(await checks.ping())) return reply.code(503).send({ status: 'database_unavailable' });
        const problem = await checks.problem().then(
          (p) => p && { status: p.status, detail: p.detail },
          () => ({ status: 'database_unavailable' }),
        );
        return problem ? reply.code(503).send(problem) : { status: 'ready' };
      },
    );
  };
