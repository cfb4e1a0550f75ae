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
import { uniqueSecret } from '../helpers/fixtures.ts';
import { ownFlowFixture } from '../helpers/own-fixture.ts';
import { startTestVault, testMasterKey, type TestVault } from '../helpers/vault.ts';

type Fx = Awaited<ReturnType<typeof ownFlowFixture>>;
const SCOPES = ['read:jira-work', 'read:jira-user'];

/** A tenant with a client_credentials auth config for a service account the emulator knows. */
async function serviceAccountSetup(fx: Fx) {
  const { adminKey, tenantId } = await fx.vault.newTenant();
  const tag = randomBytes(3).toString('hex');
  const clientId = `sa-${tag}`;
  const clientSecret = uniqueSecret();
  const sa = fx.emu.addServiceAccount({
    clientId,
    clientSecret,
    scopes: SCOPES,
    name: `Service ${tag}`,
    sites: [{ name: `sa-${tag}`, url: fx.emu.siteUrl(`sa-${tag}`), products: ['jira'] }],
  });
  const rec = recorded(fx.vault);
  const cfg = await rec.call('POST', '/v1/auth-configs', adminKey, {
    name: 'Service account',
    provider: 'atlassian',
    auth_scheme: 'client_credentials',
    client_id: clientId,
    client_secret: clientSecret,
    scopes: SCOPES,
  });
  assert.equal(cfg.status, 201, cfg.text);
  assert.equal(cfg.body.auth_scheme, 'client_credentials');
  return { adminKey, tenantId, clientId, clientSecret, sa, configId: cfg.body.id as string, rec };
}

async function createAccount(fx: Fx, s: Awaited<ReturnType<typeof serviceAccountSetup>>) {
  const res = await s.rec.call('POST', '/v1/connected-accounts', s.adminKey, {
    auth_config_id: s.configId,
    user_id: 'svc',
  });
  assert.equal(res.status, 201, res.text);
  return res.body;
}

const worker = (t: TestContext) => ownFlowFixture(t);

