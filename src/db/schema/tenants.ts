import { pgTable, text } from 'drizzle-orm/pg-core';
import { timestamps } from './columns.ts';

export const tenants = pgTable('tenants', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  status: text('status', { enum: ['active', 'disabled'] })
    .notNull()
    .default('active'),
  ...timestamps,
});

/** Facts about this installation, e.g. which tenant the first start created (`default_tenant_id`). */
export const vaultSettings = pgTable('vault_settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

export type TenantRow = typeof tenants.$inferSelect;
