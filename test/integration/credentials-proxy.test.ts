// The proxy (docs/proxy.md) with credentials that need no browser: a service account's token, a
// classic API token (to its site) and a scoped one (to the gateway), injected as the token endpoint
// reports them. What reached the emulator is read from its request log.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test, type TestContext } from 'node:test';
import { ownFlowFixture } from '../helpers/own-fixture.ts';

async function world(t: TestContext) {
  const fx = await ownFlowFixture(t, { env: { ALLOW_PRIVATE_EGRESS: 'true' } });
  const base = await fx.vault.app.listen({ host: '127.0.0.1', port: 0 });
  t.after(() => fx.vault.app.close());
  const { adminKey } = await fx.vault.newTenant();
  const tag = randomBytes(3).toString('hex');
  const user = fx.emu.addUser({
    email: `user-${tag}@example.com`,
    name: `User ${tag}`,
    sites: [{ name: `site-${tag}`, url: fx.emu.siteUrl(`site-${tag}`), products: ['jira'] }],
  });
  const site = user.sites[0]!;
  const clientSecret = `secret-${tag}-${randomBytes(8).toString('hex')}`;
  const sa = fx.emu.addServiceAccount({
    clientId: `sa-${tag}`,
    clientSecret,
    scopes: ['read:jira-work', 'read:jira-user'],
    name: `Service ${tag}`,
    siteIds: [site.id],
  });
  const create = async (path: string, body: unknown, status = 201) => {
    const res = await fx.vault.call('POST', path, adminKey, body);
    assert.equal(res.status, status, res.text);
    return res.body;
  };
  /** GET jira/rest/api/3/myself through the proxy; what the emulator received. */
  const myself = async (accountId: string) => {
    fx.emu.clearRequests();
    const res = await fetch(
      `${base}/v1/connected-accounts/${accountId}/proxy/jira/rest/api/3/myself`,
      { headers: { authorization: `Bearer ${adminKey}` } },
    );
    const sent = fx.emu.requests(1)[0];
    return { status: res.status, body: (await res.json()) as Record<string, unknown>, sent };
  };
  return { fx, adminKey, user, site, sa, clientSecret, create, myself };
}

test('a service account’s calls go to the gateway with its Bearer token', async (t) => {
  const w = await world(t);
  const cfg = await w.create('/v1/auth-configs', {
    name: 'sa',
    provider: 'atlassian',
    auth_scheme: 'client_credentials',
    client_id: w.sa.clientId,
    client_secret: w.clientSecret,
    scopes: ['read:jira-work'],
  });
  const a = await w.create('/v1/connected-accounts', { auth_config_id: cfg.id, user_id: 'bot' });
  const tok = (await w.fx.vault.call('POST', `/v1/connected-accounts/${a.id}/token`, w.adminKey))
    .body;
  const r = await w.myself(a.id);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.accountId, w.sa.accountId);
  assert.equal(r.sent?.path, `/ex/jira/${w.site.id}/rest/api/3/myself`);
  assert.equal(r.sent?.headers.authorization, `Bearer ${tok.access_token}`);
});

test('API tokens are injected as Basic: a classic one calls its site, a scoped one the gateway', async (t) => {
  const w = await world(t);
  const cfg = await w.create('/v1/auth-configs', {
    name: 'tokens',
    provider: 'atlassian',
    auth_scheme: 'api_token',
    scopes: ['read:jira-work'],
  });
  const classicToken = w.fx.emu.addApiToken({ accountId: w.user.accountId, scoped: false });
  const classic = await w.create('/v1/connected-accounts', {
    auth_config_id: cfg.id,
    user_id: 'ada',
    site_url: w.site.url,
    credentials: { email: w.user.email, api_token: classicToken },
  });
  const c = await w.myself(classic.id);
  assert.equal(c.status, 200, JSON.stringify(c.body));
  assert.equal(c.body.accountId, w.user.accountId);
  assert.equal(c.sent?.path, `${new URL(w.site.url).pathname}/rest/api/3/myself`);
  assert.equal(
    c.sent?.headers.authorization,
    `Basic ${Buffer.from(`${w.user.email}:${classicToken}`).toString('base64')}`,
  );

  const scopedToken = w.fx.emu.addApiToken({ accountId: w.sa.accountId, scoped: true });
  const scoped = await w.create('/v1/connected-accounts', {
    auth_config_id: cfg.id,
    user_id: 'bot',
    cloud_id: w.site.id,
    credentials: { email: w.sa.email, api_token: scopedToken },
  });
  const s = await w.myself(scoped.id);
  assert.equal(s.status, 200, JSON.stringify(s.body));
  assert.equal(s.body.accountId, w.sa.accountId);
  assert.equal(s.sent?.path, `/ex/jira/${w.site.id}/rest/api/3/myself`);

  // A revoked token's 401 comes back as it is: no refresh is attempted, the account stays ACTIVE
  // until the daily check says otherwise.
  w.fx.emu.revokeApiToken(classicToken);
  const refused = await w.myself(classic.id);
  assert.equal(refused.status, 401);
  const after = await w.fx.vault.call('GET', `/v1/connected-accounts/${classic.id}`, w.adminKey);
  assert.equal(after.body.status, 'ACTIVE');
});
