import { and, eq, lt } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.ts';
import { importJobs, type ImportJobRow } from '../../db/schema/index.ts';

/** `import_jobs` (owned here): background imports and their progress (docs/moving.md#import-jobs). */

export const insertJob = (db: DbOrTx, row: typeof importJobs.$inferInsert) =>
  db
    .insert(importJobs)
    .values(row)
    .returning()
    .then((r) => r[0]!);

export const getJob = (db: DbOrTx, tenantId: string, id: string) =>
  db
    .select()
    .from(importJobs)
    .where(and(eq(importJobs.tenantId, tenantId), eq(importJobs.id, id)))
    .then((r) => r[0]);

export const updateJob = (
  db: DbOrTx,
  tenantId: string,
  id: string,
  set: Partial<Omit<ImportJobRow, 'id' | 'tenantId' | 'createdAt'>>,
) =>
  db
    .update(importJobs)
    .set(set)
    .where(and(eq(importJobs.tenantId, tenantId), eq(importJobs.id, id)));

/** A running job that has not moved since `before`: its process stopped; it ends as failed. */
export const failStaleJobs = (db: DbOrTx, tenantId: string, before: Date, now: Date) =>
  db
    .update(importJobs)
    .set({ status: 'failed', error: 'interrupted', updatedAt: now })
    .where(
      and(
        eq(importJobs.tenantId, tenantId),
        eq(importJobs.status, 'running'),
        lt(importJobs.updatedAt, before),
      ),
    );
