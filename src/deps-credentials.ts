import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Dispatcher } from 'undici';
import type { Config } from './config.ts';
import type { AuditWriter } from './features/audit/writer.ts';
import type { AuthConfigService } from './features/auth-configs/service.ts';
import type { GrantWriter } from './features/connected-accounts/grants.ts';
import type { AccountLeaseService } from './features/connected-accounts/leases.ts';
import type { TokenReads } from './features/connected-accounts/token-reads.ts';
import type { DataKeyService } from './features/data-keys/service.ts';
import type { Metrics } from './features/metrics/metrics.ts';
import type { PolicyService } from './features/policies/service.ts';
import { createProxyService } from './features/proxy/service.ts';
import { createApiTokenChecks } from './features/refresh/api-token-checks.ts';
import { createRefreshService } from './features/refresh/service.ts';
import { createRefreshWorker } from './features/refresh/worker.ts';
import { createRejectionService } from './features/tokens/rejections.ts';
import { createTokenService } from './features/tokens/service.ts';
import { createAppGate } from './features/refresh/app-gate.ts';
import type { Clock } from './lib/clock.ts';
import type { Logger } from './lib/logger.ts';
import type { OutboundLimiter } from './lib/outbound-limiter.ts';
import type { Providers } from './providers/index.ts';

/**
 * The composition root's second half: what uses the credentials accounts hold — refreshing and
 * checking them (on demand and by the worker), the token endpoint and the proxy.
 */
export function createCredentialUse(ctx: {
  config: Config;
  clock: Clock;
  logger: Logger;
  dataKeys: DataKeyService;
  authConfigs: AuthConfigService;
  grants: GrantWriter;
  leases: AccountLeaseService;
  tokenReads: TokenReads;
  providers: Providers;
  outbound: OutboundLimiter;
  metrics: Metrics;
  auditWriter: AuditWriter;
  /** least privilege: the proxy checks a caller's policy before anything is sent */
  policies: PolicyService;
  /** for the deployment's own provider URLs */
  dispatcher?: Dispatcher;
  /** the egress-policy agent, for URLs tenants supplied */
  tenantDispatcher: Dispatcher;
}) {
  const {
    config,
    clock,
    logger,
    dataKeys,
    authConfigs,
    grants,
    leases,
    providers,
    outbound,
    metrics,
  } = ctx;
  // This process's name in refresh leases.
  const owner = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  const gate = createAppGate({
    clock,
    perApp: config.REFRESH_APP_CONCURRENCY,
    record: authConfigs.pauseRefreshes,
  });
  const refresh = createRefreshService({
    clock,
    logger,
    dataKeys,
    authConfigs,
    gate,
    grants,
    leases,
    providers,
    owner,
    leaseSeconds: config.REFRESH_LEASE_SECONDS,
    onOutcome: (o, provider) => metrics.refreshes.inc({ outcome: o.kind, provider }),
    failureStreak: config.WEBHOOK_REFRESH_FAILED_STREAK,
    warmHours: config.REFRESH_WARM_HOURS,
  });
  const apiTokenChecks = createApiTokenChecks({
    clock,
    logger,
    dataKeys,
    authConfigs,
    leases,
    providers,
    outbound,
    owner,
    leaseSeconds: config.REFRESH_LEASE_SECONDS,
    batchSize: config.REFRESH_BATCH_SIZE,
    concurrency: config.REFRESH_CONCURRENCY,
  });
  const worker = createRefreshWorker({
    leases,
    clock,
    logger,
    refresh,
    checks: apiTokenChecks,
    outbound,
    owner,
    cronExpression: config.REFRESH_CRON,
    concurrency: config.REFRESH_CONCURRENCY,
    batchSize: config.REFRESH_BATCH_SIZE,
    onTakeovers: (n) => metrics.leaseTakeovers.inc(n),
  });
  const tokens = createTokenService({
    clock,
    dataKeys,
    authConfigs,
    reads: ctx.tokenReads,
    providers,
    refresh,
    audit: ctx.auditWriter,
    refreshAheadSeconds: config.REFRESH_AHEAD_SECONDS,
  });
  const rejections = createRejectionService({
    clock,
    dataKeys,
    leases,
    refresh,
    cooldownSeconds: config.PROXY_REJECTION_COOLDOWN_SECONDS,
  });
  const proxy = createProxyService({
    tokens,
    rejections,
    policies: ctx.policies,
    metrics,
    clock,
    providers,
    dispatcher: ctx.dispatcher,
    tenantDispatcher: ctx.tenantDispatcher,
    outbound,
    maxBodyBytes: config.PROXY_MAX_BODY_BYTES,
    timeoutMs: config.PROXY_TIMEOUT_MS,
    retryMaxWaitSeconds: config.PROXY_RETRY_MAX_WAIT_SECONDS,
  });

  return { refresh, apiTokenChecks, worker, tokens, proxy };
}
