import type { Db } from '../../db/client.ts';
import { BLIP_RETRY_MS, RESULT_RETRY_MS, retryWhileUnavailable } from '../../db/retry.ts';
import type { AccountRow, EventType } from '../../db/schema/index.ts';
import { standalone, transact, type Writes } from '../../db/transact.ts';
import type { Clock } from '../../lib/clock.ts';
import type { Outbox } from '../events/outbox.ts';
import * as leases from './lease-repo.ts';
import { getAccount } from './repo.ts';
import type { AccountUpdate } from './token-read-model.ts';

/**
 * Whether `row` holds what `set` wrote: its scalar values and instants (sealed tokens are unique
 * ciphertexts, instants are the writer's own), leaving out arrays and documents.
 */
function landed(row: AccountRow, set: AccountUpdate): boolean {
  return Object.entries(set).every(([k, v]) => {
    const have = (row as Record<string, unknown>)[k];
    if (v instanceof Date) return have instanceof Date && have.getTime() === v.getTime();
    if (v === undefined || (v !== null && typeof v === 'object')) return true;
    return have === v;
  });
}

/**
 * The account writes refreshing and checking are made of, for the refresh feature: claims and
 * leases across processes, the compare-and-swap write of a result (with its lifecycle event in
 * the same transaction), the proxy's 401 claim and the consent-expiring notice. The rules of
 * *when* and *what* are the refresh feature's and the schemes'.
 */
export function createAccountLeaseService(deps: {
  db: Db;
  writes: Writes;
  clock: Clock;
  outbox: Outbox;
}) {
  const { db, writes } = deps;
  const alone = standalone(writes);

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
      transact(writes, (scope) =>
        leases.claimDueAccounts(scope, owner, now, leaseUntil, limit, excludeTenants),
      ),

    /** Claims ACTIVE accounts whose check is due (SKIP LOCKED + lease). */
    claimDueChecks: (
      owner: string,
      now: Date,
      leaseUntil: Date,
      limit: number,
      excludeTenants: string[] = [],
    ) =>
      transact(writes, (scope) =>
        leases.claimDueChecks(scope, owner, now, leaseUntil, limit, excludeTenants),
      ),

    /**
     * Retried through a database blip: an attempt whose connection died may have taken the lease,
     * and then the repetition finds it taken — by this owner, until this very instant, which is
     * how it recognises its own (a lease lost with an old primary is simply free again).
     */
    acquire: (tenantId: string, id: string, owner: string, now: Date, leaseUntil: Date) =>
      retryWhileUnavailable(
        async (attempt) => {
          const got = await leases.acquireLease(alone, tenantId, id, owner, now, leaseUntil);
          if (got || attempt === 0) return got;
          const row = await getAccount(db, tenantId, id);
          return row?.leaseOwner === owner && row.leaseExpiresAt?.getTime() === leaseUntil.getTime()
            ? row
            : undefined;
        },
        { forMs: BLIP_RETRY_MS },
      ),

    /** Idempotent (it clears what is this owner's), so retried through a blip. */
    release: (tenantId: string, id: string, owner: string) =>
      retryWhileUnavailable(() => leases.releaseLease(alone, tenantId, id, owner), {
        forMs: BLIP_RETRY_MS,
      }),

    releaseAll: (owner: string) => leases.releaseAllLeases(alone, owner),

    read: (tenantId: string, id: string) => getAccount(db, tenantId, id),

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
    ) => leases.claimRejectionRefresh(alone, tenantId, id, generation, now, cooledBefore),

    /**
     * The CAS write of a lease holder (releases the lease); with `event`, the event is written in
     * the same transaction, so subscribers hear of a change if and only if it happened.
     */
    writeLeased(
      row: Pick<AccountRow, 'tenantId' | 'id' | 'generation'>,
      owner: string,
      set: AccountUpdate,
      event?: EventType,
    ): Promise<AccountRow | undefined> {
      const write = (): Promise<AccountRow | undefined> => {
        if (!event) return leases.writeAsLeaseHolder(alone, row, owner, set);
        return transact(writes, async (scope) => {
          const written = await leases.writeAsLeaseHolder(scope, row, owner, set);
          if (written) await deps.outbox.emit(scope.tx, event, written);
          return written;
        });
      };
      // Retried across a failover: a refresh result exists nowhere else (the provider has already
      // spent the old refresh token). The compare-and-swap makes a repetition harmless: once an
      // attempt has landed, the generation or the lease no longer match and nothing more is
      // written (nor a second event). The row then shows what we wrote, which is how a repetition
      // that matched nothing tells "ours landed" from "someone else's did".
      return retryWhileUnavailable(
        async (attempt) => {
          const got = await write();
          if (got || attempt === 0) return got;
          const now = await getAccount(db, row.tenantId, row.id);
          return now && landed(now, set) ? now : undefined;
        },
        { forMs: RESULT_RETRY_MS },
      );
    },

    /** Emits connected_account.consent_expiring once per family, 14 days before its absolute expiry. */
    async notifyConsentExpiring(limit = 500): Promise<number> {
      const now = deps.clock.now();
      const horizon = new Date(now.getTime() + 14 * 86_400_000);
      return transact(writes, async (scope) => {
        const rows = await leases.consentExpiringUnnotified(scope, horizon, limit);
        for (const r of rows) {
          const marked = await leases.markConsentExpiringNotified(scope, r.tenantId, r.id, now);
          await deps.outbox.emit(scope.tx, 'connected_account.consent_expiring', marked);
        }
        return rows.length;
      });
    },
  };
}

export type AccountLeaseService = ReturnType<typeof createAccountLeaseService>;
