import { and, eq, gt, inArray } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.ts';
import { connectedAccounts, type AccountStatus } from '../../db/schema/index.ts';

export type AccountRow = typeof connectedAccounts.$inferSelect;
export type AccountInsert = typeof connectedAccounts.$inferInsert;

export const insertAccount = (db: DbOrTx, row: AccountInsert) =>
  db
    .insert(connectedAccounts)
    .values(row)
    .returning()
    .then((r) => r[0]!);

export const getAccount = (db: DbOrTx, tenantId: string, id: string) =>
  db
    .select()
    .from(connectedAccounts)
    .where(and(eq(connectedAccounts.tenantId, tenantId), eq(connectedAccounts.id, id)))
    .then((r) => r[0]);

export interface AccountFilter {
  authConfigId?: string;
  userId?: string;
  status?: AccountStatus;
}

export const listAccounts = (
  db: DbOrTx,
  tenantId: string,
  f: AccountFilter,
  limit: number,
  after?: string,
) =>
  db
    .select()
    .from(connectedAccounts)
    .where(
      and(
        eq(connectedAccounts.tenantId, tenantId),
        f.authConfigId ? eq(connectedAccounts.authConfigId, f.authConfigId) : undefined,
        f.userId !== undefined ? eq(connectedAccounts.userId, f.userId) : undefined,
        f.status ? eq(connectedAccounts.status, f.status) : undefined,
        after ? gt(connectedAccounts.id, after) : undefined,
      ),
    )
    .orderBy(connectedAccounts.id)
    .limit(limit);

/**
 * Updates the row only while its status is one of `fromStatuses` and its generation is `generation`
 * (when given): the compare-and-swap every token write goes through.
 */
export const updateAccount = (
  db: DbOrTx,
  tenantId: string,
  id: string,
  set: Partial<AccountInsert>,
  fromStatuses?: AccountStatus[],
  generation?: number,
) =>
  db
    .update(connectedAccounts)
    .set(set)
    .where(
      and(
        eq(connectedAccounts.tenantId, tenantId),
        eq(connectedAccounts.id, id),
        fromStatuses ? inArray(connectedAccounts.status, fromStatuses) : undefined,
        generation !== undefined ? eq(connectedAccounts.generation, generation) : undefined,
      ),
    )
    .returning()
    .then((r) => r[0]);

export const deleteAccount = (db: DbOrTx, tenantId: string, id: string) =>
  db
    .delete(connectedAccounts)
    .where(and(eq(connectedAccounts.tenantId, tenantId), eq(connectedAccounts.id, id)))
    .returning({ id: connectedAccounts.id })
    .then((r) => r[0]);
