import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { tstz } from './columns.ts';

/** Who did what, when, from where — never a secret. Append-only through the API. */
export const auditEvents = pgTable(
  'audit_events',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id'),
    actorKeyId: text('actor_key_id'),
    /** the role of the acting key: operators read the trail of operator actions */
    actorRole: text('actor_role'),
    action: text('action').notNull(),
    resourceType: text('resource_type').notNull(),
    resourceId: text('resource_id'),
    ip: text('ip'),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    /** how many times it happened: token issuances are one row per (key, account, minute) */
    count: integer('count').notNull().default(1),
    createdAt: tstz('created_at').notNull().defaultNow(),
  },
  (t) => [
    index('audit_events_tenant_idx').on(t.tenantId, t.id),
    // the retention purge walks by time
    index('audit_events_created_idx').on(t.createdAt),
    // the one row per (tenant, key, account, minute) that issuances add up in
    uniqueIndex('audit_events_issuance_idx')
      .on(t.tenantId, t.actorKeyId, t.resourceId, t.createdAt)
      .where(sql`action = 'token.issued'`),
  ],
);

export type AuditRow = typeof auditEvents.$inferSelect;
