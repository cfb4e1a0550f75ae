// A tenant URL the vault will not call gets one answer, whether its host does not resolve or
// resolves to a private address, when it is saved and when it is called: two answers would tell a
// tenant which internal names exist.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { storedCounts } from '../helpers/credentials.ts';
import { PUBLIC_HOST, uniqueSecret } from '../helpers/fixtures.ts';
import { startRoughProvider } from '../helpers/rough-provider.ts';
import { startTestVault, testMasterKey, type Res, type TestVault } from '../helpers/vault.ts';

const NOWHERE = 'nonexistent.invalid'; // a reserved TLD: never resolves
const LOOPBACK = 'localhost'; // resolves (hosts file) to 127.0.0.1
const DETAIL = (host: string) =>
  `${host} does not resolve to a public address this vault may call (an operator can allow private addresses, for development and tests only, with ALLOW_PRIVATE_EGRESS=true)`;

/** The vault under test (the default egress policy), and one on its database that allows private egress. */
let strict: TestVault;
let lax: TestVault;
let strictUrl: string;

before(async () => {
  const VAULT_MASTER_KEYS = testMasterKey();
  lax = await startTestVault({ env: { ALLOW_PRIVATE_EGRESS: 'true', VAULT_MASTER_KEYS } });
  strict = await startTestVault({ shareDatabaseOf: lax, env: { VAULT_MASTER_KEYS } });
  strictUrl = await strict.app.listen({ host: '127.0.0.1', port: 0 });
});
after(async () => {
  await strict.close();
  await lax.close();
});

/** Both answers: the same status and code, and details that differ only by the host they name. */
function sameAnswer(nowhere: Res, loopback: Res, what: string) {
  for (const [res, host] of [
    [nowhere, NOWHERE],
    [loopback, LOOPBACK],
  ] as const) {
    assert.deepEqual(
      [res.status, res.body.code, res.body.detail],
      [400, 'egress_denied', DETAIL(host)],
      `${what} ${host}: ${res.text}`,
    );
  }
}

const genericConfig = (vault: TestVault, key: string, oauth2: Record<string, string>) =>
  vault.call('POST', '/v1/auth-configs', key, {
    name: 'generic',
    provider: 'oauth2',
    auth_scheme: 'client_credentials',
    client_id: 'svc',
    client_secret: uniqueSecret(),
    scopes: ['read'],
    oauth2,
  });

describe('egress refusals', () => {
  test('when saved: oauth2 URLs, webhook endpoints and API-token sites get the same 400', async () => {
    const { adminKey } = await strict.newTenant();
    const stored = await storedCounts(strict);
    const tokenUrls = await Promise.all(
      [NOWHERE, LOOPBACK].map((h) =>
        genericConfig(strict, adminKey, { token_url: `https://${h}/oauth/token` }),
      ),
    );
    sameAnswer(tokenUrls[0]!, tokenUrls[1]!, 'token_url');
    const apiBases = await Promise.all(
      [NOWHERE, LOOPBACK].map((h) =>
        genericConfig(strict, adminKey, {
          token_url: `https://${PUBLIC_HOST}/oauth/token`,
          api_base_url: `https://${h}/api`,
        }),
      ),
    );
    sameAnswer(apiBases[0]!, apiBases[1]!, 'api_base_url');
    const hooks = await Promise.all(
      [NOWHERE, LOOPBACK].map((h) =>
        strict.call('POST', '/v1/webhook-endpoints', adminKey, { url: `https://${h}/hooks` }),
      ),
    );
    sameAnswer(hooks[0]!, hooks[1]!, 'webhook url');
    const tokens = await strict.call('POST', '/v1/auth-configs', adminKey, {
      name: 'API tokens',
      provider: 'atlassian',
      auth_scheme: 'api_token',
      scopes: ['read:jira-work'],
    });
    assert.equal(tokens.status, 201, tokens.text);
    const sites = await Promise.all(
      [NOWHERE, LOOPBACK].map((h) =>
        strict.call('POST', '/v1/connected-accounts', adminKey, {
          auth_config_id: tokens.body.id,
          user_id: 'u',
          site_url: `https://${h}`,
          credentials: { email: 'a@example.com', api_token: 'secret-token' },
        }),
      ),
    );
    sameAnswer(sites[0]!, sites[1]!, 'site_url');
    assert.deepEqual(await storedCounts(strict), stored);
    const list = await strict.call('GET', '/v1/webhook-endpoints', adminKey);
    assert.deepEqual(list.body.data, []);
  });

  test('when called: a token URL and a proxied API base saved before the policy applied get the same 400', async (t) => {
    // Saved through a vault that allowed private egress (as an operator may have before turning
    // it off); called through the vault under test, whose egress agent refuses both at connect.
    const rough = await startRoughProvider(t);
    const { adminKey } = await lax.newTenant();
    const saved = async (host: string) => {
      const refused = await genericConfig(lax, adminKey, { token_url: `https://${host}/token` });
      assert.equal(refused.status, 201, refused.text);
      const working = await genericConfig(lax, adminKey, {
        token_url: rough.tokenUrl('token').url,
        api_base_url: `https://${host}/api`,
      });
      assert.equal(working.status, 201, working.text);
      const account = await lax.call('POST', '/v1/connected-accounts', adminKey, {
        auth_config_id: working.body.id,
        user_id: host,
      });
      assert.equal(account.status, 201, account.text);
      return { tokenConfig: refused.body.id as string, accountId: account.body.id as string };
    };
    const nowhere = await saved(NOWHERE);
    const loopback = await saved(LOOPBACK);
    const stored = await storedCounts(strict);

    const create = (configId: string) =>
      strict.call('POST', '/v1/connected-accounts', adminKey, {
        auth_config_id: configId,
        user_id: 'svc',
      });
    sameAnswer(
      await create(nowhere.tokenConfig),
      await create(loopback.tokenConfig),
      'token_url at call time',
    );
    assert.deepEqual(await storedCounts(strict), stored, 'nothing was stored');

    const proxy = async (accountId: string): Promise<Res> => {
      const res = await fetch(`${strictUrl}/v1/connected-accounts/${accountId}/proxy/items`, {
        headers: { authorization: `Bearer ${adminKey}` },
      });
      const text = await res.text();
      return { status: res.status, text, body: JSON.parse(text), headers: {} };
    };
    sameAnswer(
      await proxy(nowhere.accountId),
      await proxy(loopback.accountId),
      'api_base_url at call time',
    );
  });

  test('a webhook endpoint URL with user info is refused, naming the field', async () => {
    const { adminKey } = await strict.newTenant();
    const res = await strict.call('POST', '/v1/webhook-endpoints', adminKey, {
      url: `https://hook-user:hook-pass@${PUBLIC_HOST}/hooks`,
    });
    assert.equal(res.status, 400, res.text);
    assert.equal(res.body.code, 'invalid_request');
    assert.equal(res.body.field, 'body.url');
    assert.ok(!res.text.includes('hook-pass'), 'the password is not echoed');
    const list = await strict.call('GET', '/v1/webhook-endpoints', adminKey);
    assert.deepEqual(list.body.data, []);
  });
});
