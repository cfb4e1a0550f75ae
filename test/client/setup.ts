// One real vault process (PGlite in its own DATA_DIR) pointed at a fresh Atlassian emulator, and the
// client talking to it. Everything the client tests assume about how the vault is started, where its
// metrics live and how an account gets connected is in this file, so it adapts in one place.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createVaultClient,
  type VaultClient,
  type VaultClientOptions,
} from '../../clients/typescript/src/index.ts';
import { EnvSchema } from '../../src/config.ts';
import { startEmulator, type Emulator, type EmuUser } from '../../src/emulator/index.ts';
import { newApiKey } from '../../src/features/api-keys/secrets.ts';
import { openTestDatabase, usingPostgres } from '../helpers/database.ts';
import { freePort, spawnVault, type VaultProcess } from '../helpers/process.ts';

const SCOPES = ['read:jira-work', 'read:jira-user'];

/** True when the vault's OpenAPI document (what this branch serves) declares the route prefix. */
export function vaultHasRoute(prefix: string): boolean {
  const doc = JSON.parse(readFileSync('openapi/openapi.json', 'utf8')) as { paths: object };
  return Object.keys(doc.paths).some((p) => p.startsWith(prefix));
}

export const PROXY_ROUTE = '/v1/connected-accounts/{id}/proxy';

export interface ConnectedFixture {
  configId: string;
  clientId: string;
  accountId: string;
  userId: string;
  emuUser: EmuUser;
}

export async function startClientFixture(
  opts: {
    env?: Record<string, string>;
    /**
     * Under `--pg` (TEST_DATABASE_URL), run the vault on a PostgreSQL database of this fixture's
     * own (dropped by close()) instead of PGlite.
     */
    postgres?: boolean;
  } = {},
) {
  const emu: Emulator = await startEmulator();
  const pgdb = opts.postgres && usingPostgres() ? await openTestDatabase() : undefined;
  await pgdb?.database.close(); // only its URL is needed: the vault process opens its own pool
  const port = await freePort();
  const metricsPort = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const adminKey = newApiKey().token;
  const env: Record<string, string> = {
    PORT: String(port),
    PUBLIC_URL: url,
    DATA_DIR: mkdtempSync(join(tmpdir(), 'cv-client-')),
    VAULT_MASTER_KEYS: `k1:${randomBytes(32).toString('base64')}`,
    VAULT_BOOTSTRAP_ADMIN_KEY: adminKey,
    ATLASSIAN_AUTH_URL: emu.url,
    ATLASSIAN_API_URL: emu.url,
    ALLOW_PRIVATE_EGRESS: 'true',
    LOG_LEVEL: 'warn',
    // Where /metrics goes once it has a listener of its own (ignored by a vault that has none).
    METRICS_HOST: '127.0.0.1',
    METRICS_PORT: String(metricsPort),
    WEBHOOK_CRON: '* * * * * *',
    RATE_LIMIT_PER_IP: '100000',
    ...(pgdb ? { DATABASE_URL: pgdb.url! } : {}),
    ...opts.env,
  };
  let vault: VaultProcess = await spawnVault(env);
  await vault.waitReady();

  const client = (o: Partial<VaultClientOptions> = {}): VaultClient =>
    createVaultClient({ url, apiKey: adminKey, ...o });
  const admin = client();

  /**
   * The Prometheus endpoint: on the API port until the vault's config knows METRICS_PORT, on its
   * own listener after (read from the config schema, not guessed from failures).
   */
  const metricsUrl = () =>
    'METRICS_PORT' in EnvSchema.properties
      ? `http://${env.METRICS_HOST}:${env.METRICS_PORT}/metrics`
      : `${url}/metrics`;

  /** Token requests the vault has answered, whatever the outcome (Σ cv_token_requests_total). */
  async function tokenRequests(): Promise<number> {
    const res = await fetch(metricsUrl());
    if (!res.ok) throw new Error(`${metricsUrl()} answered ${res.status}`);
    const text = await res.text();
    let sum = 0;
    for (const m of text.matchAll(/^cv_token_requests_total(?:\{[^}]*\})? (\S+)$/gm)) {
      sum += Number(m[1]);
    }
    return sum;
  }

  /**
   * An Atlassian auth config made through the client, its app registered at the emulator with the
   * callback URL the vault reports for it, an emulator user with one site, and a connected account
   * taken through the whole connect flow (ACTIVE).
   */
  async function connectAccount(
    app: { accessTokenTtlSeconds?: number; userId?: string } = {},
  ): Promise<ConnectedFixture> {
    const tag = randomBytes(4).toString('hex');
    const clientId = `client-${tag}`;
    const clientSecret = `cs-${randomBytes(24).toString('hex')}`;
    const cfg = await admin.authConfigs.create({
      name: `client test ${tag}`,
      provider: 'atlassian',
      client_id: clientId,
      client_secret: clientSecret,
      scopes: SCOPES,
    });
    emu.addApp({
      clientId,
      clientSecret,
      name: `client test ${tag}`,
      callbackUrl: cfg.callback_url,
      scopes: SCOPES,
      ...(app.accessTokenTtlSeconds ? { accessTokenTtlSeconds: app.accessTokenTtlSeconds } : {}),
    });
    const emuUser = emu.addUser({
      email: `user-${tag}@example.com`,
      name: `User ${tag}`,
      sites: [{ name: `Site ${tag}`, url: `https://site-${tag}.atlassian.net` }],
    });
    const userId = app.userId ?? `user-${tag}`;
    const accountId = await runConnectFlow(cfg.id, userId, emuUser.accountId);
    return { configId: cfg.id, clientId, accountId, userId, emuUser };
  }

  /** The browser's part of the connect flow: fetch with a cookie jar, consent at the emulator. */
  async function runConnectFlow(configId: string, userId: string, emuAccountId: string) {
    const created = await admin.connectedAccounts.create({
      auth_config_id: configId,
      user_id: userId,
    });
    await completeConnect(created.redirect_url!, emuAccountId);
    const account = await admin.connectedAccounts.get(created.id);
    if (account.status !== 'ACTIVE') {
      throw new Error(`account is ${account.status} (${account.status_reason}) after the flow`);
    }
    return created.id;
  }

  /**
   * What a browser does with a connect link: opens it (keeping the vault's cookie), consents at
   * the emulator as `emuAccountId`, and follows the redirect back to the vault's callback.
   */
  async function completeConnect(link: string, emuAccountId: string): Promise<void> {
    const jar = new Map<string, string>();
    const browse = async (target: string) => {
      const res = await fetch(target, {
        redirect: 'manual',
        headers: jar.size
          ? { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') }
          : undefined,
      });
      for (const c of res.headers.getSetCookie()) {
        const [pair = ''] = c.split(';');
        const eq = pair.indexOf('=');
        if (eq > 0) jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
      }
      return res;
    };
    const opened = await browse(link);
    const authorizeUrl = opened.headers.get('location');
    if (opened.status !== 302 || !authorizeUrl) {
      throw new Error(`connect link answered ${opened.status}: ${await opened.text()}`);
    }
    const consent = await emu.consent({
      authorizeUrl,
      accountId: emuAccountId,
      decision: 'approve',
    });
    if (!consent.location) throw new Error(`consent answered ${consent.status}: ${consent.body}`);
    const done = await browse(consent.location);
    if (done.status >= 400)
      throw new Error(`callback answered ${done.status}: ${await done.text()}`);
  }

  return {
    emu,
    url,
    adminKey,
    admin,
    client,
    metricsUrl,
    tokenRequests,
    connectAccount,
    completeConnect,
    vault: () => vault,
    /** stops the vault process (SIGTERM) and waits for it to exit */
    async stopVault() {
      await vault.stop();
    },
    /** starts it again on the same port and DATA_DIR; resolves once it serves */
    async startVault() {
      vault = await spawnVault(env);
      await vault.waitReady();
    },
    async close() {
      await vault.stop();
      await emu.close();
      await pgdb?.drop();
    },
  };
}

