import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Database } from '../../db/client.ts';
import type { Clock } from '../../lib/clock.ts';
import type { OutboundStats } from '../../lib/outbound-limiter.ts';
import type { AccountAggregates } from '../connected-accounts/aggregates.ts';

/**
 * Prometheus metrics (prom-client), one registry per process. Counters move on the request and
 * refresh paths; gauges that need the database are computed on an interval (`refreshGauges`), so
 * a scrape — however often it comes — costs no query.
 */
export function createMetrics(deps: {
  database: Database;
  clock: Clock;
  accounts: AccountAggregates;
  /** whether this process's change feed is live (its caches serve only then) */
  changesLive: () => boolean;
  /** the outbound limiter's state now */
  outbound: () => OutboundStats;
}) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'cv_process_' });
  const { database, clock } = deps;

  // Token requests are counted in plain numbers, one per outcome, and handed to prom-client when
  // it is read: the token path pays an increment, not a label lookup.
  const tokenCounts = new Map<string, { n: number }>();
  new Counter({
    name: 'cv_token_requests_total',
    help: 'Token endpoint requests by outcome (issued, refreshed, or the error code)',
    labelNames: ['outcome'],
    registers: [registry],
    collect() {
      for (const [outcome, c] of tokenCounts) {
        if (c.n === 0) continue;
        this.inc({ outcome }, c.n);
        c.n = 0;
      }
    },
  });
  /** The count of one outcome (made once per outcome; `.n++` counts a request). */
  const tokenOutcome = (outcome: string) => {
    let c = tokenCounts.get(outcome);
    if (!c) tokenCounts.set(outcome, (c = { n: 0 }));
    return c;
  };
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
  new Gauge({
    name: 'cv_cache_live',
    help: '1 while this process is subscribed to change announcements and its LISTEN connection answered a ping sent within the last 0.75 s, so its caches serve; 0 while they are bypassed',
    registers: [registry],
    collect() {
      this.set(deps.changesLive() ? 1 : 0);
    },
  });
  const apiKeyLookups = new Counter({
    name: 'cv_api_key_lookups_total',
    help: 'API key verifications that had to read the database (cache misses and bypasses)',
    registers: [registry],
  });
  const proxyRequests = new Counter({
    name: 'cv_proxy_requests_total',
    help: 'Proxy requests by the status class answered (2xx … 5xx): the provider’s status, or the vault’s own refusal (400, 404, 409, 413, 502, 504)',
    labelNames: ['status_class'],
    registers: [registry],
  });
  const proxyUpstreamLatency = new Histogram({
    name: 'cv_proxy_upstream_duration_seconds',
    help: 'Time from sending a proxied call to the provider until its response headers arrived',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  // The outbound limiter: totals only — a tenant id as a label would be one series per tenant.
  new Gauge({
    name: 'cv_outbound_in_flight',
    help: 'Outbound calls (provider, proxied, webhook) under way, holding a tenant and an origin slot',
    registers: [registry],
    collect() {
      this.set(deps.outbound().inFlight);
    },
  });
  new Gauge({
    name: 'cv_outbound_waiting',
    help: 'Outbound calls waiting for a free slot of their tenant or origin',
    registers: [registry],
    collect() {
      this.set(deps.outbound().waiting);
    },
  });
  new Gauge({
    name: 'cv_outbound_keys_at_limit',
    help: 'Tenants at OUTBOUND_CONCURRENCY_PER_TENANT and origins at OUTBOUND_CONCURRENCY_PER_ORIGIN, now',
    labelNames: ['kind'],
    registers: [registry],
    collect() {
      const s = deps.outbound();
      this.set({ kind: 'tenant' }, s.tenantsAtLimit);
      this.set({ kind: 'origin' }, s.originsAtLimit);
    },
  });
  const outboundSlots = new Counter({
    name: 'cv_outbound_slots_total',
    help: 'Requests for an outbound slot by outcome: immediate, waited (then granted), timeout (refused: outbound_busy), aborted (the caller went away)',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const proxyRejections = new Counter({
    name: 'cv_proxy_rejections_total',
    help: 'Proxied calls the provider answered 401, by what the vault did: refreshed (this 401 caused the refresh), refresh_failed, newer_token (retried with a token refreshed meanwhile), cooldown (a 401 refreshed within PROXY_REJECTION_COOLDOWN_SECONDS), fresh_token (issued in the last minute), not_refreshable (a credential its scheme cannot renew on demand: an API token, a grant without a refresh token)',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const policyDecisions = new Counter({
    name: 'cv_policy_decisions_total',
    help: 'Token reads and proxied calls of holders with a policy (service keys, token exchanges, proxy tokens), by what they were (token, proxy) and the decision (allowed, denied)',
    labelNames: ['on', 'decision'],
    registers: [registry],
  });
  const tokenExchanges = new Counter({
    name: 'cv_token_exchanges_total',
    help: 'Token exchanges at POST /v1/oauth/token by outcome: access_token, proxy_token, or the error code',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const leaseTakeovers = new Counter({
    name: 'cv_lease_takeovers_total',
    help: 'Refresh leases taken over after another holder let them run out (crash or stall)',
    registers: [registry],
  });
  const accounts = new Gauge({
    name: 'cv_connected_accounts',
    help: 'Connected accounts by status (computed every METRICS_GAUGE_INTERVAL_SECONDS)',
    labelNames: ['status'],
    registers: [registry],
  });
  const lag = new Gauge({
    name: 'cv_refresh_lag_seconds',
    help: 'now minus the oldest due next_refresh_at among ACTIVE accounts (0 when nothing is due)',
    registers: [registry],
  });
  lag.set(0);

  /** Reads the database-backed gauges once (the interval calls this; tests may too). */
  async function refreshGauges() {
    const now = clock.now();
    const [byStatus, oldest] = await Promise.all([
      deps.accounts.countByStatus(),
      deps.accounts.oldestDue(now),
    ]);
    accounts.reset();
    for (const r of byStatus) accounts.set({ status: r.status }, r.n);
    lag.set(oldest ? Math.max(0, (now.getTime() - new Date(oldest).getTime()) / 1000) : 0);
  }
  let timer: NodeJS.Timeout | undefined;
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

  return {
    registry,
    tokenOutcome,
    tokenLatency,
    refreshes,
    leaseTakeovers,
    outboundSlots,
    apiKeyLookups,
    proxyRequests,
    proxyUpstreamLatency,
    proxyRejections,
    policyDecisions,
    tokenExchanges,
    refreshGauges,
    /** Computes the gauges now and then every `intervalMs`; a failed read keeps the last values. */
    startGauges(intervalMs: number, onError: (err: unknown) => void) {
      const run = () => void refreshGauges().catch(onError);
      run();
      timer = setInterval(run, intervalMs);
      timer.unref();
    },
    stopGauges() {
      clearInterval(timer);
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
