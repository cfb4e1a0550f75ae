import { Param, and, desc, eq, gte, inArray, lt, lte, sql } from 'drizzle-orm';
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

/**
 * Adds issuance counts to their (tenant, key, account, minute) rows, creating them as needed: one
 * statement with one array per column, however many rows (no per-row query building).
 */
export const addIssuanceCounts = (db: DbOrTx, rows: (typeof auditEvents.$inferInsert)[]) => {
  // Param: each array is one parameter (a bare array would be spread into a list).
  const arr = (values: unknown[]) => new Param(values);
  const col = <K extends keyof (typeof rows)[number]>(k: K) => arr(rows.map((r) => r[k] ?? null));
  return db.execute(sql`
    insert into audit_events
      (id, tenant_id, actor_key_id, actor_role, action, resource_type, resource_id, ip, details,
       count, created_at)
    select * from unnest(
      ${col('id')}::text[], ${col('tenantId')}::text[], ${col('actorKeyId')}::text[],
      ${col('actorRole')}::text[], ${col('action')}::text[], ${col('resourceType')}::text[],
      ${col('resourceId')}::text[], ${col('ip')}::text[],
      ${arr(rows.map((r) => JSON.stringify(r.details ?? {})))}::jsonb[],
      ${col('count')}::int[], ${arr(rows.map((r) => (r.createdAt as Date).toISOString()))}::timestamptz[])
    on conflict (tenant_id, actor_key_id, resource_id, created_at) where action = 'token.issued'
    do update set count = audit_events.count + excluded.count`);
};

/** Deletes up to `limit` rows older than `cutoff` (oldest first); returns how many went. */
export const deleteAuditEventsBefore = (db: DbOrTx, cutoff: Date, limit: number) =>
  db
    .delete(auditEvents)
    .where(
      inArray(
        auditEvents.id,
        db
          .select({ id: auditEvents.id })
          .from(auditEvents)
          .where(lt(auditEvents.createdAt, cutoff))
          .orderBy(auditEvents.createdAt)
          .limit(limit),
      ),
    )
    .returning({ id: auditEvents.id })
    .then((r) => r.length);
