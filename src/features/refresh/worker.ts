import type { AccountRow } from '../../db/schema/index.ts';
import cron, { type ScheduledTask } from 'node-cron';
import type { Clock } from '../../lib/clock.ts';
import type { Logger } from '../../lib/logger.ts';
import type { AccountLeaseService } from '../connected-accounts/leases.ts';
import type { RefreshOutcome, RefreshService } from './service.ts';
import type { ApiTokenChecks } from './api-token-checks.ts';
import { laneShare, runFairly } from '../../lib/fair-lanes.ts';
import type { OutboundLimiter } from '../../lib/outbound-limiter.ts';
import { traced } from '../../lib/tracing.ts';

export interface TickResult {
  claimed: number;
  refreshed: number;
  failed: number;
  expired: number;
  lost: number;
}

/**
 * The refresh worker: on each node-cron tick it claims due accounts in batches (SKIP LOCKED + lease,
 * so any number of workers share the work without overlap) and refreshes them on lanes shared
 * fairly between tenants (lib/fair-lanes.ts): a tenant holds at most half the lanes, and while its
 * rows cannot start the worker claims other tenants' due rows. Claiming stops when nothing is due
 * or the tick's time budget is spent; claimed rows not started by then are handed back.
 */
export function createRefreshWorker(deps: {
  leases: Pick<
    AccountLeaseService,
    'claimDue' | 'release' | 'releaseAll' | 'notifyConsentExpiring'
  >;
  clock: Clock;
  logger: Logger;
  refresh: Pick<RefreshService, 'refreshLeased' | 'leaseUntil'>;
  /** the daily API-token checks, run after the refreshes of each tick */
  checks?: Pick<ApiTokenChecks, 'runDue'>;
  /** whether a tenant's outbound calls have room now (its rows wait their turn otherwise) */
  outbound?: Pick<OutboundLimiter, 'hasRoom'>;
  owner: string;
  cronExpression: string;
  concurrency: number;
  batchSize: number;
  /** stop claiming (and starting) after this long within one tick */
  tickBudgetMs?: number;
  onTakeovers?: (n: number) => void;
}) {
  const { leases, clock, logger } = deps;
  let task: ScheduledTask | undefined;
  let running: Promise<TickResult> | undefined;
  let stopping = false;

  async function refreshOne(row: AccountRow, result: TickResult) {
    // A row that waited past its lease may already be someone else's: leave it to them.
    if (row.leaseExpiresAt && row.leaseExpiresAt <= clock.now()) {
      result.lost++;
      return;
    }
    try {
      const o: RefreshOutcome = await deps.refresh.refreshLeased(row, { scheduled: true });
      if (o.kind === 'refreshed') result.refreshed++;
      else if (o.kind === 'failed') result.failed++;
      else if (o.kind === 'expired') result.expired++;
      else result.lost++;
    } catch (err) {
      // The lease runs out and another tick retries; nothing was written.
      logger.error({ err, account: row.id }, 'refresh crashed');
      result.failed++;
    }
  }

  async function tickOnce(): Promise<TickResult> {
    const result: TickResult = { claimed: 0, refreshed: 0, failed: 0, expired: 0, lost: 0 };
    const started = clock.now().getTime();
    const budget = deps.tickBudgetMs ?? 25_000;
    const spent = () => stopping || clock.now().getTime() - started >= budget;
    const leftover = await runFairly<AccountRow>([], {
      lanes: deps.concurrency,
      perKey: laneShare(deps.concurrency),
      keyOf: (row) => row.tenantId,
      ready: deps.outbound ? (tenantId) => deps.outbound!.hasRoom(tenantId) : undefined,
      run: (row) => refreshOne(row, result),
      stop: spent,
      async more(excludeTenants) {
        const now = clock.now();
        const { rows, takeovers } = await leases.claimDue(
          deps.owner,
          now,
          deps.refresh.leaseUntil(now),
          deps.batchSize,
          excludeTenants,
        );
        if (takeovers) deps.onTakeovers?.(takeovers);
        result.claimed += rows.length;
        return { items: rows, last: rows.length < deps.batchSize };
      },
    });
    // Claimed but not started (the budget ran out while their tenant had no room): hand them back
    // now rather than when their leases run out.
    for (const row of leftover) {
      await leases.release(row.tenantId, row.id, deps.owner);
      result.lost++;
    }
    if (!stopping) await leases.notifyConsentExpiring();
    if (result.claimed) logger.info(result, 'refresh tick');
    if (!stopping && deps.checks) {
      const left = Math.max(budget - (clock.now().getTime() - started), 1_000);
      const checked = await deps.checks.runDue(left, () => stopping);
      if (checked.checked) logger.info(checked, 'API token checks');
    }
    return result;
  }

  /** One tick; a tick still running is joined, never overlapped. */
  function tick(): Promise<TickResult> {
    running ??= traced('refresh.tick', {}, async (note) => {
      const r = await tickOnce();
      note.set({
        'cv.claimed': r.claimed,
        'cv.refreshed': r.refreshed,
        'cv.failed': r.failed,
        'cv.expired': r.expired,
      });
      return r;
    }).finally(() => {
      running = undefined;
    });
    return running;
  }

  return {
    tick,
    start() {
      task = cron.schedule(deps.cronExpression, () => {
        void tick().catch((err: unknown) => logger.error({ err }, 'refresh tick failed'));
      });
    },
    /** Stops scheduling, lets the refreshes under way finish, releases leftover leases. */
    async stop() {
      stopping = true;
      await task?.stop();
      await running?.catch(() => undefined);
      await leases.releaseAll(deps.owner);
    },
  };
}

export type RefreshWorker = ReturnType<typeof createRefreshWorker>;