export type ClientFixture = Awaited<ReturnType<typeof startClientFixture>>;

/** One request the client made: when it was sent and answered, and what the answer asked. */
export interface ObservedRequest {
  /** performance.now() when the client called fetch */
  sentAt: number;
  /** performance.now() when the answer (or the network error) came back */
  answeredAt: number;
  /** the status, or the network error's code */
  outcome: number | string;
  /** the answer's Retry-After in milliseconds (delay-seconds only), if it had one */
  retryAfterMs?: number;
}

/**
 * A fetch that records what the vault answered (status, or the network error's code) in
 * `outcomes`, and each request's send and answer times with the answer's Retry-After in `requests`:
 * the wait a client left between two requests is `requests[i + 1].sentAt - requests[i].answeredAt`.
 */
export function observedFetch() {
  const outcomes: (number | string)[] = [];
  const requests: ObservedRequest[] = [];
  const fn = async (input: string | URL | Request, init?: RequestInit) => {
    const sentAt = performance.now();
    try {
      const res = await fetch(input, init);
      outcomes.push(res.status);
      const ra = res.headers.get('retry-after')?.trim();
      requests.push({
        sentAt,
        answeredAt: performance.now(),
        outcome: res.status,
        ...(ra && /^\d+$/.test(ra) ? { retryAfterMs: Number(ra) * 1000 } : {}),
      });
      return res;
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause;
      const outcome = cause?.code ?? (err as Error).name;
      outcomes.push(outcome);
      requests.push({ sentAt, answeredAt: performance.now(), outcome });
      throw err;
    }
  };
  return { fetch: fn, outcomes, requests };
}
