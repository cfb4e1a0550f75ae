import type { AccountRow } from '../../db/schema/index.ts';
import cron, { type ScheduledTask } from 'node-cron';
import type { Clock } from '../../lib/clock.ts';
import type { Logger } from '../../lib/logger.ts';
import type { AccountLeaseService } from '../connected-accounts/leases.ts';
import type { RefreshOutcome, RefreshService } from './service.ts';
import type { ApiTokenChecks } from './api-token-checks.ts';

export interface TickResult {
  claimed: number;
  refreshed: number;
  failed: number;
  expired: number;
  lost: number;
}

/**
 * The refresh worker: on each node-cron tick it claims due accounts in batches (SKIP LOCKED + lease,
 * so any number of workers share the work without overlap) and refreshes them with bounded
 * concurrency, until nothing is due or the tick's time budget is spent.
 */
export function createRefreshWorker(deps: {
  leases: Pick<AccountLeaseService, 'claimDue' | 'releaseAll' | 'notifyConsentExpiring'>;
  clock: Clock;
  logger: Logger;
  refresh: Pick<RefreshService, 'refreshLeased' | 'leaseUntil'>;
  /** the daily API-token checks, run after the refreshes of each tick */
  checks?: Pick<ApiTokenChecks, 'runDue'>;
  owner: string;
  cronExpression: string;
  concurrency: number;
  batchSize: number;
  /** stop claiming new batches after this long within one tick */
  tickBudgetMs?: number;
  onTakeovers?: (n: number) => void;
}) {
  const { leases, clock, logger } = deps;
  let task: ScheduledTask | undefined;
  let running: Promise<TickResult> | undefined;
  let stopping = false;

  async function refreshAll(rows: AccountRow[], result: TickResult) {
    let next = 0;
    const count = (o: RefreshOutcome) => {
      if (o.kind === 'refreshed') result.refreshed++;
      else if (o.kind === 'failed') result.failed++;
      else if (o.kind === 'expired') result.expired++;
      else result.lost++;
    };
    const lane = async () => {
      while (next < rows.length) {
        const row = rows[next++]!;
        try {
          count(await deps.refresh.refreshLeased(row));
        } catch (err) {
          // The lease runs out and another tick retries; nothing was written.
          logger.error({ err, account: row.id }, 'refresh crashed');
          result.failed++;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(deps.concurrency, rows.length) }, lane));
  }

  async function tickOnce(): Promise<TickResult> {
    const result: TickResult = { claimed: 0, refreshed: 0, failed: 0, expired: 0, lost: 0 };
    const started = clock.now().getTime();
    const budget = deps.tickBudgetMs ?? 25_000;
    while (!stopping && clock.now().getTime() - started < budget) {
      const now = clock.now();
      const { rows, takeovers } = await leases.claimDue(
        deps.owner,
        now,
        deps.refresh.leaseUntil(now),
        deps.batchSize,
      );
      if (takeovers) deps.onTakeovers?.(takeovers);
      if (rows.length === 0) break;
      result.claimed += rows.length;
      await refreshAll(rows, result);
      if (rows.length < deps.batchSize) break;
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
    running ??= tickOnce().finally(() => {
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
    /** Stops scheduling, lets the running tick finish its claimed accounts, releases leftover leases. */
    async stop() {
      stopping = true;
      await task?.stop();
      await running?.catch(() => undefined);
      await leases.releaseAll(deps.owner);
    },
  };
}

export type RefreshWorker = ReturnType<typeof createRefreshWorker>;
