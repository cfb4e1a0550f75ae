// The GitHub provider (GitHub Apps user access tokens) over the vault's HTTP API against the
// emulator's GitHub: configs, the connect flow, the token endpoint and the proxy. One vault and
// one emulator for the file (real clocks, nothing here moves them); each test makes its own
// tenant, GitHub App and GitHub user. Refreshes, the worker and 401s: github-refresh.test.ts.
import assert from 'node:assert/strict';
import { sql } from 'drizzle-orm';
import { after, before, describe, test } from 'node:test';
import { request } from 'undici';
import { startFlowFixture, RETURN_URL } from '../helpers/flow.ts';
import {
  githubConnected,
  githubFlow,
  githubSetup,
  githubWhoAmI,
  storedTokens,
  type GithubSetup,
} from '../helpers/github.ts';
import type { Emulator } from '../../src/emulator/index.ts';
import type { TestVault } from '../helpers/vault.ts';

let emu: Emulator;
let vault: TestVault;
let close: () => Promise<void>;
/** the vault listening on a port: proxied calls made with a client that adds no headers */
let base: string;

before(async () => {
  ({ emu, vault, close } = await startFlowFixture());
  base = await vault.app.listen({ host: '127.0.0.1', port: 0 });
});
after(() => close?.());

const H = 3600_000;
const near = (iso: string | null, expected: number, slackMs = 60_000) =>
  iso !== null && Math.abs(new Date(iso).getTime() - expected) <= slackMs;

const account = async (s: GithubSetup, id: string) => {
  const res = await vault.call('GET', `/v1/connected-accounts/${id}`, s.adminKey);
  assert.equal(res.status, 200, res.text);
  return res.body;
};

const countConfigs = async (tenantId: string) => {
  const r = await vault.deps.database.db.execute(
    sql`select count(*)::int as n from auth_configs where tenant_id = ${tenantId}`,
  );
  return (r as unknown as { rows: { n: number }[] }).rows[0]!.n;
};

/** A proxied call as a bare HTTP client makes it: only the headers given. */
async function proxied(
  s: GithubSetup,
  id: string,
  path: string,
  opts: { method?: 'GET' | 'POST'; headers?: Record<string, string>; body?: string } = {},
) {
  const res = await request(`${base}/v1/connected-accounts/${id}/proxy/${path}`, {
    method: opts.method ?? 'GET',
    headers: { authorization: `Bearer ${s.adminKey}`, ...opts.headers },
    body: opts.body,
  });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, text };
}

describe('GitHub auth configs', () => {
  test('a config takes no scopes and shows the callback URL to register in the GitHub App', async () => {
    const { adminKey, tenantId } = await vault.newTenant();
    const created = await vault.call('POST', '/v1/auth-configs', adminKey, {
      name: 'GitHub',
      provider: 'github',
      client_id: 'Iv1.0123456789abcdef',
      client_secret: 'a-github-app-client-secret',
    });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.body.provider, 'github');
    assert.equal(created.body.auth_scheme, 'oauth2_3lo');
    assert.deepEqual(created.body.scopes, []);
    assert.equal(
      created.body.callback_url,
      `http://vault.test/v1/oauth/callback/${created.body.id}`,
    );
    assert.equal(created.body.oauth2, null);
    assert.ok(!created.text.includes('a-github-app-client-secret'));

    const before = await countConfigs(tenantId);
    const refused: [Record<string, unknown>, string, RegExp][] = [
      // GitHub Apps have no OAuth scopes: a scope would promise a limit GitHub never applies.
      [{ scopes: ['repo'] }, 'unknown_scope', /GitHub Apps have no OAuth scopes/],
      [{ auth_scheme: 'client_credentials' }, 'invalid_request', /body\.auth_scheme/],
      [{ oauth2: { token_url: 'https://x/t' } }, 'invalid_request', /body\.oauth2 applies/],
    ];
    for (const [over, code, detail] of refused) {
      const res = await vault.call('POST', '/v1/auth-configs', adminKey, {
        name: 'GitHub',
        provider: 'github',
        client_id: 'Iv1.x',
        client_secret: 'y',
        ...over,
      });
      assert.deepEqual([res.status, res.body.code], [400, code], res.text);
      assert.match(res.body.detail, detail);
    }
    assert.equal(await countConfigs(tenantId), before, 'nothing written');
    const patched = await vault.call('PATCH', `/v1/auth-configs/${created.body.id}`, adminKey, {
      scopes: ['read:user'],
    });
    assert.deepEqual([patched.status, patched.body.code], [400, 'unknown_scope']);

    // An account pins no site: GitHub has none.
    const pinned = await vault.call('POST', '/v1/connected-accounts', adminKey, {
      auth_config_id: created.body.id,
      user_id: 'u',
      site_url: 'https://acme.atlassian.net',
    });
    assert.deepEqual([pinned.status, pinned.body.code], [400, 'invalid_request']);
  });
});

