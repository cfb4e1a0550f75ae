import { and, desc, eq, gte, lt, lte } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.ts';
import { auditEvents } from '../../db/schema/index.ts';

export interface AuditFilter {
  action?: string;
  resourceId?: string;
  actorKeyId?: string;
  since?: Date;
  until?: Date;
}

/**
 * Newest first, before the cursor id: a tenant's trail (everything done in or to it), or — for
 * operators, `{ actorRole: 'operator' }` — every operator action, whatever tenant it touched.
 */
export const listAuditEvents = (
  db: DbOrTx,
  scope: { tenantId: string } | { actorRole: 'operator' },
  f: AuditFilter,
  limit: number,
  before?: string,
) =>
  db
    .select()
    .from(auditEvents)
    .where(
      and(
        'tenantId' in scope
          ? eq(auditEvents.tenantId, scope.tenantId)
          : eq(auditEvents.actorRole, scope.actorRole),
        f.action ? eq(auditEvents.action, f.action) : undefined,
        f.resourceId ? eq(auditEvents.resourceId, f.resourceId) : undefined,
        f.actorKeyId ? eq(auditEvents.actorKeyId, f.actorKeyId) : undefined,
        f.since ? gte(auditEvents.createdAt, f.since) : undefined,
        f.until ? lte(auditEvents.createdAt, f.until) : undefined,
        before ? lt(auditEvents.id, before) : undefined,
      ),
    )
    .orderBy(desc(auditEvents.id))
    .limit(limit);

/** One INSERT for a batch of records (the writer's flush). */
export const insertAuditEvents = (db: DbOrTx, rows: (typeof auditEvents.$inferInsert)[]) =>
  db.insert(auditEvents).values(rows);
