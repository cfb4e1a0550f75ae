import {
  and,
  eq,
  inArray,
  isNotNull,
  isNull,
  lt,
  lte,
  notInArray,
  or,
  type SQL,
} from 'drizzle-orm';
import type { TxScope, WriteScope } from '../../db/transact.ts';
import { connectedAccounts as ca, type AccountRow } from '../../db/schema/index.ts';
import { updateAccounts } from './repo.ts';
import type { AccountUpdate } from './token-read-model.ts';

/**
 * The account writes refreshing and checking are made of: claims of due rows, leases across
 * processes, the compare-and-swap write of a lease holder, the proxy's 401 claim and the
 * consent-expiring notice. Lease columns are bookkeeping: the token read does not return them, so
 * writing them announces nothing (updateAccounts decides).
 */

const leaseFree = (now: Date) => or(isNull(ca.leaseExpiresAt), lt(ca.leaseExpiresAt, now));

/**
 * Claims up to `limit` rows matching `due` (in `order`) for `owner` inside the caller's
 * transaction: rows locked by another claimer are skipped (FOR UPDATE SKIP LOCKED) and the lease
 * written here keeps them claimed after the commit. `takeovers` counts rows whose previous holder
 * let its lease run out.
 */
async function claim(
  scope: TxScope,
  due: SQL,
  order: typeof ca.nextRefreshAt | typeof ca.nextCheckAt,
  owner: string,
  leaseUntil: Date,
  limit: number,
) {
  const found = await scope.tx
    .select({ id: ca.id, leaseOwner: ca.leaseOwner })
    .from(ca)
    .where(due)
    .orderBy(order)
    .limit(limit)
    .for('update', { skipLocked: true });
  if (found.length === 0) return { rows: [] as AccountRow[], takeovers: 0 };
  const rows = await updateAccounts(
    scope,
    { leaseOwner: owner, leaseExpiresAt: leaseUntil },
    inArray(
      ca.id,
      found.map((d) => d.id),
    ),
  );
  return { rows, takeovers: found.filter((d) => d.leaseOwner !== null).length };
}

/** Leaves out the tenants whose work the claimer cannot start now (none when empty). */
const notOf = (tenantIds: string[]) =>
  tenantIds.length ? notInArray(ca.tenantId, tenantIds) : undefined;

/**
 * Due ACTIVE accounts (next_refresh_at reached), claimed for a refresh; none of the tenants in
 * `excludeTenants`.
 */
export const claimDueAccounts = (
  scope: TxScope,
  owner: string,
  now: Date,
  leaseUntil: Date,
  limit: number,
  excludeTenants: string[] = [],
) =>
  claim(
    scope,
    and(
      eq(ca.status, 'ACTIVE'),
      lte(ca.nextRefreshAt, now),
      leaseFree(now),
      notOf(excludeTenants),
    )!,
    ca.nextRefreshAt,
    owner,
    leaseUntil,
    limit,
  );

/**
 * ACTIVE accounts whose check is due (next_check_at, its own partial index, whose predicate the
 * `is not null` matches), claimed like refreshes.
 */
export const claimDueChecks = async (
  scope: TxScope,
  owner: string,
  now: Date,
  leaseUntil: Date,
  limit: number,
  excludeTenants: string[] = [],
) =>
  (
    await claim(
      scope,
      and(
        eq(ca.status, 'ACTIVE'),
        isNotNull(ca.nextCheckAt),
        lte(ca.nextCheckAt, now),
        leaseFree(now),
        notOf(excludeTenants),
      )!,
      ca.nextCheckAt,
      owner,
      leaseUntil,
      limit,
    )
  ).rows;

/** Takes the lease on one account if nobody holds it: the on-demand path's cross-process lock. */
export const acquireLease = (
  scope: WriteScope,
  tenantId: string,
  id: string,
  owner: string,
  now: Date,
  leaseUntil: Date,
) =>
  updateAccounts(
    scope,
    { leaseOwner: owner, leaseExpiresAt: leaseUntil },
    and(eq(ca.tenantId, tenantId), eq(ca.id, id), eq(ca.status, 'ACTIVE'), leaseFree(now)),
  ).then((r) => r[0]);

/**
 * Writes the outcome of a refresh or check — only if this owner still holds the lease and nobody
 * has written a newer generation since (compare-and-swap). The lease is released in the same
 * statement.
 */
export const writeAsLeaseHolder = (
  scope: WriteScope,
  row: Pick<AccountRow, 'tenantId' | 'id' | 'generation'>,
  owner: string,
  set: AccountUpdate,
) =>
  updateAccounts(
    scope,
    { ...set, leaseOwner: null, leaseExpiresAt: null },
    and(
      eq(ca.tenantId, row.tenantId),
      eq(ca.id, row.id),
      eq(ca.generation, row.generation),
      eq(ca.leaseOwner, owner),
    ),
  ).then((r) => r[0]);

/**
 * Records that a provider's 401 to the token of `generation` causes a refresh now — unless one
 * did within the cool-down (since `cooledBefore`), or the stored token is no longer the refused
 * one. Only the caller that gets a row back refreshes: one statement decides it across replicas.
 * Neither the generation nor a column the token read returns moves.
 */
export const claimRejectionRefresh = (
  scope: WriteScope,
  tenantId: string,
  id: string,
  generation: number,
  now: Date,
  cooledBefore: Date,
) =>
  updateAccounts(
    scope,
    { rejectionRefreshAt: now },
    and(
      eq(ca.tenantId, tenantId),
      eq(ca.id, id),
      eq(ca.status, 'ACTIVE'),
      eq(ca.generation, generation),
      or(isNull(ca.rejectionRefreshAt), lte(ca.rejectionRefreshAt, cooledBefore)),
    ),
  ).then((r) => r.length === 1);

export const releaseLease = (scope: WriteScope, tenantId: string, id: string, owner: string) =>
  updateAccounts(
    scope,
    { leaseOwner: null, leaseExpiresAt: null },
    and(eq(ca.tenantId, tenantId), eq(ca.id, id), eq(ca.leaseOwner, owner)),
  );

/** Releases every lease this owner holds (graceful shutdown). */
export const releaseAllLeases = (scope: WriteScope, owner: string) =>
  updateAccounts(scope, { leaseOwner: null, leaseExpiresAt: null }, eq(ca.leaseOwner, owner));

/** ACTIVE accounts whose family ends before `horizon` and that were not told yet (locked, skipped). */
export const consentExpiringUnnotified = (scope: TxScope, horizon: Date, limit: number) =>
  scope.tx
    .select()
    .from(ca)
    .where(
      and(
        eq(ca.status, 'ACTIVE'),
        lte(ca.familyExpiresAt, horizon),
        isNull(ca.consentExpiringNotifiedAt),
      ),
    )
    .limit(limit)
    .for('update', { skipLocked: true });

export const markConsentExpiringNotified = (
  scope: TxScope,
  tenantId: string,
  id: string,
  now: Date,
) =>
  updateAccounts(
    scope,
    { consentExpiringNotifiedAt: now },
    and(eq(ca.tenantId, tenantId), eq(ca.id, id)),
  ).then((r) => r[0]!);
