import { and, desc, eq, gte, lt, lte } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.ts';
import { auditEvents } from '../../db/schema/index.ts';

export type AuditRow = typeof auditEvents.$inferSelect;

export interface AuditFilter {
  action?: string;
  resourceId?: string;
  actorKeyId?: string;
  since?: Date;
  until?: Date;
}

/** Newest first, before the cursor id. */
export const listAuditEvents = (
  db: DbOrTx,
  tenantId: string,
  f: AuditFilter,
  limit: number,
  before?: string,
) =>
  db
    .select()
    .from(auditEvents)
    .where(
      and(
        eq(auditEvents.tenantId, tenantId),
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
