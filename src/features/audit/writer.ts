import { randomBytes } from 'node:crypto';
import type { Db, DbOrTx } from '../../db/client.ts';
import type { auditEvents } from '../../db/schema/index.ts';
import type { Clock } from '../../lib/clock.ts';
import { newId } from '../../lib/ids.ts';
import type { Logger } from '../../lib/logger.ts';
import * as repo from './repo.ts';

export interface AuditRecord {
  tenantId: string | null;
  actorKeyId: string | null;
  /** operator | admin | service, or cli for the key commands */
  actorRole: string | null;
  action: string;
  resourceType: string;
  resourceId: string | null;
  ip: string | null;
  details?: Record<string, unknown>;
}

type Row = typeof auditEvents.$inferInsert;

/** An account's latest use, handed to whoever records it (connected-accounts' uses.ts). */
export interface AccountUse {
  tenantId: string;
  accountId: string;
  at: Date;
}

/**
 * The audit trail's two kinds of entry (docs/operations.md#audit), so that token reads cost no
 * write in front of the caller and the trail stays bounded however many tokens are read:
 * - an admin change is one row, written by `change()` in the change's own transaction (see
 *   commit.ts), so the change and its row commit together or not at all;
 * - token issuances are counted per (API key, connected account, minute) in memory and added to
 *   one row per minute by a flush every `flushMs` (a crash loses at most one interval's counts).
 */
