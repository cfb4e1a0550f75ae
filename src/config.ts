import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';
import { createTask, validate as validCron } from 'node-cron';
import { parseMasterKeys, type MasterKey } from './crypto/master-keys.ts';
import { needsSelection, parseDatabaseUrl } from './db/hosts.ts';
import { StartupError } from './lib/errors.ts';
import { tracingSettings, type TracingSettings } from './lib/tracing-config.ts';
import { parseTrustProxy, type TrustProxy } from './lib/trust-proxy.ts';
import { PROVIDER_SETTINGS, type ProviderEnvName } from './providers/index.ts';
import { SCHEME_NAMES, type AuthSchemeName } from './schemes/index.ts';

/**
 * The one place that reads process.env: the configuration is parsed once, at start. A bad value
 * stops the process with a message naming the variable.
 */
const Url = Type.String({ pattern: '^https?://[^\\s]+$' });

/** Each provider's deployment settings (its base URLs), as its definition declares them. */
const providerSettings = Object.fromEntries(
  PROVIDER_SETTINGS.map((s) => [s.env, Type.String({ ...Url, default: s.default })]),
) as Record<ProviderEnvName, typeof Url>;
const Bool = Type.Boolean();
const oneOf = <T extends string>(values: readonly T[], def: T) =>
  Type.Union(
    values.map((v) => Type.Literal(v)),
    { default: def, description: values.join('|') },
  );

/**
 * An integer setting. A bound is there only to stop a set-up that cannot work; `hint` says what
 * does, and is what a refused value's message shows.
 */
const Int = (def: number, min: number, hint: string, max?: number) =>
  Type.Integer({
    default: def,
    minimum: min,
    ...(max === undefined ? {} : { maximum: max }),
    hint,
  });

