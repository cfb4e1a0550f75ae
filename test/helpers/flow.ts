import { randomBytes } from 'node:crypto';
import { startEmulator, type Emulator, type EmuUser } from '../../src/emulator/index.ts';
import type { Clock } from '../../src/lib/clock.ts';
import { cookieJar } from './cookies.ts';
import { atlassianConfig } from './fixtures.ts';
import { startTestVault, type Res, type TestDatabase, type TestVault } from './vault.ts';

/** The callback base of a test vault (PUBLIC_URL http://vault.test); a config's is CALLBACK/<id>. */
export const CALLBACK = 'http://vault.test/v1/oauth/callback';
export const RETURN_URL = 'https://app.example.com/connected';

/**
 * A vault pointed at a fresh emulator, as `ATLASSIAN_AUTH_URL`/`ATLASSIAN_API_URL` (and
 * `GITHUB_URL`/`GITHUB_API_URL`: the emulator serves GitHub on the same origin) would do it.
 */
export async function startFlowFixture(
  opts: {
    clock?: Clock;
    env?: Record<string, string>;
    database?: TestDatabase;
  } = {},
) {
  const emu = await startEmulator();
  const vault = await startTestVault({
    clock: opts.clock,
    database: opts.database,
    env: {
      ATLASSIAN_AUTH_URL: emu.url,
      ATLASSIAN_API_URL: emu.url,
      GITHUB_URL: emu.url,
      GITHUB_API_URL: emu.url,
      ...opts.env,
    },
  });
  return { emu, vault, close: async () => (await vault.close(), await emu.close()) };
}

/** A tenant with an Atlassian auth config whose app is registered at the emulator, and one user. */
export async function atlassianSetup(
  vault: TestVault,
  emu: Emulator,
  over: { sites?: number; scopes?: string[]; products?: ('jira' | 'confluence')[] } = {},
) {
  const { adminKey, tenantId } = await vault.newTenant();
  const body = atlassianConfig({ scopes: over.scopes ?? ['read:jira-work', 'read:jira-user'] });
  const cfg = await vault.call('POST', '/v1/auth-configs', adminKey, body);
  if (cfg.status !== 201) throw new Error(cfg.text);
  // As an admin does in the Atlassian console: the app's callback is the config's callback_url.
  const callbackUrl = cfg.body.callback_url as string;
  emu.addApp({
    clientId: body.client_id,
    clientSecret: body.client_secret,
    name: 'Vault test app',
    callbackUrl,
    scopes: body.scopes,
  });
  const tag = randomBytes(3).toString('hex');
  const user: EmuUser = emu.addUser({
    email: `user-${tag}@example.com`,
    name: `User ${tag}`,
    sites: Array.from({ length: over.sites ?? 1 }, (_, i) => ({
      name: `Site ${i}`,
      url: `https://site${i}-${tag}.atlassian.net`,
      products: over.products ?? ['jira' as const],
    })),
  });
  return {
    adminKey,
    tenantId,
    configId: cfg.body.id as string,
    callbackUrl,
    clientSecret: body.client_secret,
    clientId: body.client_id,
    user,
  };
}

export interface FlowRun {
  accountId: string;
  created: Res;
  authorizeUrl?: string;
  callbackUrl?: string;
  final: Res;
  /** the browser's cookies after the flow */
  jar: ReturnType<typeof cookieJar>;
}

const pathOf = (url: string) => {
  const u = new URL(url, 'http://vault.test');
  return `${u.pathname}${u.search}`;
};

/** Drives the connect flow over HTTP the way a browser would (cookies included), with the emulator's consent. */
export async function runFlow(
  vault: TestVault,
  emu: Emulator,
  adminKey: string,
  body: Record<string, unknown>,
  consent: { accountId?: string; siteIds?: string[]; decision: 'approve' | 'deny' } = {
    decision: 'approve',
  },
  jar = cookieJar(),
): Promise<FlowRun> {
  const created = await vault.call('POST', '/v1/connected-accounts', adminKey, body);
  if (created.status !== 201) throw new Error(`create failed: ${created.text}`);
  const link = pathOf(created.body.redirect_url);
  const opened = await vault.call('GET', link, undefined, undefined, jar.headerFor(link));
  jar.absorb(opened);
  if (opened.status !== 302) return { accountId: created.body.id, created, final: opened, jar };
  const authorizeUrl = String(opened.headers.location);
  const decided = await emu.consent({ authorizeUrl, ...consent });
  if (!decided.location)
    throw new Error(`consent did not redirect: ${decided.status} ${decided.body}`);
  const back = pathOf(decided.location);
  const final = await vault.call('GET', back, undefined, undefined, jar.headerFor(back));
  jar.absorb(final);
  return {
    accountId: created.body.id,
    created,
    authorizeUrl,
    callbackUrl: decided.location,
    final,
    jar,
  };
}

export { pathOf };

/** A browser visit to a vault page: sends the jar's cookies for the path, keeps what it sets. */
export async function visit(vault: TestVault, jar: ReturnType<typeof cookieJar>, url: string) {
  const path = pathOf(url);
  const res = await vault.call('GET', path, undefined, undefined, jar.headerFor(path));
  jar.absorb(res);
  return res;
}

export { cookieJar };
