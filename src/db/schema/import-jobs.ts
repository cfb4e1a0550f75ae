import { sql } from 'drizzle-orm';
import { boolean, integer, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { timestamps } from './columns.ts';
import { tenants } from './tenants.ts';

export const IMPORT_JOB_STATUSES = ['running', 'done', 'failed'] as const;
export type ImportJobStatus = (typeof IMPORT_JOB_STATUSES)[number];

/**
 * An import run in the background (docs/moving.md#import-jobs): its counts as it goes and, once
 * done, every record's result. Never a record itself: the tokens stay in the running process's
 * memory. `updated_at` moves with every progress write, so a job whose process stopped shows.
 */
export const importJobs = pgTable(
  'import_jobs',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    status: text('status', { enum: IMPORT_JOB_STATUSES }).notNull(),
    dryRun: boolean('dry_run').notNull(),
    format: text('format').notNull(),
    total: integer('total').notNull(),
    done: integer('done').notNull().default(0),
    imported: integer('imported').notNull().default(0),
    unchanged: integer('unchanged').notNull().default(0),
    valid: integer('valid').notNull().default(0),
    failed: integer('failed').notNull().default(0),
    /** the per-record results (no token), written when the job ends */
    results: jsonb('results').$type<unknown[]>().notNull().default([]),
    /** why the job itself stopped (an internal error), not a record's failure */
    error: text('error'),
    ...timestamps,
  },
  // One running job per tenant: a second one waits its turn (409) rather than racing the first.
  (t) => [
    uniqueIndex('import_jobs_running_idx')
      .on(t.tenantId)
      .where(sql`status = 'running'`),
  ],
);

export type ImportJobRow = typeof importJobs.$inferSelect;