export const EnvSchema = Type.Object({
  NODE_ENV: oneOf(['development', 'production', 'test'] as const, 'development'),
  PORT: Int(3000, 0, 'a TCP port, 0-65535 (0: any free port)', 65535),
  HOST: Type.String({ minLength: 1, default: '127.0.0.1' }),
  /** /metrics listens apart from the API (loopback by default: it is not for the public) */
  METRICS_HOST: Type.String({ minLength: 1, default: '127.0.0.1' }),
  METRICS_PORT: Int(
    9464,
    -1,
    'a TCP port, 0-65535 (0: any free port), or -1 for no metrics listener',
    65535,
  ),
  METRICS_GAUGE_INTERVAL_SECONDS: Int(15, 1, 'at least 1 second between gauge reads'),
  PUBLIC_URL: Type.Optional(Url),
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  /** the LISTEN connection (cache invalidation); must reach PostgreSQL itself, not a
   * transaction-mode pooler. Default: DATABASE_URL */
  DATABASE_LISTEN_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  /** the token path's in-process cache of accounts and their configs, invalidated by NOTIFY (off:
   * read per request; API-key verifications and unwrapped data keys stay cached either way) */
  TOKEN_CACHE: oneOf(['on', 'off'] as const, 'on'),
  // about 3 KB per cached account with Atlassian-sized tokens: 20,000 ≈ 60 MB (npm run bench)
  TOKEN_CACHE_MAX_ENTRIES: Int(20_000, 1, 'at least 1 entry'),
  /** a backstop: an entry is re-read at least this often even if no change was announced */
  TOKEN_CACHE_MAX_AGE_SECONDS: Int(30, 1, 'at least 1 second'),
  DB_POOL_MAX: Int(16, 1, 'at least 1 connection per process'),
  DATA_DIR: Type.String({ minLength: 1, default: './data' }),
  VAULT_MASTER_KEYS: Type.Optional(Type.String({ minLength: 1 })),
  VAULT_BOOTSTRAP_ADMIN_KEY: Type.Optional(Type.String({ minLength: 1 })),
  VAULT_BOOTSTRAP_OPERATOR_KEY: Type.Optional(Type.String({ minLength: 1 })),
  LOG_LEVEL: oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info'),
  /** auto: pretty on a terminal outside production, JSON lines otherwise (docs/operations.md#logs) */
  LOG_FORMAT: oneOf(['auto', 'json', 'pretty'] as const, 'auto'),
  /** the auth schemes new auth configs and accounts may use (docs/credentials.md#scheme-policy);
   * unset: every scheme */
  ALLOWED_AUTH_SCHEMES: Type.Optional(Type.String()),
  ...providerSettings,
  REFRESH_CRON: Type.String({ minLength: 1, default: '*/30 * * * * *' }),
  /** 0 and up; tokens shorter than twice the window are refreshed at half their life instead */
  REFRESH_AHEAD_SECONDS: Int(600, 0, 'seconds, 0 or more'),
  /**
   * an account used within this many hours is refreshed ahead of expiry; an idle one on demand,
   * and kept alive by the worker (fractions allowed, so that tests can use seconds)
   */
  /** concurrent token-endpoint calls per OAuth app (auth config) from one process */
  REFRESH_APP_CONCURRENCY: Int(16, 1, 'at least 1 call per app'),
  REFRESH_WARM_HOURS: Type.Number({
    default: 24,
    exclusiveMinimum: 0,
    maximum: 8760,
    hint: 'hours, more than 0 and at most 8760 (fractions allowed)',
  }),
  /** must stay below the provider's refresh-token reuse leeway (Atlassian: 600 s) */
  REFRESH_LEASE_SECONDS: Int(
    60,
    1,
    "1-540 seconds: a lease must end well inside the provider's 600 s refresh-token reuse leeway, or a crashed refresher's successor could spend a token outside it",
    540,
  ),
  REFRESH_CONCURRENCY: Int(16, 1, 'at least 1 refresh at a time'),
  // The claim writes its batch with one IN list; PostgreSQL takes at most 65,535 parameters.
  REFRESH_BATCH_SIZE: Int(200, 1, '1-10000 accounts per claim', 10_000),
  RATE_LIMIT_PER_KEY: Int(100_000, 1, 'requests per minute per API key, at least 1'),
  RATE_LIMIT_PER_IP: Int(300, 1, 'requests per minute per client IP without a key, at least 1'),
  /** exports of refresh tokens per tenant and hour (per process): docs/moving.md#export */
  EXPORT_RATE_LIMIT_PER_HOUR: Int(10, 1, '1-1000 exports per tenant and hour', 1000),
  /** failed authentications per client IP and minute; past them a failing key gets 429, not 401 */
  AUTH_FAILURES_PER_IP: Int(60, 1, 'failed authentications per minute per client IP, at least 1'),
  AUDIT_RETENTION_DAYS: Int(90, 1, 'at least 1 day'),
  /** issuance counts are flushed this often; a crash loses at most one interval's counts */
  AUDIT_FLUSH_SECONDS: Int(5, 1, 'at least 1 second'),
  WEBHOOK_CRON: Type.String({ minLength: 1, default: '*/5 * * * * *' }),
  /** consecutive refresh failures before connected_account.refresh_failed is sent */
  WEBHOOK_REFRESH_FAILED_STREAK: Int(3, 1, 'at least 1 failure'),
  CONNECT_LINK_TTL_SECONDS: Int(
    600,
    10,
    '10-86400 seconds: long enough for a person to consent, short for a bearer link',
    86_400,
  ),
  /** one deadline for a whole provider call (connect, headers and body together) */
  PROVIDER_TIMEOUT_MS: Int(10_000, 100, '100-600000 ms', 600_000),
  /** the most of a provider's (or webhook receiver's) answer that is read; a token answer is a few KB */
  PROVIDER_MAX_RESPONSE_BYTES: Int(
    1024 * 1024,
    1024,
    '1 KiB to 64 MiB (1024-67108864 bytes)',
    64 * 1024 * 1024,
  ),
  /** concurrent outbound calls (provider calls, proxied calls, webhooks) made for one tenant */
  OUTBOUND_CONCURRENCY_PER_TENANT: Int(16, 1, 'at least 1 call at a time per tenant'),
  /**
   * concurrent outbound calls to one origin across all tenants (the Atlassian gateway serves them
   * all); the agents' socket pools are sized to it
   */
  OUTBOUND_CONCURRENCY_PER_ORIGIN: Int(256, 1, '1-4096 calls at a time per origin', 4096),
  /** how long a call waits for a free outbound slot before it is refused (503 outbound_busy) */
  OUTBOUND_QUEUE_TIMEOUT_MS: Int(
    5_000,
    0,
    '0-60000 ms (0: refuse at once when no slot is free)',
    60_000,
  ),
  /** The proxy: request and response bodies beyond this are refused (413 / 502). */
  PROXY_MAX_BODY_BYTES: Int(10 * 1024 * 1024, 1, '1 byte to 1 GiB', 1024 * 1024 * 1024),
  /** The proxy: the whole exchange — the caller's body, the provider's answer, streaming it back. */
  PROXY_TIMEOUT_MS: Int(30_000, 100, '100-600000 ms', 600_000),
  /**
   * The proxy: after a provider's 401 caused a refresh of an account's token, how long further 401s
   * go back as they are instead of refreshing again (across replicas). A 401 a fresh token does not
   * cure (an endpoint outside the granted scopes) then costs one refresh per cool-down, not one per
   * call; a token really revoked is replaced by the first 401.
   */
  PROXY_REJECTION_COOLDOWN_SECONDS: Int(
    300,
    0,
    '0-86400 seconds (0: only the rule that a token issued in the last minute is never refreshed for a 401 holds refreshes back)',
    86_400,
  ),
  /** The proxy: total time it may wait on a 429/503's Retry-After for an idempotent call (0: never). */
  PROXY_RETRY_MAX_WAIT_SECONDS: Int(0, 0, '0-60 seconds', 60),
  // A client must send a whole request within these, or the connection is closed (slow clients
  // holding connections open cannot exhaust the server).
  /** how long a proxy token lives unless its request asks for less (at most 900 s) */
  PROXY_TOKEN_TTL_SECONDS: Int(300, 10, '10-900 seconds', 900),
  /** how long a trusted issuer's fetched key set is used before it is fetched again */
  JWKS_CACHE_SECONDS: Int(300, 10, '10-86400 seconds', 86_400),
  /**
   * the least time between two fetches of one issuer's key set: a token naming an unknown key id
   * fetches it again at most this often (a rotation is picked up; made-up key ids cost nothing)
   */
  JWKS_REFETCH_MIN_SECONDS: Int(30, 1, '1-3600 seconds', 3_600),
  HTTP_REQUEST_TIMEOUT_MS: Int(30_000, 1_000, 'at least 1000 ms for a whole request'),
  HTTP_HEADERS_TIMEOUT_MS: Int(
    10_000,
    1_000,
    'at least 1000 ms, and at most HTTP_REQUEST_TIMEOUT_MS',
  ),
  // Longer than the idle timeout of load balancers in front (commonly 60 s), so they close first.
  HTTP_KEEP_ALIVE_TIMEOUT_MS: Int(72_000, 1_000, 'at least 1000 ms'),
  ALLOW_PRIVATE_EGRESS: Bool,
  /** whose X-Forwarded-For names the client (rate limits, failure counts, audit); parsed below */
  TRUST_PROXY: Type.Optional(Type.String()),
});

