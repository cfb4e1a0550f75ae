import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test, type TestContext } from 'node:test';
import { accountField } from '../../src/schemes/sealed.ts';
import {
  assertNowhere,
  eventTypes,
  myself,
  rawColumn,
  recorded,
  storedCounts,
} from '../helpers/credentials.ts';
import { ownFlowFixture } from '../helpers/own-fixture.ts';
import { startTestVault } from '../helpers/vault.ts';

type Fx = Awaited<ReturnType<typeof ownFlowFixture>>;
const DAY = 86_400_000;

// The emulator serves https://{site}.atlassian.net at http://127.0.0.1:<port>/site/{name}: a
// tenant URL on a loopback address, which only ALLOW_PRIVATE_EGRESS lets the vault call.
const fixture = (t: TestContext) => ownFlowFixture(t, { env: { ALLOW_PRIVATE_EGRESS: 'true' } });

/** A tenant with an api_token auth config, a user with a site, and a service account. */
async function setup(fx: Fx) {
  const { adminKey, tenantId } = await fx.vault.newTenant();
  const rec = recorded(fx.vault);
  const cfg = await rec.call('POST', '/v1/auth-configs', adminKey, {
    name: 'API tokens',
    provider: 'atlassian',
    auth_scheme: 'api_token',
    scopes: ['read:jira-work', 'read:jira-user'],
  });
  assert.equal(cfg.status, 201, cfg.text);
  const tag = randomBytes(3).toString('hex');
  const user = fx.emu.addUser({
    email: `user-${tag}@example.com`,
    name: `User ${tag}`,
    sites: [{ name: `site-${tag}`, url: fx.emu.siteUrl(`site-${tag}`), products: ['jira'] }],
  });
  const sa = fx.emu.addServiceAccount({
    clientId: `sa-${tag}`,
    clientSecret: `secret-${tag}`,
    scopes: ['read:jira-work'],
    name: `Service ${tag}`,
    siteIds: [user.sites[0]!.id],
  });
  return { adminKey, tenantId, rec, config: cfg.body, configId: cfg.body.id as string, user, sa };
}
type Setup = Awaited<ReturnType<typeof setup>>;

const classicToken = (fx: Fx, s: Setup) =>
  fx.emu.addApiToken({ accountId: s.user.accountId, scoped: false });

async function createClassic(fx: Fx, s: Setup, token: string, expiresAt?: Date) {
  return s.rec.call('POST', '/v1/connected-accounts', s.adminKey, {
    auth_config_id: s.configId,
    user_id: 'ada',
    site_url: s.user.sites[0]!.url,
    credentials: {
      email: s.user.email,
      api_token: token,
      ...(expiresAt ? { expires_at: expiresAt.toISOString() } : {}),
    },
  });
}

const tokenOf = (fx: Fx, s: Setup, id: string) =>
  s.rec.call('POST', `/v1/connected-accounts/${id}/token`, s.adminKey, {});
const getAccount = async (fx: Fx, s: Setup, id: string) =>
  (await fx.vault.call('GET', `/v1/connected-accounts/${id}`, s.adminKey)).body;
const tick = (fx: Fx) => fx.vault.deps.services.worker.tick();