export function createAuditWriter(deps: {
  db: Db;
  clock: Clock;
  logger: Logger;
  flushMs?: number;
  maxPending?: number;
  /** each flush hands over the accounts' latest uses (docs/contracts.md#use-driven-refresh) */
  recordUses?: (uses: AccountUse[]) => Promise<void>;
}) {
  const max = deps.maxPending ?? 100_000;
  // A (key, account, minute) entry stays for its minute: a flush writes what it counted since the
  // last flush and zeroes it, so the next request of the minute adds to it (no new entry, no new id).
  const pending = new Map<string, Row>();
  /** the latest use of each account since the last flush, by tenant|account */
  let uses = new Map<string, AccountUse>();
  let flushing: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;

  /** entries written once already: a later flush of one is a row with an id of its own */
  const written = new WeakSet<Row>();

  /** The counts since the last flush (copies), zeroed; entries of past minutes are let go. */
  function take(): [string, Row][] {
    const t = deps.clock.now().getTime();
    const minute = t - (t % 60_000);
    const rows: [string, Row][] = [];
    const again: Row[] = [];
    for (const [k, r] of pending) {
      if (r.count) {
        const copy = { ...r };
        rows.push([k, copy]);
        if (written.has(r)) again.push(copy);
        else written.add(r);
        r.count = 0;
      }
      if ((r.createdAt as Date).getTime() < minute) pending.delete(k);
    }
    // A second write of an entry is a row of its own for actions without a per-minute row
    // (exchanges, proxied calls …: see repo.addIssuanceCounts), so it takes a new id; one random
    // draw serves them all.
    if (again.length) {
      const random = randomBytes(10 * again.length);
      again.forEach((row, i) => {
        row.id = newId('au', row.createdAt as Date, random.subarray(i * 10, i * 10 + 10));
      });
    }
    return rows;
  }

  async function flushUses() {
    if (!deps.recordUses || uses.size === 0) return;
    const batch = uses;
    uses = new Map();
    try {
      await deps.recordUses([...batch.values()]);
    } catch (err) {
      // Kept for the next flush; a later use of the same account supersedes it.
      for (const [k, u] of batch) {
        const cur = uses.get(k);
        if (!cur && uses.size < max) uses.set(k, u);
        else if (cur && cur.at < u.at) cur.at = u.at;
      }
      deps.logger.warn(
        { err: { message: (err as Error).message }, pending: uses.size },
        'recording account uses failed; will retry',
      );
    }
  }

  async function flushOnce() {
    await flushUses();
    // A few passes at most: under steady traffic there is always a new count, and the next
    // interval takes it.
    for (let pass = 0; pass < 3; pass++) {
      const batch = take();
      if (!batch.length) return;
      try {
        const rows = batch.map(([, r]) => r);
        for (let i = 0; i < rows.length; i += 500) {
          await repo.addIssuanceCounts(deps.db, rows.slice(i, i + 500));
        }
      } catch (err) {
        // Keep the counts for the next flush (merged with what came meanwhile), bounded.
        for (const [k, r] of batch) {
          const cur = pending.get(k);
          if (cur) cur.count = (cur.count ?? 0) + (r.count ?? 1);
          else if (pending.size < max) pending.set(k, r);
        }
        deps.logger.warn(
          { err: { message: (err as Error).message }, pending: pending.size },
          'audit flush failed; will retry',
        );
        return;
      }
    }
  }

  /**
   * Writes what is counted now: after the flush under way (which may have taken its counts before
   * the latest came), one of its own. Flushes never overlap.
   */
  let last: Promise<void> = Promise.resolve();
  const flush = (): Promise<void> => (last = last.then(flushOnce, flushOnce));
  /** The interval's flush: skipped while one is under way. */
  const tick = () => {
    flushing ??= flush().finally(() => {
      flushing = undefined;
    });
  };

  return {
    /** One admin change: one row, in the change's transaction `tx` (or on its own). */
    async change(r: AuditRecord, tx: DbOrTx = deps.db) {
      const now = deps.clock.now();
      await repo.insertAuditEvents(tx, [
        { id: newId('au', now), ...r, details: r.details ?? {}, createdAt: now },
      ]);
    },

    /**
     * One token issuance (or proxied call, exchange, denial): counted, never a write in front of
     * the caller. `actor` keeps apart the counts of different callers behind one key or issuer (the
     * workloads and users of a token exchange, the holders of proxy tokens).
     */
    issued(
      r: Omit<AuditRecord, 'resourceType'> & {
        resourceType?: string;
        actor?: string;
        /** the connected account this used (a token handed out, a proxied call): its last use */
        usedAccount?: string;
      },
    ) {
      const t = deps.clock.now().getTime();
      if (r.usedAccount && r.tenantId) {
        const k = `${r.tenantId}|${r.usedAccount}`;
        const cur = uses.get(k);
        // A second's precision is plenty for a window of hours; no Date per request.
        if (cur) {
          if (t - cur.at.getTime() >= 1000) cur.at = new Date(t);
        } else if (uses.size < max)
          uses.set(k, { tenantId: r.tenantId, accountId: r.usedAccount, at: new Date(t) });
      }
      const minuteMs = t - (t % 60_000);
      const key = `${r.tenantId}|${r.actorKeyId}|${r.action}|${r.resourceId}|${minuteMs}|${r.actor ?? ''}`;
      const cur = pending.get(key);
      if (cur) {
        cur.count = (cur.count ?? 0) + 1;
        return;
      }
      const minute = new Date(minuteMs);
      if (pending.size >= max) {
        deps.logger.error({ dropped: r.action }, 'audit buffer full; dropping an issuance count');
        return;
      }
      pending.set(key, {
        id: newId('au', minute),
        tenantId: r.tenantId,
        actorKeyId: r.actorKeyId,
        actorRole: r.actorRole,
        action: r.action,
        resourceType: r.resourceType ?? 'connected-accounts',
        resourceId: r.resourceId,
        ip: r.ip,
        details: r.details ?? {},
        count: 1,
        createdAt: minute,
      });
    },

    flush,

    /** Deletes rows older than `days`, a batch at a time (the worker calls it). */
    async purge(days: number, batch = 5_000): Promise<number> {
      const cutoff = new Date(deps.clock.now().getTime() - days * 86_400_000);
      let total = 0;
      for (;;) {
        const n = await repo.deleteAuditEventsBefore(deps.db, cutoff, batch);
        total += n;
        if (n < batch) return total;
      }
    },

    /** Flushes every flushMs from now on (the processes that serve or refresh; not migrate). */
    start() {
      timer ??= setInterval(tick, deps.flushMs ?? 1000);
      timer.unref();
    },
    /** Stops the timer and flushes what is left. */
    async stop() {
      clearInterval(timer);
      timer = undefined;
      await flush();
    },
  };
}

export type AuditWriter = ReturnType<typeof createAuditWriter>;