export type Env = Static<typeof EnvSchema>;

export interface Config extends Omit<
  Env,
  'PUBLIC_URL' | 'VAULT_MASTER_KEYS' | 'TRUST_PROXY' | 'ALLOWED_AUTH_SCHEMES'
> {
  PUBLIC_URL: string;
  /** ALLOWED_AUTH_SCHEMES, parsed: the schemes new configs and accounts may use */
  allowedAuthSchemes: AuthSchemeName[];
  /** TRUST_PROXY, as fastify's `trustProxy` takes it */
  trustProxy: TrustProxy;
  /** kid → 32-byte key; the first one is active. Empty when none configured (see deps/keyring). */
  masterKeys: MasterKey[];
  /** auth config X's OAuth redirect URI is `${callbackBase}/X` */
  callbackBase: string;
  /** set-ups that work but probably not as meant: logged at start */
  warnings: string[];
  /** traces: from the standard OTEL_* variables (off unless configured) */
  tracing: TracingSettings;
}

export class ConfigError extends StartupError {
  override name = 'ConfigError';
}

/** `oauth2_3lo,client_credentials`: known scheme names, at least one; unset means every scheme. */
function parseSchemeList(raw: string | undefined): AuthSchemeName[] {
  if (raw === undefined) return [...SCHEME_NAMES];
  const names = raw
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  const unknown = names.filter((n) => !(SCHEME_NAMES as string[]).includes(n));
  if (unknown.length || names.length === 0) {
    throw new ConfigError(
      `ALLOWED_AUTH_SCHEMES must list one or more of ${SCHEME_NAMES.join(', ')}, comma separated (got ${JSON.stringify(raw)})`,
    );
  }
  return SCHEME_NAMES.filter((n) => names.includes(n));
}

