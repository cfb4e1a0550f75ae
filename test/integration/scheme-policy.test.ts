import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { loadConfig } from '../../src/config.ts';
import { AUTH_SCHEME_FORBIDDEN } from '../../src/features/auth-configs/scheme-policy.ts';
import { atlassianConfig } from '../helpers/fixtures.ts';
import { ownFlowFixture } from '../helpers/own-fixture.ts';
import { startTestVault, testMasterKey } from '../helpers/vault.ts';

/**
 * ALLOWED_AUTH_SCHEMES (docs/credentials.md#scheme-policy): a vendor hosting the vault for its
 * customers forbids api_token; new configs and accounts with it are refused, what exists keeps
 * working.
 */
test('a deployment that forbids api_token refuses new api_token configs and accounts; existing ones keep serving tokens', async (t) => {
  const VAULT_MASTER_KEYS = testMasterKey();
  const fx = await ownFlowFixture(t, { env: { ALLOW_PRIVATE_EGRESS: 'true', VAULT_MASTER_KEYS } });
  // Before the policy: an api_token config and an account under it.
  const { adminKey } = await fx.vault.newTenant();
  const cfg = await fx.vault.call('POST', '/v1/auth-configs', adminKey, {
    name: 'API tokens',
    provider: 'atlassian',
    auth_scheme: 'api_token',
    scopes: ['read:jira-work'],
  });
  assert.equal(cfg.status, 201, cfg.text);
  const tag = randomBytes(3).toString('hex');
  const user = fx.emu.addUser({
    email: `user-${tag}@example.com`,
    name: `User ${tag}`,
    sites: [{ name: `site-${tag}`, url: fx.emu.siteUrl(`site-${tag}`), products: ['jira'] }],
  });
  const token = fx.emu.addApiToken({ accountId: user.accountId, scoped: false });
  const account = (userId: string, apiToken: string) => ({
    auth_config_id: cfg.body.id,
    user_id: userId,
    site_url: user.sites[0]!.url,
    credentials: { email: user.email, api_token: apiToken },
  });
  const made = await fx.vault.call(
    'POST',
    '/v1/connected-accounts',
    adminKey,
    account('ada', token),
  );
  assert.equal(made.status, 201, made.text);

  // The same database, restarted with the policy.
  const strict = await startTestVault({
    shareDatabaseOf: fx.vault,
    clock: fx.clock,
    env: {
      VAULT_MASTER_KEYS,
      ALLOW_PRIVATE_EGRESS: 'true',
      ATLASSIAN_AUTH_URL: fx.emu.url,
      ATLASSIAN_API_URL: fx.emu.url,
      ALLOWED_AUTH_SCHEMES: 'oauth2_3lo, client_credentials',
    },
  });
  t.after(() => strict.close());
  const before = (await strict.call('GET', '/v1/auth-configs', adminKey)).body.data.length;

  const refused = await strict.call('POST', '/v1/auth-configs', adminKey, {
    name: 'more API tokens',
    provider: 'atlassian',
    auth_scheme: 'api_token',
    scopes: ['read:jira-work'],
  });
  assert.equal(refused.status, 403, refused.text);
  assert.equal(refused.body.code, AUTH_SCHEME_FORBIDDEN);
  assert.match(
    refused.body.detail,
    /does not allow new api_token auth configs.*ALLOWED_AUTH_SCHEMES/,
  );
  assert.deepEqual(refused.body.allowed_auth_schemes, ['oauth2_3lo', 'client_credentials']);
  assert.equal((await strict.call('GET', '/v1/auth-configs', adminKey)).body.data.length, before);

  const another = fx.emu.addApiToken({ accountId: user.accountId, scoped: false });
  const noAccount = await strict.call(
    'POST',
    '/v1/connected-accounts',
    adminKey,
    account('bob', another),
  );
  assert.equal(noAccount.status, 403, noAccount.text);
  assert.equal(noAccount.body.code, AUTH_SCHEME_FORBIDDEN);
  assert.ok(!noAccount.text.includes(another), 'the refused token is not echoed');
  const accounts = await strict.call('GET', '/v1/connected-accounts', adminKey);
  assert.deepEqual(
    accounts.body.data.map((a: { user_id: string }) => a.user_id),
    ['ada'],
    'nothing written',
  );

  // What the start-up report counts (main.ts logs it): the one config made before the policy.
  assert.deepEqual(
    await strict.deps.services.authConfigs.outsidePolicy(strict.deps.config.allowedAuthSchemes),
    [{ scheme: 'api_token', n: 1 }],
  );

  // What existed keeps working, and an allowed scheme is created as before.
  const served = await strict.call(
    'POST',
    `/v1/connected-accounts/${made.body.id}/token`,
    adminKey,
    {},
  );
  assert.equal(served.status, 200, served.text);
  const oauth = await strict.call('POST', '/v1/auth-configs', adminKey, atlassianConfig());
  assert.equal(oauth.status, 201, oauth.text);
});

test('ALLOWED_AUTH_SCHEMES: unset allows every scheme; an unknown name stops the start naming it', () => {
  const base = { NODE_ENV: 'test', VAULT_MASTER_KEYS: testMasterKey() };
  assert.deepEqual(loadConfig(base).allowedAuthSchemes, [
    'oauth2_3lo',
    'client_credentials',
    'api_token',
  ]);
  assert.deepEqual(
    loadConfig({ ...base, ALLOWED_AUTH_SCHEMES: 'api_token,oauth2_3lo' }).allowedAuthSchemes,
    ['oauth2_3lo', 'api_token'],
  );
  assert.throws(
    () => loadConfig({ ...base, ALLOWED_AUTH_SCHEMES: 'oauth2_3lo,apitoken' }),
    /ALLOWED_AUTH_SCHEMES must list one or more of oauth2_3lo, client_credentials, api_token/,
  );
  assert.throws(() => loadConfig({ ...base, ALLOWED_AUTH_SCHEMES: ' , ' }), /ALLOWED_AUTH_SCHEMES/);
});
