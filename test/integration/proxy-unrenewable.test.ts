// A provider's 401 to a proxied call never changes an account's status. For an OAuth grant that
// holds no refresh token (a provider that issues none, a token that never expires) there is
// nothing to renew it with: the vault must not try (a refresh attempt would expire the account
// as refresh_token_missing); the 401 goes back as it is and the account stays ACTIVE. The
// authorization server and the API are local servers: the AS issues tokens without a refresh
// token, and the API refuses every one.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { manualClock } from '../../src/lib/clock.ts';
import { CALLBACK, RETURN_URL, cookieJar, visit } from '../helpers/flow.ts';
import { readMetrics } from '../helpers/metrics.ts';
import { startTestVault, type TestVault } from '../helpers/vault.ts';

const clock = manualClock();
let vault: TestVault;
let base = '';
const server = createServer();
/** token requests the AS answered (code exchanges and refreshes alike) */
const tokenRequests: string[] = [];
/** the lifetime the AS gives its next tokens (undefined: a token that never expires) */
let expiresIn: number | undefined;

const form = (req: IncomingMessage) =>
  new Promise<URLSearchParams>((resolve) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => resolve(new URLSearchParams(body)));
  });

before(async () => {
  server.on('request', async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://as.test');
    if (url.pathname === '/authorize') {
      // Consent at once: back to the vault's callback with a code.
      const back = new URL(url.searchParams.get('redirect_uri')!);
      back.searchParams.set('code', `code-${tokenRequests.length}`);
      back.searchParams.set('state', url.searchParams.get('state')!);
      res.writeHead(302, { location: back.toString() }).end();
    } else if (url.pathname === '/token') {
      const grant = (await form(req)).get('grant_type') ?? '';
      tokenRequests.push(grant);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          access_token: `at-${tokenRequests.length}`,
          token_type: 'Bearer',
          ...(expiresIn ? { expires_in: expiresIn } : {}),
        }),
      );
    } else {
      req.resume();
      res.writeHead(401, { 'content-type': 'application/json', 'x-provider': 'refusing' });
      res.end('{"message":"Unauthorized"}');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  vault = await startTestVault({ clock, env: { ALLOW_PRIVATE_EGRESS: 'true' } });
});

after(async () => {
  await vault?.close();
  await new Promise((r) => server.close(r));
});

/** A tenant, a generic config on the local AS, and an account connected through the flow. */
async function connected() {
  const { adminKey } = await vault.newTenant();
  const cfg = await vault.call('POST', '/v1/auth-configs', adminKey, {
    name: 'no refresh tokens',
    provider: 'oauth2',
    client_id: 'client',
    client_secret: 'secret-of-the-client-app',
    scopes: ['read'],
    allowed_return_urls: [RETURN_URL],
    oauth2: {
      authorization_url: `${base}/authorize`,
      token_url: `${base}/token`,
      api_base_url: `${base}/api`,
      pkce: false,
    },
  });
  assert.equal(cfg.status, 201, cfg.text);
  assert.equal(cfg.body.callback_url, `${CALLBACK}/${cfg.body.id}`);
  const created = await vault.call('POST', '/v1/connected-accounts', adminKey, {
    auth_config_id: cfg.body.id,
    user_id: 'u1',
    return_url: RETURN_URL,
  });
  assert.equal(created.status, 201, created.text);
  const jar = cookieJar();
  const opened = await visit(vault, jar, created.body.redirect_url);
  assert.equal(opened.status, 302, opened.text);
  const consent = await fetch(String(opened.headers.location), { redirect: 'manual' });
  const done = await visit(vault, jar, consent.headers.get('location')!);
  assert.equal(done.status, 302, done.text);
  assert.match(String(done.headers.location), /status=success/);
  const account = async () =>
    (await vault.call('GET', `/v1/connected-accounts/${created.body.id}`, adminKey)).body;
  assert.equal((await account()).status, 'ACTIVE');
  return { adminKey, id: created.body.id as string, account };
}

const notRefreshable = async () =>
  (await readMetrics(vault, { gauges: false })).samples.find(
    (s) => s.name === 'cv_proxy_rejections_total' && s.labels.outcome === 'not_refreshable',
  )?.value ?? 0;

for (const lifetime of [undefined, 3600]) {
  test(`a 401 to a grant without a refresh token (${lifetime ? 'a 1-hour token, 2 minutes old' : 'a token that never expires'}) goes back as it is; the account stays ACTIVE`, async () => {
    expiresIn = lifetime;
    const a = await connected();
    // Older than a minute: a fresh token's 401 is never refreshed anyway.
    clock.advance(120);
    const issued = tokenRequests.length;
    const before = await notRefreshable();
    for (let i = 0; i < 2; i++) {
      const res = await vault.call(
        'GET',
        `/v1/connected-accounts/${a.id}/proxy/rest/thing`,
        a.adminKey,
      );
      assert.equal(res.status, 401, res.text);
      assert.equal(res.headers['x-provider'], 'refusing', 'the provider’s own answer');
    }
    assert.equal(tokenRequests.length, issued, 'no refresh was attempted');
    assert.equal((await notRefreshable()) - before, 2);
    const after = await a.account();
    assert.deepEqual([after.status, after.status_reason], ['ACTIVE', null]);
    const token = await vault.call('POST', `/v1/connected-accounts/${a.id}/token`, a.adminKey, {});
    assert.equal(token.status, 200, token.text);
  });
}