const BOOL_TRUE = new Set(['1', 'true', 'yes', 'on']);
const BOOL_FALSE = new Set(['0', 'false', 'no', 'off', '']);

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const raw: Record<string, unknown> = {};
  for (const name of Object.keys(EnvSchema.properties)) {
    const v = env[name];
    if (v !== undefined && v !== '') raw[name] = v;
  }
  const allow = String(env.ALLOW_PRIVATE_EGRESS ?? '').toLowerCase();
  if (!BOOL_TRUE.has(allow) && !BOOL_FALSE.has(allow)) {
    throw new ConfigError('ALLOW_PRIVATE_EGRESS must be true or false');
  }
  raw.ALLOW_PRIVATE_EGRESS = BOOL_TRUE.has(allow);
  const value = Value.Convert(EnvSchema, Value.Default(EnvSchema, raw));
  if (!Value.Check(EnvSchema, value)) {
    const problems = new Map<string, string>();
    for (const e of Value.Errors(EnvSchema, value)) {
      const name = e.instancePath.replace(/^\//, '');
      if (problems.has(name)) continue;
      const prop = (
        EnvSchema.properties as Record<string, { description?: string; hint?: string }>
      )[name];
      problems.set(
        name,
        prop?.hint
          ? `must be ${prop.hint}`
          : prop?.description
            ? `must be one of ${prop.description}`
            : e.message,
      );
    }
    const lines = [...problems].map(([n, m]) => `${n} ${m} (got ${JSON.stringify(env[n])})`);
    throw new ConfigError(`invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  const parsed = value as Env;
  const publicUrl = (parsed.PUBLIC_URL ?? `http://localhost:${parsed.PORT}`).replace(/\/+$/, '');
  const masterKeys = parseMasterKeys(parsed.VAULT_MASTER_KEYS);
  if (parsed.NODE_ENV === 'production' && masterKeys.length === 0) {
    throw new ConfigError('VAULT_MASTER_KEYS is required when NODE_ENV=production');
  }
  if (parsed.HTTP_HEADERS_TIMEOUT_MS > parsed.HTTP_REQUEST_TIMEOUT_MS) {
    throw new ConfigError(
      `HTTP_HEADERS_TIMEOUT_MS (${parsed.HTTP_HEADERS_TIMEOUT_MS}) must not exceed HTTP_REQUEST_TIMEOUT_MS (${parsed.HTTP_REQUEST_TIMEOUT_MS}): the headers are part of the request`,
    );
  }
  // Several hosts (h1:5432,h2:5432) and target_session_attrs are read by the vault itself.
  for (const name of ['DATABASE_URL', 'DATABASE_LISTEN_URL'] as const) {
    const url = parsed[name];
    if (!url || !needsSelection(url)) continue;
    try {
      parseDatabaseUrl(url);
    } catch (err) {
      throw new ConfigError(`${name}: ${(err as Error).message}`);
    }
  }
  for (const name of ['REFRESH_CRON', 'WEBHOOK_CRON'] as const) {
    if (!validCron(parsed[name])) {
      throw new ConfigError(
        `${name} is not a valid cron expression (got ${JSON.stringify(parsed[name])})`,
      );
    }
  }
  let trustProxy: TrustProxy;
  try {
    trustProxy = parseTrustProxy(parsed.TRUST_PROXY);
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
  const allowedAuthSchemes = parseSchemeList(parsed.ALLOWED_AUTH_SCHEMES);
  const {
    VAULT_MASTER_KEYS: _omit,
    TRUST_PROXY: _raw,
    ALLOWED_AUTH_SCHEMES: _schemes,
    ...rest
  } = parsed;
  // Provider base URLs without a trailing slash: paths are appended after one.
  for (const s of PROVIDER_SETTINGS) rest[s.env] = rest[s.env].replace(/\/+$/, '');
  return {
    ...rest,
    trustProxy,
    allowedAuthSchemes,
    warnings: warnings(parsed, trustProxy),
    tracing: tracingSettings(env, (m) => new ConfigError(m)),
    PUBLIC_URL: publicUrl,
    masterKeys,
    callbackBase: `${publicUrl}/v1/oauth/callback`,
  };
}

/** The longest gap between two runs of a cron expression, in seconds (over its next few runs). */
export function cronPeriodSeconds(expression: string): number {
  const task = createTask(expression, () => {});
  try {
    const runs = task.getNextRuns(8).map((d) => d.getTime());
    let gap = 0;
    for (let i = 1; i < runs.length; i++) gap = Math.max(gap, runs[i]! - runs[i - 1]!);
    return gap / 1000;
  } finally {
    void task.destroy();
  }
}

function warnings(c: Env, trustProxy: TrustProxy): string[] {
  const out: string[] = [];
  if (trustProxy === true) {
    out.push(
      'TRUST_PROXY=true takes the left-most X-Forwarded-For address as the client, and any client can write that header: use it only when nothing reaches the vault except through your proxies, and prefer their addresses or a hop count',
    );
  }
  const period = cronPeriodSeconds(c.REFRESH_CRON);
  if (c.REFRESH_AHEAD_SECONDS < 2 * period) {
    out.push(
      `REFRESH_AHEAD_SECONDS=${c.REFRESH_AHEAD_SECONDS} is shorter than twice the REFRESH_CRON period (${period} s): a token may expire between two worker ticks before it is refreshed (the token endpoint still refreshes on demand); use at least ${2 * period} or a more frequent REFRESH_CRON`,
    );
  }
  // One refresh may make two provider calls (the previous client secret is tried after a refused
  // one), each waiting for an outbound slot first. A lease that can run out while a call is still
  // out lets a second refresher spend the same refresh token: inside Atlassian's leeway that is
  // harmless, but GitHub keeps none and the grant dies.
  const callMs = 2 * (c.PROVIDER_TIMEOUT_MS + c.OUTBOUND_QUEUE_TIMEOUT_MS);
  if (c.REFRESH_LEASE_SECONDS * 1000 <= callMs) {
    out.push(
      `REFRESH_LEASE_SECONDS=${c.REFRESH_LEASE_SECONDS} does not outlast a refresh's provider calls (2 × (PROVIDER_TIMEOUT_MS + OUTBOUND_QUEUE_TIMEOUT_MS) = ${callMs / 1000} s): a refresher still waiting for its answer can lose its lease, and a second one spend the same refresh token, which ends the grant with a provider that keeps no reuse leeway (GitHub); use a lease longer than ${Math.ceil(callMs / 1000)} s or shorter timeouts`,
    );
  }
  return out;
}
