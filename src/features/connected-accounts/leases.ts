import type { Change } from '../../db/changes.ts';
import type { Db } from '../../db/client.ts';
import { BLIP_RETRY_MS, RESULT_RETRY_MS, retryWhileUnavailable } from '../../db/retry.ts';
import type { AccountInsert, AccountRow, EventType } from '../../db/schema/index.ts';
import type { Clock } from '../../lib/clock.ts';
import type { Outbox } from '../events/outbox.ts';
import * as repo from './repo.ts';

/**
 * Whether `row` holds what `set` wrote: its scalar values and instants (sealed tokens are unique
 * ciphertexts, instants are the writer's own), leaving out arrays and documents.
 */
function landed(row: AccountRow, set: Partial<AccountInsert>): boolean {
  return Object.entries(set).every(([k, v]) => {
    const have = (row as Record<string, unknown>)[k];
    if (v instanceof Date) return have instanceof Date && have.getTime() === v.getTime();
    if (v === undefined || (v !== null && typeof v === 'object')) return true;
    return have === v;
  });
}

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

    /**
     * Retried through a database blip: an attempt whose connection died may have taken the lease,
     * and then the repetition finds it taken — by this owner, until this very instant, which is
     * how it recognises its own (a lease lost with an old primary is simply free again).
     */
    acquire: (tenantId: string, id: string, owner: string, now: Date, leaseUntil: Date) =>
      retryWhileUnavailable(
        async (attempt) => {
          const got = await repo.acquireLease(db, tenantId, id, owner, now, leaseUntil);
          if (got || attempt === 0) return got;
          const row = await repo.getAccount(db, tenantId, id);
          return row?.leaseOwner === owner && row.leaseExpiresAt?.getTime() === leaseUntil.getTime()
            ? row
            : undefined;
        },
        { forMs: BLIP_RETRY_MS },
      ),

    /** Idempotent (it clears what is this owner's), so retried through a blip. */
    release: (tenantId: string, id: string, owner: string) =>
      retryWhileUnavailable(() => repo.releaseLease(db, tenantId, id, owner), {
        forMs: BLIP_RETRY_MS,
      }),

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
      // Retried across a failover: a refresh result exists nowhere else (the provider has already
      // spent the old refresh token). The compare-and-swap makes a repetition harmless: once an
      // attempt has landed, the generation or the lease no longer match and nothing more is
      // written (nor a second event). The row then shows what we wrote, which is how a repetition
      // that matched nothing tells "ours landed" from "someone else's did".
      const written = retryWhileUnavailable(
        async (attempt) => {
          const got = await write();
          if (got || attempt === 0) return got;
          const now = await repo.getAccount(db, row.tenantId, row.id);
          return now && landed(now, set) ? now : undefined;
        },
        { forMs: RESULT_RETRY_MS },
      );
      return written.then((written) => {
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