describe('GitHub connect flow', () => {
  test('approve: PKCE and state to GitHub, the account ACTIVE with the GitHub identity', async () => {
    const s = await githubSetup(vault, emu);
    const exchangesBefore = emu.counters().github.codeExchanges;
    const t0 = Date.now();
    const run = await githubFlow(vault, emu, s, { returnUrl: RETURN_URL });

    const auth = new URL(run.authorizeUrl!);
    assert.equal(`${auth.origin}${auth.pathname}`, `${emu.url}/login/oauth/authorize`);
    assert.equal(auth.searchParams.get('client_id'), s.clientId);
    assert.equal(auth.searchParams.get('redirect_uri'), s.callbackUrl);
    assert.equal(auth.searchParams.get('code_challenge_method'), 'S256');
    assert.match(auth.searchParams.get('code_challenge') ?? '', /^[\w-]{43}$/);
    assert.match(auth.searchParams.get('state') ?? '', /^[\w-]{20,}$/);
    assert.equal(auth.searchParams.get('scope'), null, 'GitHub Apps take no scope');

    assert.equal(run.final.status, 302, run.final.text);
    const back = new URL(String(run.final.headers.location));
    assert.equal(`${back.origin}${back.pathname}`, RETURN_URL);
    assert.equal(back.searchParams.get('status'), 'success');
    assert.equal(emu.counters().github.codeExchanges, exchangesBefore + 1);

    const a = await account(s, run.accountId);
    assert.equal(a.status, 'ACTIVE');
    assert.deepEqual(a.identity, {
      account_id: String(s.user.id),
      login: s.user.login,
      email: s.user.email,
      name: s.user.name,
      picture: `https://avatars.githubusercontent.com/u/${s.user.id}?v=4`,
    });
    assert.deepEqual([a.sites, a.selected_site, a.granted_scopes], [[], null, []]);
    // 8-hour access tokens; the refresh token's own six months are the grant's end.
    assert.ok(near(a.expires_at, t0 + 8 * H), a.expires_at);
    assert.ok(near(a.family_expires_at, t0 + 15_897_600_000), a.family_expires_at);
    assert.ok(near(a.next_refresh_at, t0 + 8 * H - 660_000, 120_000), a.next_refresh_at);
    assert.ok(!/ghu_|ghr_/.test(JSON.stringify(a)), 'no token in the view');

    // What the vault stored is the pair GitHub issued: the access token is GitHub's live one.
    const stored = await storedTokens(vault, s.tenantId, run.accountId);
    assert.match(stored.accessToken, /^ghu_/);
    assert.match(stored.refreshToken ?? '', /^ghr_/);
    assert.equal(await githubWhoAmI(emu, stored.accessToken), s.user.login);
  });

  test('deny, a forged code and a wrong client secret fail the flow with their reasons', async () => {
    const s = await githubSetup(vault, emu);
    const denied = await githubFlow(vault, emu, s, { decision: 'deny', returnUrl: RETURN_URL });
    const back = new URL(String(denied.final.headers.location));
    assert.equal(back.searchParams.get('status'), 'error');
    assert.equal(back.searchParams.get('error'), 'user_denied');
    const d = await account(s, denied.accountId);
    assert.deepEqual([d.status, d.status_reason], ['FAILED', 'user_denied']);

    // GitHub answers bad_verification_code with HTTP 200: the vault reads the error field.
    const errors = () => emu.counters().github.tokenErrors;
    const badCodes = errors().bad_verification_code ?? 0;
    const forged = await githubFlow(vault, emu, s, {
      tamper: (cb) => cb.searchParams.set('code', '0123456789abcdef0123'),
    });
    assert.equal(forged.final.status, 400, forged.final.text);
    const f = await account(s, forged.accountId);
    assert.deepEqual([f.status, f.status_reason], ['FAILED', 'code_exchange_failed']);
    assert.equal(errors().bad_verification_code, badCodes + 1);

    // incorrect_client_credentials is the config's fault, named as such.
    const wrong = await githubSetup(vault, emu, { clientSecret: 'not-the-configs-secret' });
    const w = await githubFlow(vault, emu, wrong);
    const wa = await account(wrong, w.accountId);
    assert.deepEqual([wa.status, wa.status_reason], ['FAILED', 'client_credentials_invalid']);
  });
});

