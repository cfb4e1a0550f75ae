import { integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { tstz } from './columns.ts';
import { tenants } from './tenants.ts';

/**
 * The requests each holder of a policy with a budget has made in its current window, shared by
 * every replica (a budget is a bound on what a holder can do, not on one process's load).
 */
export const requestBudgets = pgTable(
  'request_budgets',
  {
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    /** the key id, or `ti_…:<subject>` */
    holder: text('holder').notNull(),
    windowStart: tstz('window_start').notNull(),
    used: integer('used').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.holder] })],
);
