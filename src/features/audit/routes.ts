import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Db } from '../../db/client.ts';
import { tenantOf } from '../../http/auth.ts';
import { decodeCursor, toPage } from '../../http/pagination.ts';
import { badRequest } from '../../lib/errors.ts';
import { Page, Timestamp, authRequired, problems } from '../../http/schemas.ts';
import * as repo from './repo.ts';

const AuditEvent = Type.Object(
  {
    id: Type.String(),
    tenant_id: Type.Union([Type.String(), Type.Null()]),
    actor_key_id: Type.Union([Type.String(), Type.Null()]),
    actor_role: Type.Union([Type.String(), Type.Null()]),
    action: Type.String(),
    resource_type: Type.String(),
    resource_id: Type.Union([Type.String(), Type.Null()]),
    ip: Type.Union([Type.String(), Type.Null()]),
    details: Type.Record(Type.String(), Type.Unknown()),
    created_at: Timestamp,
  },
  { additionalProperties: false },
);

const Query = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
    action: Type.Optional(Type.String({ maxLength: 200 })),
    resource_id: Type.Optional(Type.String({ maxLength: 64 })),
    actor_key_id: Type.Optional(Type.String({ maxLength: 64 })),
    since: Type.Optional(Type.String({ format: 'date-time' })),
    until: Type.Optional(Type.String({ format: 'date-time' })),
  },
  { additionalProperties: false },
);

type Row = repo.AuditRow;

/** A date-time PostgreSQL can compare with (format checks let year 0 and leap seconds through). */
function validDate(field: string, value: string): Date {
  const d = new Date(value);
  const y = d.getUTCFullYear();
  if (Number.isNaN(d.getTime()) || y < 1 || y > 9999)
    throw badRequest('invalid_request', `${field} is not a usable date-time`);
  return d;
}
const view = (r: Row) => ({
  id: r.id,
  tenant_id: r.tenantId,
  actor_key_id: r.actorKeyId,
  actor_role: r.actorRole,
  action: r.action,
  resource_type: r.resourceType,
  resource_id: r.resourceId,
  ip: r.ip,
  details: r.details,
  created_at: r.createdAt.toISOString(),
});

/** The audit trail, read-only: there is no route that changes or erases it. */
export const auditRoutes =
  (db: Db): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.get(
      '/v1/audit-events',
      {
        config: { roles: ['admin', 'operator'] },
        schema: {
          tags: ['audit'],
          security: authRequired,
          summary:
            'Who did what, when, from where (newest first): admin keys read their tenant’s trail (operator actions on it included), operator keys every operator action',
          querystring: Query,
          response: { 200: Page(AuditEvent), ...problems(400, 401, 403) },
        },
      },
      async (req) => {
        const q = req.query;
        const limit = q.limit ?? 50;
        const before = decodeCursor(q.cursor);
        const since = q.since ? validDate('query.since', q.since) : undefined;
        const until = q.until ? validDate('query.until', q.until) : undefined;
        const p = req.principal!;
        const rows = await repo.listAuditEvents(
          db,
          p.role === 'operator' ? { actorRole: 'operator' } : { tenantId: tenantOf(req) },
          { action: q.action, resourceId: q.resource_id, actorKeyId: q.actor_key_id, since, until },
          limit + 1,
          before,
        );
        return toPage(rows, limit, view);
      },
    );
  };
