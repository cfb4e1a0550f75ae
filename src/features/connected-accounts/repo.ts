import {
  and,
  count,
  eq,
  gt,
  inArray,
  isNotNull,
  isNull,
  lt,
  lte,
  min,
  notInArray,
  or,
  sql,
  type SQL,
} from 'drizzle-orm';
import type { Db, DbOrTx, Tx } from '../../db/client.ts';
import {
  authConfigs as ac,
  connectedAccounts as ca,
  type AccountInsert,
  type AccountRow,
  type AccountStatus,
} from '../../db/schema/index.ts';

/**
 * The one owner of `connected_accounts`: every query on the table is here (the lease and
 * compare-and-swap writes of refreshing included — they are writes of an account).
 */

export const insertAccount = (db: DbOrTx, row: AccountInsert) =>
  db
    .insert(ca)
    .values(row)
    .returning()
    .then((r) => r[0]!);

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
  db: DbOrTx,
  tenantId: string,
  id: string,
  set: Partial<AccountInsert>,
  fromStatuses?: AccountStatus[],
  generation?: number,
) =>
  db
    .update(ca)
    .set(set)
    .where(
      and(
        eq(ca.tenantId, tenantId),
        eq(ca.id, id),
        fromStatuses ? inArray(ca.status, fromStatuses) : undefined,
        generation !== undefined ? eq(ca.generation, generation) : undefined,
      ),
    )
    .returning()
    .then((r) => r[0]);

export const deleteAccount = (db: DbOrTx, tenantId: string, id: string) =>
  db
    .delete(ca)
    .where(and(eq(ca.tenantId, tenantId), eq(ca.id, id)))
    .returning({ id: ca.id })
    .then((r) => r[0]);

// ---- The token path: candidate accounts read with their config's status and provider. ----

/** The columns a token request is answered from: not the refresh token, not the identity. */
const tokenColumns = {
  id: ca.id,
  tenantId: ca.tenantId,
  authConfigId: ca.authConfigId,
  userId: ca.userId,
  authScheme: ca.authScheme,
  status: ca.status,
  statusReason: ca.statusReason,
  accessTokenEnc: ca.accessTokenEnc,
  apiTokenEnc: ca.apiTokenEnc,
  apiSiteUrl: ca.apiSiteUrl,
  tokenType: ca.tokenType,
  expiresAt: ca.expiresAt,
  tokenLifetimeSeconds: ca.tokenLifetimeSeconds,
  generation: ca.generation,
  grantedScopes: ca.grantedScopes,
  sites: ca.sites,
  selectedCloudId: ca.selectedCloudId,
};
const withConfig = {
  account: tokenColumns,
  configStatus: ac.status,
  provider: ac.provider,
  /** a generic config's API base, where the proxy sends its calls */
  apiBaseUrl: sql<string | null>`${ac.oauth2} ->> 'api_base_url'`,
};
const p = (name: string) => sql.placeholder(name);

/**
 * The token path's reads, built once per database handle and prepared (named server-side
 * statements on PostgreSQL): no query building per request.
 */
export function preparedTokenReads(db: Db) {
  const base = () => db.select(withConfig).from(ca).innerJoin(ac, eq(ac.id, ca.authConfigId));
  const byId = base()
    .where(and(eq(ca.tenantId, p('tenantId')), eq(ca.id, p('id'))))
    .prepare('cv_token_by_id');
  const ofConfig = base()
    .where(and(eq(ca.tenantId, p('tenantId')), eq(ca.authConfigId, p('configId'))))
    .limit(20)
    .prepare('cv_token_of_config');
  const ofConfigUser = base()
    .where(
      and(
        eq(ca.tenantId, p('tenantId')),
        eq(ca.authConfigId, p('configId')),
        eq(ca.userId, p('userId')),
      ),
    )
    .limit(20)
    .prepare('cv_token_of_config_user');
  const ofConfigAccount = base()
    .where(
      and(eq(ca.tenantId, p('tenantId')), eq(ca.authConfigId, p('configId')), eq(ca.id, p('id'))),
    )
    .prepare('cv_token_of_config_account');
  return {
    byId: (tenantId: string, id: string) => byId.execute({ tenantId, id }).then((r) => r[0]),
    ofConfig(tenantId: string, configId: string, f: { userId?: string; accountId?: string }) {
      if (f.accountId) {
        return ofConfigAccount
          .execute({ tenantId, configId, id: f.accountId })
          .then((r) => r.filter((c) => f.userId === undefined || c.account.userId === f.userId));
      }
      if (f.userId !== undefined)
        return ofConfigUser.execute({ tenantId, configId, userId: f.userId });
      return ofConfig.execute({ tenantId, configId });
    },
  };
}

export type TokenCandidate = Awaited<
  ReturnType<ReturnType<typeof preparedTokenReads>['byId']>
> & {};
export type TokenRow = TokenCandidate['account'];

// ---- Refresh leases (SPEC §6) ----

const leaseFree = (now: Date) => or(isNull(ca.leaseExpiresAt), lt(ca.leaseExpiresAt, now));

/**
 * Claims up to `limit` rows matching `due` (in `order`) for `owner` inside the caller's
 * transaction: rows locked by another claimer are skipped (FOR UPDATE SKIP LOCKED) and the lease
 * written here keeps them claimed after the commit. `takeovers` counts rows whose previous holder
 * let its lease run out.
 */
