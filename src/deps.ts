import type { Config } from './config.ts';
import { createCredentialUse } from './deps-credentials.ts';
import { pgChangeFeed, pgliteChangeFeed, type Change } from './db/changes.ts';
import type { Writes } from './db/transact.ts';
import type { ConnectedAccountService } from './features/connected-accounts/service.ts';
import { createKeyring } from './crypto/keyring.ts';
import { deriveLinkKeys } from './crypto/link-keys.ts';
import { deriveProxyTokenKeys } from './crypto/proxy-token-keys.ts';
import { loadOrCreateDevMasterKey } from './dev-master-key.ts';
import { openDatabase, type Database } from './db/client.ts';
import { createApiKeyService } from './features/api-keys/service.ts';
import { createAuditService } from './features/audit/service.ts';
import { createAuditWriter } from './features/audit/writer.ts';
import { createAccountUses } from './features/connected-accounts/uses.ts';
import { createChangeCommitter } from './features/audit/commit.ts';
import { createSchemePolicy } from './features/auth-configs/scheme-policy.ts';
import { createAuthConfigService } from './features/auth-configs/service.ts';
import { createLinkService } from './features/connect/link-issuer.ts';
import { createConnectFlowService } from './features/connect/service.ts';
import { createWebhookDispatcher } from './features/events/dispatcher.ts';
import { createOutbox } from './features/events/outbox.ts';
import { createEventService } from './features/events/service.ts';
import { createMetrics } from './features/metrics/metrics.ts';
import { checkEgress, tenantEgress } from './lib/egress.ts';
import { createOutboundLimiter } from './lib/outbound-limiter.ts';
import { createAccountAggregates } from './features/connected-accounts/aggregates.ts';
import { createGrantWriter } from './features/connected-accounts/grants.ts';
import { createAccountLeaseService } from './features/connected-accounts/leases.ts';
import { createConnectedAccountService } from './features/connected-accounts/service.ts';
import { createAccountImport } from './features/connected-accounts/import.ts';
import { createImportJobs } from './features/connected-accounts/import-jobs.ts';
import { createAccountExport } from './features/connected-accounts/export.ts';
import { createBulkActions } from './features/connected-accounts/bulk.ts';
import { createTokenReads } from './features/connected-accounts/token-reads.ts';
import { createKeyRotation } from './features/data-keys/rotation.ts';
import { createUnwrapCheck } from './features/data-keys/unwrap-check.ts';
import { createDataKeyService } from './features/data-keys/service.ts';
import { createTenantService } from './features/tenants/service.ts';
import { createProxyTokenService } from './features/proxy-tokens/service.ts';
import { createPolicyService } from './features/policies/service.ts';
import { createTokenExchangeService } from './features/token-exchange/service.ts';
import { createIssuerDirectory } from './features/trusted-issuers/directory.ts';
import { createJwksCache } from './features/trusted-issuers/jwks.ts';
import { createTrustedIssuerService } from './features/trusted-issuers/service.ts';
import { systemClock, type Clock } from './lib/clock.ts';
import { createLogger, logDestination, type Logger } from './lib/logger.ts';
import { createProviders } from './providers/index.ts';
import type { Dispatcher } from 'undici';

/** The most of a trusted issuer's key set that is read (a few KB is usual). */
const JWKS_MAX_BYTES = 64 * 1024;