describe('GitHub tokens and the proxy', () => {
  test('the token endpoint returns the GitHub token as Bearer, with api_base_url the GitHub API', async () => {
    const s = await githubSetup(vault, emu);
    const id = await githubConnected(vault, emu, s, 'ada');
    const tokenRequests = emu.counters().github.tokenRequests;
    for (const [path, body] of [
      [`/v1/auth-configs/${s.configId}/token`, { user_id: 'ada', min_ttl: 3300 }],
      [`/v1/connected-accounts/${id}/token`, {}],
    ] as const) {
      const res = await vault.call('POST', path, s.adminKey, body);
      assert.equal(res.status, 200, res.text);
      assert.equal(res.headers['cache-control'], 'no-store');
      assert.match(res.body.access_token, /^ghu_/);
      assert.equal(res.body.token_type, 'Bearer');
      assert.equal(res.body.api_base_url, emu.url);
      assert.deepEqual(
        [res.body.scopes, res.body.cloud_id, res.body.site_url, res.body.refreshed],
        [[], null, null, false],
      );
      assert.ok(res.body.expires_in > 8 * 3600 - 120 && res.body.expires_in <= 8 * 3600);
      assert.equal(await githubWhoAmI(emu, res.body.access_token), s.user.login);
    }
    assert.equal(emu.counters().github.tokenRequests, tokenRequests, 'a fresh token: no refresh');
  });

  test('the proxy reaches /user and a repo’s issues with the Bearer token and nothing of the vault’s', async () => {
    const s = await githubSetup(vault, emu);
    const id = await githubConnected(vault, emu, s);
    const { accessToken } = await storedTokens(vault, s.tenantId, id);
    emu.clearRequests();

    // A bare client (no User-Agent, no Accept): GitHub's required headers are added for it.
    const me = await proxied(s, id, 'user', {
      headers: { 'x-vault-request': 'mine', cookie: 'session=vault' },
    });
    assert.equal(me.status, 200, me.text);
    assert.equal(JSON.parse(me.text).login, s.user.login);
    // GitHub's rate-limit headers come back as they are.
    assert.equal(me.headers['x-ratelimit-limit'], '5000');
    assert.equal(me.headers['x-ratelimit-resource'], 'core');
    assert.match(String(me.headers['x-ratelimit-remaining']), /^\d+$/);
    assert.match(String(me.headers['x-ratelimit-reset']), /^\d+$/);
    assert.equal(me.headers['content-security-policy'], 'sandbox');

    // The caller's own Accept and API version travel on; a body goes through.
    const repo = `repos/${s.user.login}/engine/issues`;
    const created = await proxied(s, id, repo, {
      method: 'POST',
      headers: {
        accept: 'application/vnd.github.full+json',
        'x-github-api-version': '2022-11-28',
        'user-agent': 'my-backend/1.0',
        'content-type': 'application/json',
      },
      body: JSON.stringify({ title: 'Filed through the vault' }),
    });
    assert.equal(created.status, 201, created.text);
    const issue = JSON.parse(created.text) as { number: number; title: string };
    assert.equal(issue.title, 'Filed through the vault');
    const listed = await proxied(s, id, `${repo}?state=open&per_page=10`);
    assert.equal(listed.status, 200, listed.text);
    assert.deepEqual(
      (JSON.parse(listed.text) as { number: number }[]).map((i) => i.number),
      [issue.number],
    );

    const seen = emu.requests();
    assert.deepEqual(
      seen.map((r) => `${r.method} ${r.path}${r.query ? `?${r.query}` : ''} ${r.status}`),
      ['GET /user 200', `POST /${repo} 201`, `GET /${repo}?state=open&per_page=10 200`],
    );
    for (const r of seen) {
      assert.equal(r.headers.authorization, `Bearer ${accessToken}`);
      const names = r.rawHeaders.map(([k]) => k.toLowerCase());
      assert.ok(!names.some((n) => n.startsWith('x-vault-') || n === 'cookie'), names.join());
      assert.ok(!JSON.stringify(r.rawHeaders).includes(s.adminKey), 'the vault key stays home');
    }
    assert.equal(seen[0]!.headers['user-agent'], 'credential-vault');
    assert.equal(seen[0]!.headers.accept, 'application/vnd.github+json');
    assert.equal(seen[1]!.headers['user-agent'], 'my-backend/1.0');
    assert.equal(seen[1]!.headers.accept, 'application/vnd.github.full+json');
    assert.equal(seen[1]!.headers['x-github-api-version'], '2022-11-28');

    // GitHub's own refusals come back as they are: an API version it does not know, a
    // secondary rate limit (403 with Retry-After), the primary limit's headers with them.
    const version = await proxied(s, id, 'user', {
      headers: { 'x-github-api-version': '1999-01-01' },
    });
    assert.equal(version.status, 400);
    assert.match(JSON.parse(version.text).message, /API version "1999-01-01" is not supported/);
    emu.setFaults({
      provider: 'github',
      target: 'api',
      status: 403,
      retryAfterSeconds: 42,
      count: 1,
    });
    const limited = await proxied(s, id, 'user');
    assert.equal(limited.status, 403, limited.text);
    assert.equal(limited.headers['retry-after'], '42');
    assert.equal(limited.headers['x-ratelimit-limit'], '5000');
    assert.match(JSON.parse(limited.text).message, /secondary rate limit/);
    const account_ = await account(s, id);
    assert.deepEqual([account_.status, account_.refresh_failures], ['ACTIVE', 0]);
  });

  test('an app without expiring tokens: ACTIVE with no expiry, never refreshed, a 401 goes back as it is', async () => {
    const s = await githubSetup(vault, emu, { expiringTokens: false });
    const id = await githubConnected(vault, emu, s, 'ada');
    const a = await account(s, id);
    assert.equal(a.status, 'ACTIVE');
    assert.deepEqual(
      [a.expires_at, a.family_expires_at, a.next_refresh_at, a.identity.login],
      [null, null, null, s.user.login],
    );
    const stored = await storedTokens(vault, s.tenantId, id);
    assert.equal(stored.refreshToken, null);
    const tokenRequests = () => emu.counters().github.tokenRequests;
    const before = tokenRequests();
    const tok = await vault.call('POST', `/v1/auth-configs/${s.configId}/token`, s.adminKey, {
      user_id: 'ada',
      min_ttl: 3300,
    });
    assert.equal(tok.status, 200, tok.text);
    assert.deepEqual(
      [tok.body.access_token, tok.body.expires_at, tok.body.expires_in, tok.body.refreshed],
      [stored.accessToken, null, null, false],
    );
    // The user revokes the app: GitHub's 401 goes back, nothing is refreshed, the account stays.
    assert.ok(emu.revokeGithubGrant(s.user.login, s.clientId));
    const refused = await proxied(s, id, 'user');
    assert.equal(refused.status, 401, refused.text);
    assert.equal(JSON.parse(refused.text).message, 'Bad credentials');
    assert.equal(tokenRequests(), before, 'no token request at all');
    assert.equal((await account(s, id)).status, 'ACTIVE');
  });
});
