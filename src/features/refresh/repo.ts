import { and, eq, inArray, isNull, lt, lte, or } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../db/client.ts';
import { connectedAccounts as ca } from '../../db/schema/index.ts';
import type { AccountInsert, AccountRow } from '../connected-accounts/repo.ts';

const leaseFree = (now: Date) => or(isNull(ca.leaseExpiresAt), lt(ca.leaseExpiresAt, now));

/**
 * Claims up to `limit` due ACTIVE accounts for this worker: rows locked by another claimer are
 * skipped (FOR UPDATE SKIP LOCKED), and the lease written here keeps them ours after the commit.
 * `takeovers` counts claimed rows whose previous holder let its lease run out (crash or stall).
 */
export async function claimDueAccounts(
  db: Db,
  owner: string,
  now: Date,
  leaseUntil: Date,
  limit: number,
) {
  return db.transaction(async (tx) => {
    const due = await tx
      .select({ id: ca.id, leaseOwner: ca.leaseOwner })
      .from(ca)
      .where(and(eq(ca.status, 'ACTIVE'), lte(ca.nextRefreshAt, now), leaseFree(now)))
      .orderBy(ca.nextRefreshAt)
      .limit(limit)
      .for('update', { skipLocked: true });
    if (due.length === 0) return { rows: [] as AccountRow[], takeovers: 0 };
    const rows = await tx
      .update(ca)
      .set({ leaseOwner: owner, leaseExpiresAt: leaseUntil })
      .where(
        inArray(
          ca.id,
          due.map((d) => d.id),
        ),
      )
      .returning();
    return { rows, takeovers: due.filter((d) => d.leaseOwner !== null).length };
  });
}

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

export const releaseLease = (db: DbOrTx, tenantId: string, id: string, owner: string) =>
  db
    .update(ca)
    .set({ leaseOwner: null, leaseExpiresAt: null })
    .where(and(eq(ca.tenantId, tenantId), eq(ca.id, id), eq(ca.leaseOwner, owner)));

export const readAccount = (db: DbOrTx, tenantId: string, id: string) =>
  db
    .select()
    .from(ca)
    .where(and(eq(ca.tenantId, tenantId), eq(ca.id, id)))
    .then((r) => r[0]);

/** Releases every lease this owner holds (graceful shutdown). */
export const releaseAllLeases = (db: DbOrTx, owner: string) =>
  db.update(ca).set({ leaseOwner: null, leaseExpiresAt: null }).where(eq(ca.leaseOwner, owner));

/** ACTIVE accounts whose family ends before `horizon` and that were not told yet (locked, skipped). */
export const consentExpiringUnnotified = (db: DbOrTx, horizon: Date, limit: number) =>
  db
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

export const markConsentExpiringNotified = (db: DbOrTx, id: string, now: Date) =>
  db
    .update(ca)
    .set({ consentExpiringNotifiedAt: now })
    .where(eq(ca.id, id))
    .returning()
    .then((r) => r[0]!);
