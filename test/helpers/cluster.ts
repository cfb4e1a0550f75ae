import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Emulator } from '../../src/emulator/index.ts';
import { newApiKey } from '../../src/features/api-keys/secrets.ts';
import { openTestDatabase } from './database.ts';
import { cookieJar } from './cookies.ts';
import { atlassianConfig } from './fixtures.ts';
import { freePort, spawnVault, type VaultProcess } from './process.ts';
import { testMasterKey } from './vault.ts';

/**
 * Several real vault processes on one fresh PostgreSQL database, pointed at an emulator: what a
 * deployment with replicas looks like. PostgreSQL only (PGlite is one process).
 */
export async function startCluster(emu: Emulator) {
  const db = await openTestDatabase();
  await db.database.close();
  const adminKey = newApiKey().token;
  const operatorKey = newApiKey().token;
  const publicPort = await freePort();
  const base: Record<string, string> = {
    DATABASE_URL: db.url!,
    VAULT_MASTER_KEYS: testMasterKey(),
    VAULT_BOOTSTRAP_ADMIN_KEY: adminKey,
    VAULT_BOOTSTRAP_OPERATOR_KEY: operatorKey,
    PUBLIC_URL: `http://127.0.0.1:${publicPort}`,
    ATLASSIAN_AUTH_URL: emu.url,
    ATLASSIAN_API_URL: emu.url,
    DATA_DIR: mkdtempSync(join(tmpdir(), 'cv-cluster-')),
    LOG_LEVEL: 'warn',
    DB_POOL_MAX: '8',
    // These tests drive thousands of public connect/callback requests from one IP.
    RATE_LIMIT_PER_IP: '1000000',
  };
  const procs: VaultProcess[] = [];
  const pool = new pg.Pool({ connectionString: db.url, max: 2 });
  // An idle connection of the test's own that the server ends is replaced, not a test failure.
  pool.on('error', () => {});

  async function spawn(
    role: 'api' | 'worker' | 'all',
    env: Record<string, string> = {},
    first = false,
  ) {
    const p = await spawnVault(
      { ...base, ...(first ? { PORT: String(publicPort) } : {}), ...env },
      ['--role', role],
    );
    await p.waitReady();
    procs.push(p);
    return p;
  }

  const api = async (
    p: VaultProcess,
    method: string,
    path: string,
    body?: unknown,
    key = adminKey,
  ) => {
    const res = await fetch(`${p.url}${path}`, {
      method,
      redirect: 'manual',
      headers: {
        authorization: `Bearer ${key}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    return {
      status: res.status,
      headers: res.headers,
      body: text.startsWith('{') || text.startsWith('[') ? JSON.parse(text) : text,
    };
  };

  /** An Atlassian auth config registered at the emulator. */
  async function authConfig(
    p: VaultProcess,
    app: { accessTokenTtlSeconds?: number } = {},
    fields: Record<string, unknown> = {},
  ) {
    const cfg = { ...atlassianConfig(), ...fields };
    const res = await api(p, 'POST', '/v1/auth-configs', cfg);
    if (res.status !== 201) throw new Error(JSON.stringify(res.body));
    emu.addApp({
      clientId: cfg.client_id,
      clientSecret: cfg.client_secret,
      name: 'cluster app',
      callbackUrl: res.body.callback_url,
      scopes: cfg.scopes,
      ...app,
    });
    return { id: res.body.id as string, clientId: cfg.client_id };
  }

  /** Runs the connect flow over real HTTP (the browser's part played by fetch and the emulator). */
  /** Opens a connect link and consents at the emulator, as a browser (with its cookies) would. */
  async function connectLink(p: VaultProcess, redirectUrl: string, emuAccountId: string) {
    const link = new URL(redirectUrl);
    const jar = cookieJar();
    const opened = await fetch(`${p.url}${link.pathname}`, { redirect: 'manual' });
    jar.absorb(opened);
    const consent = await emu.consent({
      authorizeUrl: opened.headers.get('location')!,
      accountId: emuAccountId,
      decision: 'approve',
    });
    const cb = new URL(consent.location!);
    const done = await fetch(`${p.url}${cb.pathname}${cb.search}`, {
      redirect: 'manual',
      headers: jar.headerFor(cb.pathname),
    });
    if (done.status !== 200) throw new Error(`callback answered ${done.status}`);
  }

  async function connect(p: VaultProcess, configId: string, userId: string, emuAccountId: string) {
    const created = await api(p, 'POST', '/v1/connected-accounts', {
      auth_config_id: configId,
      user_id: userId,
    });
    if (created.status !== 201) {
      throw new Error(`create answered ${created.status}: ${JSON.stringify(created.body)}`);
    }
    await connectLink(p, created.body.redirect_url, emuAccountId);
    return created.body.id as string;
  }

  return {
    adminKey,
    operatorKey,
    dbUrl: db.url!,
    procs,
    pool,
    spawn,
    api,
    authConfig,
    connect,
    connectLink,
    async stop() {
      await Promise.all(procs.map((p) => p.stop()));
      await pool.end();
      await db.drop();
    },
  };
}
