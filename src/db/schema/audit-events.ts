import { index, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
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
    createdAt: tstz('created_at').notNull().defaultNow(),
  },
  (t) => [index('audit_events_tenant_idx').on(t.tenantId, t.id)],
);

export type AuditRow = typeof auditEvents.$inferSelect;