describe('service accounts (client_credentials)', () => {
  test('an account is ACTIVE at once, with its sites; its token works at the gateway; no secret anywhere', async (t) => {
    const fx = await worker(t);
    const s = await serviceAccountSetup(fx);
    const a = await createAccount(fx, s);
    const site = s.sa.sites[0]!;
    assert.equal(a.status, 'ACTIVE');
    assert.equal(a.auth_scheme, 'client_credentials');
    assert.equal(a.redirect_url, null);
    assert.deepEqual(
      a.sites.map((x: { cloud_id: string }) => x.cloud_id),
      [site.id],
    );
    assert.equal(a.selected_site.cloud_id, site.id);
    assert.equal(a.identity.account_id, s.sa.accountId);
    assert.equal(a.family_expires_at, null, 'no refresh family');
    assert.deepEqual(await eventTypes(fx.vault, s.adminKey, a.id), ['connected_account.active']);

    const tok = await s.rec.call('POST', `/v1/connected-accounts/${a.id}/token`, s.adminKey, {});
    assert.equal(tok.status, 200, tok.text);
    assert.equal(tok.body.token_type, 'Bearer');
    assert.equal(tok.body.cloud_id, site.id);
    assert.equal(tok.body.api_base_url, `${fx.emu.url}/ex/jira/${site.id}`);
    assert.ok(tok.body.expires_in > 3000 && tok.body.expires_in <= 3600, tok.text);
    const me = await myself(tok.body);
    assert.equal(me.status, 200);
    assert.equal(me.body.accountId, s.sa.accountId);
    const byConfig = await s.rec.call('POST', `/v1/auth-configs/${s.configId}/token`, s.adminKey, {
      user_id: 'svc',
    });
    assert.equal(byConfig.status, 200, byConfig.text);
    assert.equal(byConfig.body.access_token, tok.body.access_token);

    // The client secret is in no response, no log line and no raw column; the token in no log.
    assertNowhere(s.clientSecret, s.rec.texts, 'client secret in a response');
    assertNowhere(s.clientSecret, fx.vault.logs, 'client secret in the logs');
    assertNowhere(tok.body.access_token, fx.vault.logs, 'access token in the logs');
    const raw = String(await rawColumn(fx.vault, a.id, 'access_token_enc'));
    assert.ok(!raw.includes(tok.body.access_token), 'access token stored in clear');
    const stored = await fx.vault.deps.services.dataKeys.decrypt(
      accountField(s.tenantId, a.id, 'access_token'),
      raw,
    );
    assert.equal(stored, tok.body.access_token, 'the column holds the sealed token');
    assert.equal(await rawColumn(fx.vault, a.id, 'refresh_token_enc'), null);
  });

  test('a wrong secret is a 400 client_credentials_invalid and a provider outage a 502, with nothing stored', async (t) => {
    const fx = await worker(t);
    const s = await serviceAccountSetup(fx);
    const wrong = await fx.vault.call('POST', '/v1/auth-configs', s.adminKey, {
      name: 'wrong secret',
      provider: 'atlassian',
      auth_scheme: 'client_credentials',
      client_id: s.clientId,
      client_secret: uniqueSecret(),
      scopes: SCOPES,
    });
    assert.equal(wrong.status, 201, wrong.text);
    const before = await storedCounts(fx.vault);
    const refused = await fx.vault.call('POST', '/v1/connected-accounts', s.adminKey, {
      auth_config_id: wrong.body.id,
      user_id: 'svc',
    });
    assert.equal(refused.status, 400, refused.text);
    assert.equal(refused.body.code, 'client_credentials_invalid');
    assert.deepEqual(await storedCounts(fx.vault), before);

    fx.emu.setFaults({ target: 'token', status: 503 });
    const down = await fx.vault.call('POST', '/v1/connected-accounts', s.adminKey, {
      auth_config_id: s.configId,
      user_id: 'svc',
    });
    fx.emu.clearFaults();
    assert.equal(down.status, 502, down.text);
    assert.equal(down.body.code, 'provider_unavailable');
    assert.deepEqual(await storedCounts(fx.vault), before);

    const body = await fx.vault.call('POST', '/v1/connected-accounts', s.adminKey, {
      auth_config_id: s.configId,
      user_id: 'svc',
      credentials: { email: 'a@b.c', api_token: 'x' },
    });
    assert.deepEqual([body.status, body.body.code], [400, 'invalid_request']);
    assert.deepEqual(await storedCounts(fx.vault), before);
  });

  test('the worker obtains a new token before expiry, under the lease; min_ttl obtains one on demand', async (t) => {
    const fx = await worker(t);
    const s = await serviceAccountSetup(fx);
    const a = await createAccount(fx, s);
    const tick = () => fx.vault.deps.services.worker.tick();
    const issued = () => fx.emu.counters().clientCredentialsIssued;
    assert.equal((await tick()).claimed, 0, 'nothing is due right after creation');
    const first = (
      await fx.vault.call('POST', `/v1/connected-accounts/${a.id}/token`, s.adminKey, {})
    ).body;
    const n0 = issued();
    const expiresAt = new Date(a.expires_at).getTime();
    const nextAt = new Date(a.next_refresh_at).getTime();
    assert.ok(expiresAt - nextAt >= 600_000, 'due ahead of expiry');
    fx.clock.set(new Date(nextAt + 1000));
    assert.deepEqual(await tick(), { claimed: 1, refreshed: 1, failed: 0, expired: 0, lost: 0 });
    assert.equal(issued(), n0 + 1);
    const after = (await fx.vault.call('GET', `/v1/connected-accounts/${a.id}`, s.adminKey)).body;
    assert.equal(after.status, 'ACTIVE');
    assert.ok(new Date(after.expires_at).getTime() > expiresAt);
    const second = await fx.vault.call(
      'POST',
      `/v1/connected-accounts/${a.id}/token`,
      s.adminKey,
      {},
    );
    assert.equal(second.status, 200, second.text);
    assert.notEqual(second.body.access_token, first.access_token);
    assert.equal(second.body.refreshed, false);
    assert.equal((await myself(second.body)).status, 200);

    // On demand: a min_ttl the stored token no longer meets gets a new one first, once.
    fx.clock.set(new Date(new Date(after.expires_at).getTime() - 200_000));
    const [x, y] = await Promise.all(
      [0, 1].map(() =>
        fx.vault.call('POST', `/v1/connected-accounts/${a.id}/token`, s.adminKey, {
          min_ttl: 600,
        }),
      ),
    );
    assert.equal(x!.status, 200, x!.text);
    assert.equal(y!.status, 200, y!.text);
    assert.equal(x!.body.access_token, y!.body.access_token);
    assert.ok(x!.body.expires_in >= 600);
    assert.equal(issued(), n0 + 2, 'one new token for both callers');
  });

  test('two replicas needing a new token at once obtain one between them (the lease)', async (t) => {
    // After-hooks run in the order they were added: the peer closes before the fixture (and the
    // database they share) does.
    const peers: TestVault[] = [];
    t.after(async () => {
      for (const v of peers) await v.close();
    });
    const key = testMasterKey();
    const fx = await ownFlowFixture(t, { env: { VAULT_MASTER_KEYS: key } });
    const s = await serviceAccountSetup(fx);
    const a = await createAccount(fx, s);
    const peer = await startTestVault({
      shareDatabaseOf: fx.vault,
      clock: fx.clock,
      env: {
        VAULT_MASTER_KEYS: key,
        ATLASSIAN_AUTH_URL: fx.emu.url,
        ATLASSIAN_API_URL: fx.emu.url,
      },
    });
    peers.push(peer);
    const n0 = fx.emu.counters().clientCredentialsIssued;
    fx.clock.set(new Date(new Date(a.expires_at).getTime() - 120_000));
    const answers = await Promise.all(
      [fx.vault, peer, fx.vault, peer].map((v) =>
        v.call('POST', `/v1/connected-accounts/${a.id}/token`, s.adminKey, { min_ttl: 600 }),
      ),
    );
    for (const r of answers) assert.equal(r.status, 200, r.text);
    assert.equal(new Set(answers.map((r) => r.body.access_token)).size, 1);
    assert.equal(fx.emu.counters().clientCredentialsIssued, n0 + 1);
  });

  test('a refused secret turns the account EXPIRED/client_credentials_invalid; a new secret on the config revives it', async (t) => {
    const fx = await worker(t);
    const s = await serviceAccountSetup(fx);
    const a = await createAccount(fx, s);
    const rotated = uniqueSecret();
    fx.emu.setServiceAccountSecret(s.clientId, rotated);
    fx.clock.set(new Date(new Date(a.next_refresh_at).getTime() + 1000));
    assert.deepEqual(await fx.vault.deps.services.worker.tick(), {
      claimed: 1,
      refreshed: 0,
      failed: 0,
      expired: 1,
      lost: 0,
    });
    const dead = (await fx.vault.call('GET', `/v1/connected-accounts/${a.id}`, s.adminKey)).body;
    assert.deepEqual([dead.status, dead.status_reason], ['EXPIRED', 'client_credentials_invalid']);
    const refused = await fx.vault.call('POST', `/v1/connected-accounts/${a.id}/token`, s.adminKey);
    assert.deepEqual(
      [refused.status, refused.body.status_reason],
      [409, 'client_credentials_invalid'],
    );

    // (Event ids are ordered by the vault's clock: a later event at a later instant.)
    fx.clock.advance(1);
    const patch = await s.rec.call('PATCH', `/v1/auth-configs/${s.configId}`, s.adminKey, {
      client_secret: rotated,
      previous_secret_overlap_seconds: 0,
    });
    assert.equal(patch.status, 200, patch.text);
    const issued = fx.emu.counters().clientCredentialsIssued;
    assert.deepEqual(
      await fx.vault.deps.services.worker.tick(),
      { claimed: 1, refreshed: 1, failed: 0, expired: 0, lost: 0 },
      'the revived account is due at once',
    );
    assert.equal(fx.emu.counters().clientCredentialsIssued, issued + 1, 'with the new secret');
    const tok = await fx.vault.call('POST', `/v1/connected-accounts/${a.id}/token`, s.adminKey, {});
    assert.equal(tok.status, 200, tok.text);
    assert.equal((await myself(tok.body)).status, 200);
    const back = (await fx.vault.call('GET', `/v1/connected-accounts/${a.id}`, s.adminKey)).body;
    assert.deepEqual(
      [back.status, back.status_reason, back.last_error_code],
      ['ACTIVE', null, null],
    );
    assert.deepEqual(await eventTypes(fx.vault, s.adminKey, a.id), [
      'connected_account.active',
      'connected_account.expired',
      'connected_account.active',
    ]);
    assertNowhere(rotated, [...s.rec.texts, ...fx.vault.logs], 'rotated secret');
  });

  test('another tenant sees none of it (404)', async (t) => {
    const fx = await worker(t);
    const s = await serviceAccountSetup(fx);
    const a = await createAccount(fx, s);
    const other = await fx.vault.newTenant();
    for (const [method, url, body] of [
      ['GET', `/v1/connected-accounts/${a.id}`, undefined],
      ['POST', `/v1/connected-accounts/${a.id}/token`, {}],
      ['POST', `/v1/auth-configs/${s.configId}/token`, {}],
      ['GET', `/v1/auth-configs/${s.configId}`, undefined],
    ] as const) {
      const res = await fx.vault.call(method, url, other.adminKey, body);
      assert.equal(res.status, 404, `${method} ${url}: ${res.text}`);
    }
    const create = await fx.vault.call('POST', '/v1/connected-accounts', other.adminKey, {
      auth_config_id: s.configId,
      user_id: 'x',
    });
    assert.deepEqual([create.status, create.body.code], [400, 'auth_config_not_found']);
  });

  test('the generic oauth2 provider takes client_credentials too (token URL only)', async (t) => {
    const fx = await ownFlowFixture(t, { env: { ALLOW_PRIVATE_EGRESS: 'true' } });
    const s = await serviceAccountSetup(fx);
    const cfg = await fx.vault.call('POST', '/v1/auth-configs', s.adminKey, {
      name: 'generic',
      provider: 'oauth2',
      auth_scheme: 'client_credentials',
      client_id: s.clientId,
      client_secret: s.clientSecret,
      scopes: ['jira'],
      oauth2: { token_url: `${fx.emu.url}/oauth/token` },
    });
    assert.equal(cfg.status, 201, cfg.text);
    assert.equal(cfg.body.oauth2.authorization_url, null);
    const a = await fx.vault.call('POST', '/v1/connected-accounts', s.adminKey, {
      auth_config_id: cfg.body.id,
      user_id: 'generic',
    });
    assert.equal(a.status, 201, a.text);
    assert.equal(a.body.status, 'ACTIVE');
    const tok = await fx.vault.call(
      'POST',
      `/v1/connected-accounts/${a.body.id}/token`,
      s.adminKey,
    );
    assert.equal(tok.status, 200, tok.text);
    assert.equal(tok.body.token_type, 'Bearer');
    assert.equal(tok.body.api_base_url, null);
    const site = s.sa.sites[0]!;
    const me = await myself({ ...tok.body, api_base_url: `${fx.emu.url}/ex/jira/${site.id}` });
    assert.equal(me.status, 200);

    const three = await fx.vault.call('POST', '/v1/auth-configs', s.adminKey, {
      name: 'generic 3lo',
      provider: 'oauth2',
      client_id: s.clientId,
      client_secret: s.clientSecret,
      scopes: ['jira'],
      oauth2: { token_url: `${fx.emu.url}/oauth/token` },
    });
    assert.equal(three.status, 400, 'oauth2_3lo still needs an authorization URL');
  });
});
