import { randomBytes } from 'node:crypto';
import type { Emulator, GithubAppInput, GithubUser } from '../../src/emulator/index.ts';
import { accountField } from '../../src/schemes/sealed.ts';
import { RETURN_URL, cookieJar, pathOf, type FlowRun } from './flow.ts';
import { uniqueSecret } from './fixtures.ts';
import type { TestVault } from './vault.ts';

const hex = (n: number) => randomBytes(n).toString('hex');

export interface GithubSetup {
  adminKey: string;
  tenantId: string;
  configId: string;
  callbackUrl: string;
  clientId: string;
  clientSecret: string;
  /** the GitHub user who consents, owning a public repo `engine` and a private one `secrets` */
  user: GithubUser;
}

/**
 * A tenant with a GitHub auth config (no scopes: GitHub Apps have none) whose GitHub App is
 * registered at the emulator with the config's callback URL, and a GitHub user of its own.
 */
export async function githubSetup(
  vault: TestVault,
  emu: Emulator,
  app: Partial<GithubAppInput> = {},
  config: Record<string, unknown> = {},
): Promise<GithubSetup> {
  const { adminKey, tenantId } = await vault.newTenant();
  const body = {
    name: 'GitHub app',
    provider: 'github',
    client_id: `Iv1.${hex(8)}`,
    client_secret: uniqueSecret(),
    allowed_return_urls: [RETURN_URL],
    ...config,
  };
  const cfg = await vault.call('POST', '/v1/auth-configs', adminKey, body);
  if (cfg.status !== 201) throw new Error(cfg.text);
  // As an admin does in the GitHub App's settings: its callback URL is the config's callback_url.
  const callbackUrl = cfg.body.callback_url as string;
  emu.addGithubApp({
    clientId: body.client_id,
    clientSecret: body.client_secret,
    name: 'Vault test GitHub App',
    callbackUrls: [callbackUrl],
    ...app,
  });
  const tag = hex(3);
  const user = emu.addGithubUser({
    login: `octo-${tag}`,
    name: `Octo ${tag}`,
    email: `octo-${tag}@example.com`,
    repos: [
      { name: 'engine', description: 'public repo' },
      { name: 'secrets', private: true },
    ],
  });
  return {
    adminKey,
    tenantId,
    configId: cfg.body.id as string,
    callbackUrl,
    clientId: body.client_id,
    clientSecret: body.client_secret,
    user,
  };
}

/**
 * Drives the connect flow over HTTP as a browser would (cookies included), the user deciding at
 * the emulator's GitHub consent page. `tamper` may change the callback URL GitHub sent back.
 */
export async function githubFlow(
  vault: TestVault,
  emu: Emulator,
  s: GithubSetup,
  opts: {
    userId?: string;
    returnUrl?: string;
    decision?: 'approve' | 'deny';
    tamper?: (callback: URL) => void;
  } = {},
): Promise<FlowRun> {
  const jar = cookieJar();
  const created = await vault.call('POST', '/v1/connected-accounts', s.adminKey, {
    auth_config_id: s.configId,
    user_id: opts.userId ?? `u-${hex(3)}`,
    ...(opts.returnUrl ? { return_url: opts.returnUrl } : {}),
  });
  if (created.status !== 201) throw new Error(`create failed: ${created.text}`);
  const link = pathOf(created.body.redirect_url);
  const opened = await vault.call('GET', link, undefined, undefined, jar.headerFor(link));
  jar.absorb(opened);
  if (opened.status !== 302) throw new Error(`the link answered ${opened.status}`);
  const authorizeUrl = String(opened.headers.location);
  const decided = await emu.githubConsent({
    authorizeUrl,
    login: s.user.login,
    decision: opts.decision ?? 'approve',
  });
  if (!decided.location) throw new Error(`consent: ${decided.status} ${decided.body}`);
  const callback = new URL(decided.location);
  opts.tamper?.(callback);
  const back = pathOf(callback.toString());
  const final = await vault.call('GET', back, undefined, undefined, jar.headerFor(back));
  jar.absorb(final);
  return {
    accountId: created.body.id,
    created,
    authorizeUrl,
    callbackUrl: callback.toString(),
    final,
    jar,
  };
}

/** Connects an account (approved) and returns its id; throws unless the flow succeeded. */
export async function githubConnected(
  vault: TestVault,
  emu: Emulator,
  s: GithubSetup,
  userId?: string,
): Promise<string> {
  const run = await githubFlow(vault, emu, s, { userId });
  if (run.final.status !== 200) throw new Error(`callback: ${run.final.status} ${run.final.text}`);
  return run.accountId;
}

/** The tokens the vault stores for an account, decrypted (what a refresh will spend). */
export async function storedTokens(vault: TestVault, tenantId: string, id: string) {
  const { accounts, dataKeys } = vault.deps.services;
  const row = await accounts.get(tenantId, id);
  return {
    row,
    accessToken: await dataKeys.decrypt(
      accountField(tenantId, id, 'access_token'),
      row.accessTokenEnc!,
    ),
    refreshToken: row.refreshTokenEnc
      ? await dataKeys.decrypt(accountField(tenantId, id, 'refresh_token'), row.refreshTokenEnc)
      : null,
  };
}

/** Asks the emulator's GitHub API who a token is: its login, or the status it refused it with. */
export async function githubWhoAmI(emu: Emulator, accessToken: string): Promise<string | number> {
  const res = await fetch(`${emu.url}/user`, {
    headers: { authorization: `Bearer ${accessToken}`, 'user-agent': 'test' },
  });
  if (res.status !== 200) return res.status;
  return ((await res.json()) as { login: string }).login;
}