async function claim(
  tx: Tx,
  due: SQL,
  order: typeof ca.nextRefreshAt | typeof ca.nextCheckAt,
  owner: string,
  leaseUntil: Date,
  limit: number,
) {
  const found = await tx
    .select({ id: ca.id, leaseOwner: ca.leaseOwner })
    .from(ca)
    .where(due)
    .orderBy(order)
    .limit(limit)
    .for('update', { skipLocked: true });
  if (found.length === 0) return { rows: [] as AccountRow[], takeovers: 0 };
  const rows = await tx
    .update(ca)
    .set({ leaseOwner: owner, leaseExpiresAt: leaseUntil })
    .where(
      inArray(
        ca.id,
        found.map((d) => d.id),
      ),
    )
    .returning();
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
  tx: Tx,
  owner: string,
  now: Date,
  leaseUntil: Date,
  limit: number,
  excludeTenants: string[] = [],
) =>
  claim(
    tx,
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

/** Takes the lease on one account if nobody holds it: the on-demand path's cross-process lock. */
export const acquireLease = (
  db: DbOrTx,
  tenantId: string,
  id: string,
  owner: string,
  now: Date,
  leaseUntil: Date,
) =>
  db
    .update(ca)
    .set({ leaseOwner: owner, leaseExpiresAt: leaseUntil })
    .where(and(eq(ca.tenantId, tenantId), eq(ca.id, id), eq(ca.status, 'ACTIVE'), leaseFree(now)))
    .returning()
    .then((r) => r[0]);

/**
 * Writes the outcome of a refresh — only if this owner still holds the lease and nobody has written
 * a newer generation since (compare-and-swap). The lease is released in the same statement.
 */
export const writeAsLeaseHolder = (
  db: DbOrTx,
  row: Pick<AccountRow, 'tenantId' | 'id' | 'generation'>,
  owner: string,
  set: Partial<AccountInsert>,
) =>
  db
    .update(ca)
    .set({ ...set, leaseOwner: null, leaseExpiresAt: null })
    .where(
      and(
        eq(ca.tenantId, row.tenantId),
        eq(ca.id, row.id),
        eq(ca.generation, row.generation),
        eq(ca.leaseOwner, owner),
      ),
    )
    .returning()
    .then((r) => r[0]);

/**
 * Records that a provider's 401 to the token of `generation` causes a refresh now — unless one
 * did within the cool-down (since `cooledBefore`), or the stored token is no longer the refused
 * one. Only the caller that gets a row back refreshes: one statement decides it across replicas.
 * Neither the generation nor a column the change trigger watches moves.
 */
export const claimRejectionRefresh = (
  db: DbOrTx,
  tenantId: string,
  id: string,
  generation: number,
  now: Date,
  cooledBefore: Date,
) =>
  db
    .update(ca)
    .set({ rejectionRefreshAt: now })
    .where(
      and(
        eq(ca.tenantId, tenantId),
        eq(ca.id, id),
        eq(ca.status, 'ACTIVE'),
        eq(ca.generation, generation),
        or(isNull(ca.rejectionRefreshAt), lte(ca.rejectionRefreshAt, cooledBefore)),
      ),
    )
    .returning({ id: ca.id })
    .then((r) => r.length === 1);

export const releaseLease = (db: DbOrTx, tenantId: string, id: string, owner: string) =>
  db
    .update(ca)
    .set({ leaseOwner: null, leaseExpiresAt: null })
    .where(and(eq(ca.tenantId, tenantId), eq(ca.id, id), eq(ca.leaseOwner, owner)));

/** Releases every lease this owner holds (graceful shutdown). */
export const releaseAllLeases = (db: DbOrTx, owner: string) =>
  db.update(ca).set({ leaseOwner: null, leaseExpiresAt: null }).where(eq(ca.leaseOwner, owner));

/**
 * ACTIVE API-token accounts whose check is due (next_check_at, its own partial index, whose
 * predicate the `is not null` matches), claimed like refreshes.
 */
export const claimDueChecks = async (
  tx: Tx,
  owner: string,
  now: Date,
  leaseUntil: Date,
  limit: number,
  excludeTenants: string[] = [],
) =>
  (
    await claim(
      tx,
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

/**
 * A client_credentials config's secret changed: its accounts refused for client_credentials_invalid
 * are ACTIVE again and due at once, so the next attempt (worker or token request) uses the new one.
 */
export const reviveClientCredentialAccounts = (
  db: DbOrTx,
  tenantId: string,
  configId: string,
  now: Date,
) =>
  db
    .update(ca)
    .set({ status: 'ACTIVE', statusReason: null, nextRefreshAt: now, updatedAt: now })
    .where(
      and(
        eq(ca.tenantId, tenantId),
        eq(ca.authConfigId, configId),
        eq(ca.authScheme, 'client_credentials'),
        eq(ca.status, 'EXPIRED'),
        eq(ca.statusReason, 'client_credentials_invalid'),
      ),
    )
    .returning();

/** ACTIVE accounts whose family ends before `horizon` and that were not told yet (locked, skipped). */
export const consentExpiringUnnotified = (tx: Tx, horizon: Date, limit: number) =>
  tx
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

export const markConsentExpiringNotified = (tx: Tx, tenantId: string, id: string, now: Date) =>
  tx
    .update(ca)
    .set({ consentExpiringNotifiedAt: now })
    .where(and(eq(ca.tenantId, tenantId), eq(ca.id, id)))
    .returning()
    .then((r) => r[0]!);

// ---- Aggregates for the metrics gauges (across tenants, by design) ----

export const accountsByStatus = (db: DbOrTx) =>
  db.select({ status: ca.status, n: count() }).from(ca).groupBy(ca.status);

/** The oldest due next_refresh_at (served by the partial due index). */
export const oldestDue = (db: DbOrTx, now: Date) =>
  db
    .select({ at: min(ca.nextRefreshAt) })
    .from(ca)
    .where(and(eq(ca.status, 'ACTIVE'), lte(ca.nextRefreshAt, now)))
    .then((r) => r[0]?.at ?? null);