/** The composition root: the one place that wires config into database, keyring and services. */
export async function createDeps(
  config: Config,
  overrides: { database?: Database; logger?: Logger; clock?: Clock; dispatcher?: Dispatcher } = {},
) {
  const logger =
    overrides.logger ??
    createLogger(
      config.LOG_LEVEL,
      await logDestination({
        format: config.LOG_FORMAT,
        production: config.NODE_ENV === 'production',
        stdoutIsTTY: process.stdout.isTTY === true,
      }),
    );
  const clock = overrides.clock ?? systemClock;
  for (const w of config.warnings) logger.warn(w);
  // The database first: an embedded one locks DATA_DIR before anything in it is read or written.
  const database =
    overrides.database ??
    (await openDatabase({
      url: config.DATABASE_URL,
      dataDir: config.DATA_DIR,
      poolMax: config.DB_POOL_MAX,
    }));
  let masterKeys = config.masterKeys;
  if (masterKeys.length === 0) {
    const dev = loadOrCreateDevMasterKey(config.DATA_DIR);
    masterKeys = dev.keys;
    logger.warn(
      { path: dev.path, created: dev.created },
      'VAULT_MASTER_KEYS is not set: using a development master key from DATA_DIR. Anyone who can read that file can decrypt every secret. Set VAULT_MASTER_KEYS in production.',
    );
  }
  const keyring = createKeyring(masterKeys);
  const db = database.db;
  // Announced changes drive the in-process caches; started by the processes that serve (main).
  const changes =
    database.kind === 'pglite'
      ? pgliteChangeFeed(database)
      : pgChangeFeed(config.DATABASE_LISTEN_URL ?? database.url!, {
          onError: (err) =>
            logger.warn(
              { err: { message: (err as Error).message } },
              'change feed: connection lost',
            ),
        });
  // Repo write helpers announce their committed writes to this process's caches (db/transact.ts).
  const announce = (c: Change) => changes.publish(c);
  const writes: Writes = { db, announce };
  const accountUses = createAccountUses({
    db,
    refreshAheadSeconds: config.REFRESH_AHEAD_SECONDS,
    warmHours: config.REFRESH_WARM_HOURS,
  });
  const auditWriter = createAuditWriter({
    db,
    clock,
    logger,
    flushMs: config.AUDIT_FLUSH_SECONDS * 1000,
    recordUses: accountUses.record,
  });
  // Each admin change and its audit row: one short transaction of the service's own.
  const commitChange = createChangeCommitter({ writes, audit: auditWriter });
  const cacheLimits = {
    maxEntries: config.TOKEN_CACHE_MAX_ENTRIES,
    maxAgeMs: config.TOKEN_CACHE_MAX_AGE_SECONDS * 1000,
  };
  // A config's new secret revives accounts: bound once the account service exists.
  const late: { revive?: ConnectedAccountService['reviveAfterSecretChange'] } = {};
  // Every outbound call made for a tenant takes a slot of that tenant and of the origin it goes to.
  const outbound = createOutboundLimiter(
    {
      perTenant: config.OUTBOUND_CONCURRENCY_PER_TENANT,
      perOrigin: config.OUTBOUND_CONCURRENCY_PER_ORIGIN,
      maxWaitMs: config.OUTBOUND_QUEUE_TIMEOUT_MS,
    },
    { onSlot: (outcome) => metrics.outboundSlots.inc({ outcome }) },
  );
  const metrics = createMetrics({
    database,
    clock,
    accounts: createAccountAggregates({ db }),
    changesLive: () => changes.live,
    outbound: () => outbound.stats(),
  });

  const dataKeys = createDataKeyService({ db, clock, keyring, changes });
  // URLs that tenants supply and the vault calls are held to the egress policy. Tenant URLs may be
  // plain http in development (NODE_ENV=development, the default) and wherever private egress is
  // allowed (tests against local servers, the emulator); https everywhere else. The egress agent
  // has as many sockets per origin as the limiter lets through, so the limiter is what binds (per
  // tenant first) and no tenant can use up a socket pool others share.
  const egress = tenantEgress({
    allowPrivate: config.ALLOW_PRIVATE_EGRESS,
    allowHttp: config.ALLOW_PRIVATE_EGRESS || config.NODE_ENV === 'development',
    connections: config.OUTBOUND_CONCURRENCY_PER_ORIGIN,
    dispatcher: overrides.dispatcher,
  });
  const { agent: egressAgent, checkTenantUrl, urlPolicy } = egress;
  const schemePolicy = createSchemePolicy(config.allowedAuthSchemes);
  const authConfigs = createAuthConfigService({
    db,
    writes,
    clock,
    commitChange,
    dataKeys,
    checkUrl: checkTenantUrl,
    callbackBase: config.callbackBase,
    urlPolicy,
    onClientSecretChanged: (row, scope) => late.revive!(row, scope),
    schemePolicy,
    onRefreshAlways: accountUses.warmAllOf,
  });
  const apiKeys = createApiKeyService({
    db,
    clock,
    commitChange,
    missingAuthConfigIds: authConfigs.missingIds,
    changes,
    announce,
    cache: cacheLimits,
    onLookup: () => metrics.apiKeyLookups.inc(),
    onError: (err) =>
      logger.warn(
        { err: { message: (err as Error).message } },
        'API key ids not loaded: unknown keys are looked up until they are',
      ),
  });
  const rotation = createKeyRotation({ db, clock, keyring, dataKeys });
  const unwrapCheck = createUnwrapCheck({ db, keyring });
  const tenants = createTenantService({
    db,
    clock,
    commitChange,
    dataKeys,
    apiKeys,
    destroyKeys: rotation.destroyTenantKeys,
  });
  const linkKeys = deriveLinkKeys(masterKeys);
  const outbox = createOutbox({ clock });
  const links = createLinkService({
    db,
    clock,
    linkKeys,
    publicUrl: config.PUBLIC_URL,
    ttlSeconds: config.CONNECT_LINK_TTL_SECONDS,
  });
  const providers = createProviders({
    env: (name) => config[name],
    timeoutMs: config.PROVIDER_TIMEOUT_MS,
    maxResponseBytes: config.PROVIDER_MAX_RESPONSE_BYTES,
    outbound,
    connections: config.OUTBOUND_CONCURRENCY_PER_ORIGIN,
    clock,
    dispatcher: overrides.dispatcher,
    tenantDispatcher: egressAgent,
  });
  const grants = createGrantWriter({
    db,
    writes,
    clock,
    dataKeys,
    outbox,
    refreshAheadSeconds: config.REFRESH_AHEAD_SECONDS,
  });
  const accounts = createConnectedAccountService({
    db,
    clock,
    commitChange,
    authConfigs,
    providers,
    grants,
    issueLink: links.issueLink,
    dataKeys,
    outbox,
    checkUrl: checkTenantUrl,
    urlPolicy,
    schemePolicy,
  });
  late.revive = accounts.reviveAfterSecretChange;
  // An import's provider calls leave half the tenant's outbound slots to its other traffic.
  const imports = createAccountImport({
    db,
    writes,
    clock,
    authConfigs,
    providers,
    grants,
    outbox,
    concurrency: Math.max(1, Math.floor(config.OUTBOUND_CONCURRENCY_PER_TENANT / 2)),
  });
  const importJobs = createImportJobs({ db, clock, logger, imports });
  const bulk = createBulkActions({ db, accounts });
  const exports = createAccountExport({
    writes,
    clock,
    dataKeys,
    authConfigs,
    perHour: config.EXPORT_RATE_LIMIT_PER_HOUR,
  });
  const leases = createAccountLeaseService({ db, writes, clock, outbox });
  const tokenReads = createTokenReads(db, changes, {
    enabled: config.TOKEN_CACHE === 'on',
    ...cacheLimits,
  });
  const connect = createConnectFlowService({
    db,
    clock,
    logger,
    linkKeys,
    accounts,
    grants,
    authConfigs,
    dataKeys,
    providers,
    stateTtlSeconds: config.CONNECT_LINK_TTL_SECONDS,
  });
  const policies = createPolicyService({ db, clock, audit: auditWriter, metrics });
  const { refresh, apiTokenChecks, worker, tokens, proxy } = createCredentialUse({
    policies,
    config,
    clock,
    logger,
    dataKeys,
    authConfigs,
    grants,
    leases,
    tokenReads,
    providers,
    outbound,
    metrics,
    auditWriter,
    dispatcher: overrides.dispatcher,
    tenantDispatcher: egressAgent,
  });
  const auditTrail = createAuditService({ db });
  const events = createEventService({
    db,
    clock,
    commitChange,
    dataKeys,
    checkUrl: checkTenantUrl,
    urlPolicy,
  });
  const webhooks = createWebhookDispatcher({
    db,
    clock,
    logger,
    dataKeys,
    dispatcher: egressAgent,
    checkUrl: (url) => checkEgress(url, egress.policy),
    timeoutMs: config.PROVIDER_TIMEOUT_MS,
    maxResponseBytes: config.PROVIDER_MAX_RESPONSE_BYTES,
    outbound,
  });
  // Least privilege: policies, trusted issuers, proxy tokens and the token exchange.
  const issuerDirectory = createIssuerDirectory(db, changes, cacheLimits);
  const jwks = createJwksCache({
    clock,
    dispatcher: egressAgent,
    outbound,
    timeoutMs: config.PROVIDER_TIMEOUT_MS,
    // a key set is a few KB; more is a mistake or an attack
    maxBytes: Math.min(config.PROVIDER_MAX_RESPONSE_BYTES, JWKS_MAX_BYTES),
    cacheSeconds: config.JWKS_CACHE_SECONDS,
    minRefetchSeconds: config.JWKS_REFETCH_MIN_SECONDS,
  });
  const trustedIssuers = createTrustedIssuerService({
    db,
    clock,
    commitChange,
    checkUrl: checkTenantUrl,
    urlPolicy,
    missingAuthConfigIds: authConfigs.missingIds,
    jwks,
    announce,
  });
  const proxyTokens = createProxyTokenService({
    clock,
    keys: deriveProxyTokenKeys(masterKeys),
    publicUrl: config.PUBLIC_URL,
    defaultTtlSeconds: config.PROXY_TOKEN_TTL_SECONDS,
    apiKeys,
    issuers: issuerDirectory,
    audit: auditWriter,
  });
  const tokenExchange = createTokenExchangeService({
    clock,
    publicUrl: config.PUBLIC_URL,
    issuers: issuerDirectory,
    jwks,
    tokens,
    authConfigs,
    policies,
    proxyTokens,
    audit: auditWriter,
    metrics,
  });
  return {
    config,
    logger,
    clock,
    keyring,
    database,
    changes,
    providers,
    metrics,
    outbound,
    services: {
      dataKeys,
      authConfigs,
      apiKeys,
      tenants,
      accounts,
      imports,
      importJobs,
      exports,
      bulk,
      grants,
      leases,
      connect,
      refresh,
      apiTokenChecks,
      worker,
      auditWriter,
      auditTrail,
      tokens,
      proxy,
      policies,
      trustedIssuers,
      proxyTokens,
      tokenExchange,
      events,
      webhooks,
      rotation,
      unwrapCheck,
    },
  };
}

export type Deps = Awaited<ReturnType<typeof createDeps>>;
