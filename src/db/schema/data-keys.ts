import { index, pgTable, text } from 'drizzle-orm/pg-core';
import { timestamps } from './columns.ts';
import { tenants } from './tenants.ts';

/** Per-tenant data keys, wrapped by a master key (the wrapped value names its master kid). */
export const dataKeys = pgTable(
  'data_keys',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    wrappedKey: text('wrapped_key').notNull(),
    masterKid: text('master_kid').notNull(),
    status: text('status', { enum: ['active', 'retired'] })
      .notNull()
      .default('active'),
    ...timestamps,
  },
  (t) => [index('data_keys_tenant_idx').on(t.tenantId, t.status)],
);
