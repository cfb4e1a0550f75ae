import { and, arrayContains, eq, gt, inArray, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.ts';
import type { WriteScope } from '../../db/transact.ts';
import {
  connectedAccounts as ca,
  type AccountInsert,
  type AccountRow,
  type AccountStatus,
} from '../../db/schema/index.ts';
import { accountChange, touchesTokenRead, type AccountUpdate } from './token-read-model.ts';

/**
 * `connected_accounts` is owned by this feature; its queries are split by use case: the
 * lifecycle here, the refresh worker's claims and leases in lease-repo.ts, the metrics'
 * aggregates in aggregate-repo.ts, the token path's read in token-read-model.ts. Every write goes
 * through the three helpers below, which announce it to this process's caches by the rule the
 * NOTIFY trigger follows in the database: inserts and deletes always, updates when they touch a
 * column the token read returns.
 */

export async function insertAccount(scope: WriteScope, row: AccountInsert) {
  const [written] = await scope.tx.insert(ca).values(row).returning();
  scope.announce(accountChange(written!));
  return written!;
}

/** The update every account write goes through. */
export async function updateAccounts(
  scope: WriteScope,
  set: AccountUpdate,
  where: SQL | undefined,
): Promise<AccountRow[]> {
  const rows = await scope.tx.update(ca).set(set).where(where).returning();
  if (touchesTokenRead(set)) for (const r of rows) scope.announce(accountChange(r));
  return rows;
}

async function deleteAccounts(scope: WriteScope, where: SQL | undefined) {
  const rows = await scope.tx.delete(ca).where(where).returning();
  for (const r of rows) scope.announce(accountChange(r));
  return rows;
}

export const getAccount = (db: DbOrTx, tenantId: string, id: string) =>
  db
    .select()
    .from(ca)
    .where(and(eq(ca.tenantId, tenantId), eq(ca.id, id)))
    .then((r) => r[0]);

export interface AccountFilter {
  authConfigId?: string;
  userId?: string;
  status?: AccountStatus;
  /** accounts carrying every one of these */
  tags?: string[];
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
    .from(ca)
    .where(
      and(
        eq(ca.tenantId, tenantId),
        f.authConfigId ? eq(ca.authConfigId, f.authConfigId) : undefined,
        f.userId !== undefined ? eq(ca.userId, f.userId) : undefined,
        f.status ? eq(ca.status, f.status) : undefined,
        f.tags?.length ? arrayContains(ca.tags, f.tags) : undefined,
        after ? gt(ca.id, after) : undefined,
      ),
    )
    .orderBy(ca.id)
    .limit(limit);

/**
 * Updates the row only while its status is one of `fromStatuses` and its generation is `generation`
 * (when given): the compare-and-swap every token write goes through.
 */
export const updateAccount = (
  scope: WriteScope,
  tenantId: string,
  id: string,
  set: AccountUpdate,
  fromStatuses?: AccountStatus[],
  generation?: number,
) =>
  updateAccounts(
    scope,
    set,
    and(
      eq(ca.tenantId, tenantId),
      eq(ca.id, id),
      fromStatuses ? inArray(ca.status, fromStatuses) : undefined,
      generation !== undefined ? eq(ca.generation, generation) : undefined,
    ),
  ).then((r) => r[0]);

export const deleteAccount = (scope: WriteScope, tenantId: string, id: string) =>
  deleteAccounts(scope, and(eq(ca.tenantId, tenantId), eq(ca.id, id))).then((r) => r[0]);

/**
 * A config's client secret changed: its accounts EXPIRED for `reason` (a refused secret) are
 * ACTIVE again, due at once and marked revived, so the next attempt (worker or token request)
 * uses the new secret and, if it works, reports the account active.
 */
export const reviveAccounts = (
  scope: WriteScope,
  tenantId: string,
  configId: string,
  reason: string,
  now: Date,
) =>
  updateAccounts(
    scope,
    { status: 'ACTIVE', statusReason: null, nextRefreshAt: now, revivedAt: now, updatedAt: now },
    and(
      eq(ca.tenantId, tenantId),
      eq(ca.authConfigId, configId),
      eq(ca.status, 'EXPIRED'),
      eq(ca.statusReason, reason),
    ),
  );
