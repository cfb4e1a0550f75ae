import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Database } from '../../db/client.ts';
import type { Clock } from '../../lib/clock.ts';
import * as repo from './repo.ts';

/**
 * Prometheus metrics (prom-client), one registry per process. Counters move on the request and
 * refresh paths; gauges that need the database are read at scrape time, never on the hot path.
 */
export function createMetrics(deps: { database: Database; clock: Clock }) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'cv_process_' });
  const { database, clock } = deps;

  const tokenRequests = new Counter({
    name: 'cv_token_requests_total',
    help: 'Token endpoint requests by outcome (issued, refreshed, or the error code)',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const tokenLatency = new Histogram({
    name: 'cv_token_request_duration_seconds',
    help: 'Token endpoint latency',
    buckets: [0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const refreshes = new Counter({
    name: 'cv_refreshes_total',
    help: 'Refresh attempts by outcome (refreshed, failed, expired, lost) and provider',
    labelNames: ['outcome', 'provider'],
    registers: [registry],
  });
  const leaseTakeovers = new Counter({
    name: 'cv_lease_takeovers_total',
    help: 'Refresh leases taken over after another holder let them run out (crash or stall)',
    registers: [registry],
  });
  new Gauge({
    name: 'cv_connected_accounts',
    help: 'Connected accounts by status',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const r of await repo.accountsByStatus(database.db)) this.set({ status: r.status }, r.n);
    },
  });
  new Gauge({
    name: 'cv_refresh_lag_seconds',
    help: 'now minus the oldest due next_refresh_at among ACTIVE accounts (0 when nothing is due)',
    registers: [registry],
    async collect() {
      const now = clock.now();
      const at = await repo.oldestDue(database.db, now);
      this.set(at ? Math.max(0, (now.getTime() - new Date(at).getTime()) / 1000) : 0);
    },
  });
  new Gauge({
    name: 'cv_db_pool_connections',
    help: 'Database pool connections by state (PostgreSQL only)',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const p = database.pool;
      if (!p) return;
      this.set({ state: 'total' }, p.totalCount);
      this.set({ state: 'idle' }, p.idleCount);
      this.set({ state: 'waiting' }, p.waitingCount);
    },
  });

  return { registry, tokenRequests, tokenLatency, refreshes, leaseTakeovers };
}

export type Metrics = ReturnType<typeof createMetrics>;
