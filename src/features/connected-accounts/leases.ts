import type { Change } from '../../db/changes.ts';
import type { Db } from '../../db/client.ts';
import type { AccountInsert, AccountRow, EventType } from '../../db/schema/index.ts';
import type { Clock } from '../../lib/clock.ts';
import type { Outbox } from '../events/outbox.ts';
import * as repo from './repo.ts';

/**
 * The account writes refreshing is made of (SPEC §6), for the refresh feature: claims and leases
 * across processes, the compare-and-swap write of a result (with its lifecycle event in the same
 * transaction), and the consent-expiring notice. The rules of *when* and *what* are refresh's.
 */
export function createAccountLeaseService(deps: {
  db: Db;
  clock: Clock;
  outbox: Outbox;
  announce: (c: Change) => void;
}) {
  const { db } = deps;

  return {
    /**
     * Claims due ACTIVE accounts for `owner` (SKIP LOCKED + lease, in one transaction), none of
     * `excludeTenants` (tenants whose work cannot start now).
     */
    claimDue: (
      owner: string,
      now: Date,
      leaseUntil: Date,
      limit: number,
      excludeTenants: string[] = [],
    ) =>
      db.transaction((tx) =>
        repo.claimDueAccounts(tx, owner, now, leaseUntil, limit, excludeTenants),
      ),

    /** Claims ACTIVE API-token accounts whose daily check is due (SKIP LOCKED + lease). */
    claimDueChecks: (
      owner: string,
      now: Date,
      leaseUntil: Date,
      limit: number,
      excludeTenants: string[] = [],
    ) =>
      db.transaction((tx) =>
        repo.claimDueChecks(tx, owner, now, leaseUntil, limit, excludeTenants),
      ),

    acquire: (tenantId: string, id: string, owner: string, now: Date, leaseUntil: Date) =>
      repo.acquireLease(db, tenantId, id, owner, now, leaseUntil),

    release: (tenantId: string, id: string, owner: string) =>
      repo.releaseLease(db, tenantId, id, owner),

    releaseAll: (owner: string) => repo.releaseAllLeases(db, owner),

    read: (tenantId: string, id: string) => repo.getAccount(db, tenantId, id),

    /**
     * Whether this caller may refresh because the provider refused the token of `generation`: true
     * for one caller across all replicas per cool-down (none since `cooledBefore`).
     */
    claimRejectionRefresh: (
      tenantId: string,
      id: string,
      generation: number,
      now: Date,
      cooledBefore: Date,
    ) => repo.claimRejectionRefresh(db, tenantId, id, generation, now, cooledBefore),

    /**
     * The CAS write of a lease holder (releases the lease); with `event`, the event is written in
     * the same transaction, so subscribers hear of a change if and only if it happened.
     */
    writeLeased(
      row: Pick<AccountRow, 'tenantId' | 'id' | 'generation'>,
      owner: string,
      set: Partial<AccountInsert>,
      event?: EventType,
    ) {
      const write = async (): Promise<AccountRow | undefined> => {
        if (!event) return repo.writeAsLeaseHolder(db, row, owner, set);
        return db.transaction(async (tx) => {
          const written = await repo.writeAsLeaseHolder(tx, row, owner, set);
          if (written) await deps.outbox.emit(tx, event, written);
          return written;
        });
      };
      return write().then((written) => {
        if (written) {
          const { tenantId, id, authConfigId: configId } = written;
          deps.announce({ kind: 'ca', tenantId, id, configId });
        }
        return written;
      });
    },

    /** Emits connected_account.consent_expiring once per family, 14 days before its absolute expiry. */
    async notifyConsentExpiring(limit = 500): Promise<number> {
      const now = deps.clock.now();
      const horizon = new Date(now.getTime() + 14 * 86_400_000);
      return db.transaction(async (tx) => {
        const rows = await repo.consentExpiringUnnotified(tx, horizon, limit);
        for (const r of rows) {
          const marked = await repo.markConsentExpiringNotified(tx, r.tenantId, r.id, now);
          await deps.outbox.emit(tx, 'connected_account.consent_expiring', marked);
        }
        return rows.length;
      });
    },
  };
}

export type AccountLeaseService = ReturnType<typeof createAccountLeaseService>;