describe('API tokens (api_token)', () => {
  test('an api_token config holds no client; a client id or secret for it is refused', async (t) => {
    const fx = await fixture(t);
    const s = await setup(fx);
    assert.equal(s.config.auth_scheme, 'api_token');
    assert.equal(s.config.client_id, null);
    assert.equal(s.config.client_secret.set, false);
    const withSecret = await fx.vault.call('POST', '/v1/auth-configs', s.adminKey, {
      name: 'x',
      provider: 'atlassian',
      auth_scheme: 'api_token',
      client_secret: 'nope',
      scopes: ['read:jira-work'],
    });
    assert.deepEqual([withSecret.status, withSecret.body.code], [400, 'invalid_request']);
    const unknownScope = await fx.vault.call('POST', '/v1/auth-configs', s.adminKey, {
      name: 'x',
      provider: 'atlassian',
      auth_scheme: 'api_token',
      scopes: ['read:jira-wrk'],
    });
    assert.deepEqual([unknownScope.status, unknownScope.body.code], [400, 'unknown_scope']);
    const noClient = await fx.vault.call('POST', '/v1/auth-configs', s.adminKey, {
      name: 'x',
      provider: 'atlassian',
      scopes: ['read:jira-work'],
    });
    assert.deepEqual([noClient.status, noClient.body.code], [400, 'invalid_request']);
    const patch = await fx.vault.call('PATCH', `/v1/auth-configs/${s.configId}`, s.adminKey, {
      client_secret: 'nope',
    });
    assert.equal(patch.status, 400, patch.text);
  });

  test('a classic token: verified at the site, returned as Basic, works at the site; never shown or logged', async (t) => {
    const fx = await fixture(t);
    const s = await setup(fx);
    const token = classicToken(fx, s);
    const expiresAt = new Date(fx.clock.now().getTime() + 90 * DAY);
    const created = await createClassic(fx, s, token, expiresAt);
    assert.equal(created.status, 201, created.text);
    const a = created.body;
    const site = s.user.sites[0]!;
    assert.equal(a.status, 'ACTIVE');
    assert.equal(a.auth_scheme, 'api_token');
    assert.equal(a.redirect_url, null);
    assert.equal(a.identity.account_id, s.user.accountId, 'identity from /myself');
    assert.equal(a.identity.email, s.user.email);
    assert.equal(a.api_token.site_url, site.url);
    assert.equal(a.expires_at, expiresAt.toISOString());

    const tok = await tokenOf(fx, s, a.id);
    assert.equal(tok.status, 200, tok.text);
    assert.equal(tok.body.token_type, 'Basic');
    assert.equal(tok.body.access_token, Buffer.from(`${s.user.email}:${token}`).toString('base64'));
    assert.equal(tok.body.expires_at, expiresAt.toISOString());
    assert.deepEqual(
      [tok.body.api_base_url, tok.body.site_url, tok.body.cloud_id],
      [site.url, site.url, null],
    );
    const me = await myself(tok.body);
    assert.equal(me.status, 200);
    assert.equal(me.body.accountId, s.user.accountId);
    const byConfig = await s.rec.call('POST', `/v1/auth-configs/${s.configId}/token`, s.adminKey, {
      user_id: 'ada',
    });
    assert.equal(byConfig.body.access_token, tok.body.access_token);

    // The token travels only in the token endpoint's Basic value: no other response, no log line,
    // not in clear in its column.
    const others = s.rec.texts.filter((x) => !x.includes(tok.body.access_token));
    assert.equal(others.length, s.rec.texts.length - 2, 'only the two token answers carry it');
    assertNowhere(token, s.rec.texts, 'API token in a response');
    assertNowhere(token, fx.vault.logs, 'API token in the logs');
    assertNowhere(tok.body.access_token, fx.vault.logs, 'Basic credential in the logs');
    const raw = String(await rawColumn(fx.vault, a.id, 'api_token_enc'));
    assert.ok(!raw.includes(token) && !raw.includes(s.user.email), 'stored in clear');
    const opened = await fx.vault.deps.services.dataKeys.decrypt(
      accountField(s.tenantId, a.id, 'api_token'),
      raw,
    );
    assert.equal(JSON.parse(opened).api_token, token);
  });

  test('a scoped service-account token: verified and used through the gateway by cloud id', async (t) => {
    const fx = await fixture(t);
    const s = await setup(fx);
    const token = fx.emu.addApiToken({ accountId: s.sa.accountId, scoped: true });
    const site = s.user.sites[0]!;
    const created = await s.rec.call('POST', '/v1/connected-accounts', s.adminKey, {
      auth_config_id: s.configId,
      user_id: 'bot',
      cloud_id: site.id,
      credentials: { email: s.sa.email, api_token: token },
    });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.body.identity.account_id, s.sa.accountId);
    assert.equal(created.body.api_token.cloud_id, site.id);
    assert.equal(created.body.expires_at, null);
    const tok = await tokenOf(fx, s, created.body.id);
    assert.equal(tok.status, 200, tok.text);
    assert.deepEqual(
      [tok.body.token_type, tok.body.api_base_url, tok.body.cloud_id, tok.body.site_url],
      ['Basic', `${fx.emu.url}/ex/jira/${site.id}`, site.id, null],
    );
    assert.equal(tok.body.expires_at, null);
    const me = await myself(tok.body);
    assert.equal(me.status, 200);
    assert.equal(me.body.accountId, s.sa.accountId);
  });

  test('a wrong token (or the wrong form) is a 400 credential_invalid with nothing stored', async (t) => {
    const fx = await fixture(t);
    const s = await setup(fx);
    const before = await storedCounts(fx.vault);
    const wrong = await createClassic(fx, s, `ATATT-${randomBytes(12).toString('hex')}`);
    assert.deepEqual([wrong.status, wrong.body.code], [400, 'credential_invalid']);
    // A classic token is not accepted at the gateway.
    const classicAtGateway = await fx.vault.call('POST', '/v1/connected-accounts', s.adminKey, {
      auth_config_id: s.configId,
      user_id: 'ada',
      cloud_id: s.user.sites[0]!.id,
      credentials: { email: s.user.email, api_token: classicToken(fx, s) },
    });
    assert.deepEqual(
      [classicAtGateway.status, classicAtGateway.body.code],
      [400, 'credential_invalid'],
    );
    const expired = await createClassic(
      fx,
      s,
      classicToken(fx, s),
      new Date(fx.clock.now().getTime() - 1000),
    );
    assert.deepEqual([expired.status, expired.body.code], [400, 'credential_expired']);
    const both = await fx.vault.call('POST', '/v1/connected-accounts', s.adminKey, {
      auth_config_id: s.configId,
      user_id: 'ada',
      site_url: s.user.sites[0]!.url,
      cloud_id: s.user.sites[0]!.id,
      credentials: { email: s.user.email, api_token: classicToken(fx, s) },
    });
    assert.equal(both.status, 400, both.text);
    fx.emu.setFaults({ target: 'api', status: 503 });
    const down = await createClassic(fx, s, classicToken(fx, s));
    fx.emu.clearFaults();
    assert.deepEqual([down.status, down.body.code], [502, 'provider_unavailable']);
    assert.deepEqual(await storedCounts(fx.vault), before, 'nothing was stored');
  });

  test('14 days before expiry one credential_expiring; at expiry EXPIRED/credential_expired', async (t) => {
    const fx = await fixture(t);
    const s = await setup(fx);
    const start = fx.clock.now().getTime();
    const expiresAt = new Date(start + 30 * DAY);
    const a = (await createClassic(fx, s, classicToken(fx, s), expiresAt)).body;
    await tick(fx);
    assert.equal((await getAccount(fx, s, a.id)).api_token.expiring_notified_at, null);

    fx.clock.set(new Date(expiresAt.getTime() - 13 * DAY));
    await tick(fx);
    const warned = await getAccount(fx, s, a.id);
    assert.equal(warned.status, 'ACTIVE');
    assert.ok(warned.api_token.expiring_notified_at, 'warned');
    fx.clock.set(new Date(new Date(warned.api_token.next_check_at).getTime() + 1000));
    await tick(fx);
    const rechecked = await getAccount(fx, s, a.id);
    assert.ok(
      rechecked.api_token.last_checked_at > warned.api_token.last_checked_at,
      'checked again',
    );
    assert.deepEqual(await eventTypes(fx.vault, s.adminKey, a.id), [
      'connected_account.active',
      'connected_account.credential_expiring',
    ]);

    // Past its expiry the token endpoint refuses it at once (no write on the token path) …
    fx.clock.set(new Date(expiresAt.getTime() + 1000));
    const late = await tokenOf(fx, s, a.id);
    assert.deepEqual([late.status, late.body.status_reason], [409, 'credential_expired']);
    // … and the next check records it.
    await tick(fx);
    const dead = await getAccount(fx, s, a.id);
    assert.deepEqual([dead.status, dead.status_reason], ['EXPIRED', 'credential_expired']);
    assert.equal(dead.api_token.next_check_at, null);
    assert.deepEqual(await eventTypes(fx.vault, s.adminKey, a.id), [
      'connected_account.active',
      'connected_account.credential_expiring',
      'connected_account.expired',
    ]);
  });

  test('a token revoked at Atlassian turns EXPIRED/credential_invalid at the daily check; PATCH replaces it in place', async (t) => {
    const fx = await fixture(t);
    const s = await setup(fx);
    const token = classicToken(fx, s);
    const a = (await createClassic(fx, s, token)).body;
    fx.emu.revokeApiToken(token);
    await tick(fx);
    assert.equal((await getAccount(fx, s, a.id)).status, 'ACTIVE', 'not checked before it is due');
    const next = new Date(a.api_token.next_check_at).getTime();
    const now = fx.clock.now().getTime();
    assert.ok(next - now >= 0.8 * DAY && next - now <= 1.2 * DAY, 'about a day, jittered');
    fx.clock.set(new Date(next + 1000));
    await tick(fx);
    const dead = await getAccount(fx, s, a.id);
    assert.deepEqual([dead.status, dead.status_reason], ['EXPIRED', 'credential_invalid']);
    assert.deepEqual(await eventTypes(fx.vault, s.adminKey, a.id), [
      'connected_account.active',
      'connected_account.expired',
    ]);
    const refused = await tokenOf(fx, s, a.id);
    assert.deepEqual([refused.status, refused.body.status_reason], [409, 'credential_invalid']);

    // A replacement that Jira refuses changes nothing.
    const rawBefore = await rawColumn(fx.vault, a.id, 'api_token_enc');
    const bad = await s.rec.call('PATCH', `/v1/connected-accounts/${a.id}`, s.adminKey, {
      credentials: { email: s.user.email, api_token: token },
    });
    assert.deepEqual([bad.status, bad.body.code], [400, 'credential_invalid']);
    assert.equal(await rawColumn(fx.vault, a.id, 'api_token_enc'), rawBefore);
    // Another person's token may not take the account over.
    // (The service account is also on the user's site; a classic token of its own works there.)
    const strangerToken = fx.emu.addApiToken({ accountId: s.sa.accountId, scoped: false });
    const takeover = await s.rec.call('PATCH', `/v1/connected-accounts/${a.id}`, s.adminKey, {
      credentials: { email: s.sa.email, api_token: strangerToken },
    });
    assert.deepEqual([takeover.status, takeover.body.code], [400, 'credential_identity_mismatch']);

    // (Event ids are ordered by the vault's clock: a later event at a later instant.)
    fx.clock.advance(1);
    const fresh = classicToken(fx, s);
    const replaced = await s.rec.call('PATCH', `/v1/connected-accounts/${a.id}`, s.adminKey, {
      credentials: { email: s.user.email, api_token: fresh },
    });
    assert.equal(replaced.status, 200, replaced.text);
    assert.deepEqual(
      [replaced.body.id, replaced.body.status, replaced.body.status_reason],
      [a.id, 'ACTIVE', null],
    );
    const tok = await tokenOf(fx, s, a.id);
    assert.equal(tok.status, 200, tok.text);
    assert.equal(tok.body.access_token, Buffer.from(`${s.user.email}:${fresh}`).toString('base64'));
    assert.equal((await myself(tok.body)).status, 200);
    assertNowhere(
      fresh,
      [...s.rec.texts.filter((x) => !x.includes(tok.body.access_token)), ...fx.vault.logs],
      'new API token',
    );
    assert.deepEqual(await eventTypes(fx.vault, s.adminKey, a.id), [
      'connected_account.active',
      'connected_account.expired',
      'connected_account.active',
    ]);
  });

  test('data-key rotation re-seals the API token; the token endpoint still answers it', async (t) => {
    const fx = await fixture(t);
    const s = await setup(fx);
    const token = classicToken(fx, s);
    const a = (await createClassic(fx, s, token)).body;
    const before = String(await rawColumn(fx.vault, a.id, 'api_token_enc'));
    const res = await fx.vault.call(
      'POST',
      `/v1/tenants/${s.tenantId}/rotate-data-key`,
      fx.vault.operatorKey,
    );
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.reencrypted, 1, 'the API token is the tenant’s only sealed value');
    const after = String(await rawColumn(fx.vault, a.id, 'api_token_enc'));
    assert.notEqual(after, before);
    assert.equal(after.split('.')[1], res.body.data_key_id);
    const tok = await tokenOf(fx, s, a.id);
    assert.equal(tok.status, 200, tok.text);
    assert.equal(tok.body.access_token, Buffer.from(`${s.user.email}:${token}`).toString('base64'));
    // The new event type is one a webhook endpoint can subscribe to.
    const ep = await fx.vault.call('POST', '/v1/webhook-endpoints', s.adminKey, {
      url: 'http://127.0.0.1:9/hooks',
      event_types: ['connected_account.credential_expiring'],
    });
    assert.equal(ep.status, 201, ep.text);
  });

  test('another tenant sees none of it (404)', async (t) => {
    const fx = await fixture(t);
    const s = await setup(fx);
    const a = (await createClassic(fx, s, classicToken(fx, s))).body;
    const other = await fx.vault.newTenant();
    for (const [method, url, body] of [
      ['GET', `/v1/connected-accounts/${a.id}`, undefined],
      ['POST', `/v1/connected-accounts/${a.id}/token`, {}],
      [
        'PATCH',
        `/v1/connected-accounts/${a.id}`,
        { credentials: { email: s.user.email, api_token: 'x' } },
      ],
      ['POST', `/v1/auth-configs/${s.configId}/token`, {}],
    ] as const) {
      const res = await fx.vault.call(method, url, other.adminKey, body);
      assert.equal(res.status, 404, `${method} ${url}: ${res.text}`);
    }
  });

  test('a classic token’s site URL is a tenant URL: https only, and never a private address', async (t) => {
    const vault = await startTestVault();
    t.after(() => vault.close());
    const { adminKey } = await vault.newTenant();
    const cfg = await vault.call('POST', '/v1/auth-configs', adminKey, {
      name: 'API tokens',
      provider: 'atlassian',
      auth_scheme: 'api_token',
      scopes: ['read:jira-work'],
    });
    assert.equal(cfg.status, 201, cfg.text);
    const before = await storedCounts(vault);
    for (const [siteUrl, code] of [
      ['http://acme.atlassian.net', 'insecure_url'],
      ['https://127.0.0.1:8443', 'egress_denied'],
      ['https://169.254.169.254', 'egress_denied'],
    ]) {
      const res = await vault.call('POST', '/v1/connected-accounts', adminKey, {
        auth_config_id: cfg.body.id,
        user_id: 'u',
        site_url: siteUrl,
        credentials: { email: 'a@example.com', api_token: 'secret-token' },
      });
      assert.deepEqual([res.status, res.body.code], [400, code], `${siteUrl}: ${res.text}`);
    }
    assert.deepEqual(await storedCounts(vault), before);
  });
});
