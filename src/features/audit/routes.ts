import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { tenantOf } from '../../http/auth.ts';
import { paginate } from '../../http/pagination.ts';
import { badRequest } from '../../lib/errors.ts';
import { ListQuery, Page, Timestamp, problems } from '../../http/schemas.ts';
import type { AuditRow } from '../../db/schema/index.ts';
import type { AuditService } from './service.ts';

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
    count: Type.Integer({
      minimum: 1,
      description:
        'how many times it happened: 1 for an admin change; token reads and proxied calls are counted per key, account and minute (created_at is that minute)',
    }),
    created_at: Timestamp,
  },
  { additionalProperties: false },
);

const Query = ListQuery({
  action: Type.Optional(Type.String({ maxLength: 200 })),
  resource_id: Type.Optional(Type.String({ maxLength: 64 })),
  actor_key_id: Type.Optional(Type.String({ maxLength: 64 })),
  since: Type.Optional(Type.String({ format: 'date-time' })),
  until: Type.Optional(Type.String({ format: 'date-time' })),
});

type Row = AuditRow;

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
  count: r.count,
  created_at: r.createdAt.toISOString(),
});

/** The audit trail, read-only: there is no route that changes or erases it. */
export const auditRoutes =
  (svc: AuditService): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.get(
      '/v1/audit-events',
      {
        config: { roles: ['admin', 'operator'] },
        schema: {
          tags: ['audit'],
          summary:
            'Who did what, when, from where (newest first): admin keys read their tenant’s trail (operator actions on it included), operator keys every operator action',
          querystring: Query,
          response: { 200: Page(AuditEvent), ...problems(400, 401, 403) },
        },
      },
      async (req) => {
        const q = req.query;
        const since = q.since ? validDate('query.since', q.since) : undefined;
        const until = q.until ? validDate('query.until', q.until) : undefined;
        if (req.principal!.role !== 'operator') tenantOf(req);
        const filter = {
          action: q.action,
          resourceId: q.resource_id,
          actorKeyId: q.actor_key_id,
          since,
          until,
        };
        return paginate(q, (page) => svc.list(req.principal!, filter, page), view);
      },
    );
  };
