import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { IdParam, problems } from '../../http/schemas.ts';
import type { KeyRotation } from './rotation.ts';

const operator = { roles: ['operator' as const] };
// Rotations commit batch by batch (resumable): audited once they finish, not in one transaction.
const rotating = { ...operator, audit: 'after' as const };
const tags = ['keys'];
const Usage = Type.Array(
  Type.Object(
    {
      kid: Type.String(),
      active: Type.Boolean(),
      configured: Type.Boolean(),
      data_keys: Type.Integer(),
    },
    { additionalProperties: false },
  ),
);

/** Operator routes for key rotation (also `npm run keys -- rewrap`). */
export const keyRotationRoutes =
  (
    rotation: KeyRotation,
    tenantExists: (id: string) => Promise<unknown>,
  ): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.get(
      '/v1/master-keys',
      {
        config: operator,
        schema: {
          tags,
          summary: 'Master keys and how many data keys each wraps (retire a key at 0)',
          response: { 200: Type.Object({ data: Usage }), ...problems(401, 403) },
        },
      },
      async () => ({ data: await rotation.usage() }),
    );
    app.post(
      '/v1/master-keys/rewrap',
      {
        config: rotating,
        schema: {
          tags,
          summary: 'Re-wrap every data key with the active master key (idempotent, resumable)',
          response: {
            200: Type.Object({ rewrapped: Type.Integer(), data: Usage }),
            ...problems(401, 403),
          },
        },
      },
      async () => {
        const r = await rotation.rewrapAll();
        return { rewrapped: r.rewrapped, data: r.usage };
      },
    );
    app.post(
      '/v1/tenants/:id/rotate-data-key',
      {
        config: rotating,
        schema: {
          tags,
          summary: 'New data key for the tenant; re-encrypts its fields in batches',
          params: IdParam('tn'),
          response: {
            200: Type.Object({ data_key_id: Type.String(), reencrypted: Type.Integer() }),
            ...problems(400, 401, 403, 404),
          },
        },
      },
      async (req) => {
        await tenantExists(req.params.id);
        return rotation.rotateTenantDataKey(req.params.id);
      },
    );
  };
