import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { PUBLIC_HOST, atlassianConfig, uniqueSecret } from '../helpers/fixtures.ts';
import { startTestVault, type TestVault } from '../helpers/vault.ts';

let vault: TestVault;
before(async () => {
  vault = await startTestVault();
});
after(() => vault.close());

/** The tenant's own auth configs, counted in the table (not through the API under test). */
const countConfigs = async (tenantId: string) => {
  const r = await vault.deps.database.db.execute(
    sql`select count(*)::int as n from auth_configs where tenant_id = ${tenantId}`,
  );
  return (r as unknown as { rows: { n: number }[] }).rows[0]!.n;
};

describe('auth configs', () => {
  test('create returns the callback URL and only a hint of the secret', async () => {
    const { adminKey } = await vault.newTenant();
    const body = atlassianConfig();
    const res = await vault.call('POST', '/v1/auth-configs', adminKey, body);
    assert.equal(res.status, 201, res.text);
    assert.match(res.body.id, /^ac_/);
    assert.equal(res.body.callback_url, `http://vault.test/v1/oauth/callback/${res.body.id}`);
    assert.deepEqual(res.body.client_secret.set, true);
    assert.equal(res.body.client_secret.last4, body.client_secret.slice(-4));
    assert.deepEqual(res.body.scopes, ['read:jira-work', 'read:jira-user']);
    assert.equal(res.body.status, 'enabled');
    assert.ok(!res.text.includes(body.client_secret));
  });

  test('an unknown Atlassian scope is a 400 that names the nearest known one, and writes nothing', async () => {
    const { adminKey, tenantId } = await vault.newTenant();
    const before = await countConfigs(tenantId);
    const res = await vault.call(
      'POST',
      '/v1/auth-configs',
      adminKey,
      atlassianConfig({ scopes: ['read:jira-user', 'read:jira-wrok'] }),
    );
    assert.equal(res.status, 400);
    assert.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
    assert.equal(res.body.code, 'unknown_scope');
    assert.equal(res.body.suggestion, 'read:jira-work');
    assert.equal(res.body.field, 'body.scopes[1]');
    assert.match(res.body.detail, /did you mean "read:jira-work"/);
    assert.equal(await countConfigs(tenantId), before);
  });

  test('granular scopes and the implicit offline_access/read:me are accepted; only-implicit is not', async () => {
    const { adminKey } = await vault.newTenant();
    const ok = await vault.call(
      'POST',
      '/v1/auth-configs',
      adminKey,
      atlassianConfig({ scopes: ['read:issue:jira', 'offline_access', 'read:me'] }),
    );
    assert.equal(ok.status, 201, ok.text);
    const bad = await vault.call(
      'POST',
      '/v1/auth-configs',
      adminKey,
      atlassianConfig({ scopes: ['offline_access'] }),
    );
    assert.equal(bad.status, 400);
    assert.match(bad.body.detail, /body\.scopes/);
  });

  test('malformed bodies get 400s naming the field and write nothing', async () => {
    const { adminKey, tenantId } = await vault.newTenant();
    const ok = await vault.call('POST', '/v1/auth-configs', adminKey, atlassianConfig());
    assert.equal(ok.status, 201, 'the valid body the cases below break is accepted');
    const before = await countConfigs(tenantId);
    assert.equal(before, 1);
    const cases: [unknown, RegExp][] = [
      [{ ...atlassianConfig(), client_id: undefined }, /body\.client_id is required/],
      [{ ...atlassianConfig(), client_secret: 42 }, /body\.client_secret/],
      [{ ...atlassianConfig(), scopes: [] }, /body\.scopes/],
      // How many scopes a config needs is its provider's rule: these two need one at least.
      [{ ...atlassianConfig(), scopes: undefined }, /body\.scopes/],
      [
        {
          ...atlassianConfig({ provider: 'oauth2', scopes: [] }),
          oauth2: {
            authorization_url: `https://${PUBLIC_HOST}/authorize`,
            token_url: `https://${PUBLIC_HOST}/token`,
          },
        },
        /body\.scopes must list at least one scope/,
      ],
      [{ ...atlassianConfig(), provider: 'gitlab' }, /body\.provider/],
      [{ ...atlassianConfig(), extra_field: 1 }, /body\.extra_field is not a known field/],
      [
        { ...atlassianConfig(), allowed_return_urls: ['javascript:alert(1)'] },
        /body\.allowed_return_urls\.0/,
      ],
      [
        {
          ...atlassianConfig(),
          oauth2: { authorization_url: 'https://a', token_url: 'https://b' },
        },
        /body\.oauth2 applies to provider oauth2 only/,
      ],
      [
        { ...atlassianConfig(), provider: 'oauth2' },
        /body\.oauth2 with authorization_url and token_url is required/,
      ],
      ['{"name": ', /not valid JSON/],
    ];
    for (const [body, detail] of cases) {
      const res = await vault.call('POST', '/v1/auth-configs', adminKey, body);
      assert.equal(res.status, 400, `${JSON.stringify(body)} → ${res.text}`);
      assert.match(res.body.detail, detail);
      assert.ok(res.body.request_id);
    }
    assert.equal(await countConfigs(tenantId), before);
  });

  test('list paginates with a cursor and filters by status', async () => {
    const { adminKey } = await vault.newTenant();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push(
        (await vault.call('POST', '/v1/auth-configs', adminKey, atlassianConfig({ name: `c${i}` })))
          .body.id,
      );
    await vault.call('POST', `/v1/auth-configs/${ids[1]}/disable`, adminKey);
    const p1 = await vault.call('GET', '/v1/auth-configs?limit=2', adminKey);
    assert.equal(p1.status, 200);
    assert.deepEqual(
      p1.body.data.map((c: { id: string }) => c.id),
      ids.slice(0, 2),
    );
    assert.ok(p1.body.next_cursor);
    const p2 = await vault.call(
      'GET',
      `/v1/auth-configs?limit=2&cursor=${p1.body.next_cursor}`,
      adminKey,
    );
    assert.deepEqual(
      p2.body.data.map((c: { id: string }) => c.id),
      ids.slice(2),
    );
    assert.equal(p2.body.next_cursor, null);
    const disabled = await vault.call('GET', '/v1/auth-configs?status=disabled', adminKey);
    assert.deepEqual(
      disabled.body.data.map((c: { id: string }) => c.id),
      [ids[1]],
    );
    const badCursor = await vault.call('GET', '/v1/auth-configs?cursor=nonsense', adminKey);
    assert.equal(badCursor.status, 400);
    assert.equal(badCursor.body.code, 'invalid_cursor');
  });

  test('update rotates the client secret; disable, enable and delete work', async () => {
    const { adminKey, tenantId } = await vault.newTenant();
    const created = (await vault.call('POST', '/v1/auth-configs', adminKey, atlassianConfig()))
      .body;
    const newSecret = uniqueSecret();
    const upd = await vault.call('PATCH', `/v1/auth-configs/${created.id}`, adminKey, {
      client_secret: newSecret,
      name: 'renamed',
    });
    assert.equal(upd.status, 200, upd.text);
    assert.equal(upd.body.name, 'renamed');
    assert.equal(upd.body.client_secret.last4, newSecret.slice(-4));
    assert.ok(upd.body.client_secret.updated_at >= created.client_secret.updated_at);
    const row = await vault.deps.services.authConfigs.get(tenantId, created.id);
    assert.equal(await vault.deps.services.authConfigs.clientSecret(row), newSecret);

    const badScope = await vault.call('PATCH', `/v1/auth-configs/${created.id}`, adminKey, {
      scopes: ['read:jira-wrok'],
      name: 'nope',
    });
    assert.equal(badScope.status, 400);
    assert.equal(
      (await vault.call('GET', `/v1/auth-configs/${created.id}`, adminKey)).body.name,
      'renamed',
    );

    assert.equal(
      (await vault.call('POST', `/v1/auth-configs/${created.id}/disable`, adminKey)).body.status,
      'disabled',
    );
    assert.equal(
      (await vault.call('POST', `/v1/auth-configs/${created.id}/enable`, adminKey)).body.status,
      'enabled',
    );
    assert.equal(
      (await vault.call('PATCH', `/v1/auth-configs/${created.id}`, adminKey, {})).status,
      400,
    );
    assert.equal(
      (await vault.call('DELETE', `/v1/auth-configs/${created.id}`, adminKey)).status,
      204,
    );
    assert.equal((await vault.call('GET', `/v1/auth-configs/${created.id}`, adminKey)).status, 404);
  });

  test('generic oauth2 configs keep their knobs with defaults', async () => {
    const { adminKey } = await vault.newTenant();
    const res = await vault.call('POST', '/v1/auth-configs', adminKey, {
      ...atlassianConfig({ provider: 'oauth2', scopes: ['openid', 'profile'] }),
      oauth2: {
        authorization_url: 'https://idp.example.com/authorize',
        token_url: `https://${PUBLIC_HOST}/token`,
        token_request_format: 'json',
      },
    });
    assert.equal(res.status, 201, res.text);
    assert.deepEqual(res.body.oauth2, {
      authorization_url: 'https://idp.example.com/authorize',
      token_url: `https://${PUBLIC_HOST}/token`,
      authorization_params: {},
      token_request_format: 'json',
      client_auth: 'client_secret_basic',
      include_scope_in_token_request: false,
      pkce: true,
      scope_separator: ' ',
      issuer: null,
      api_base_url: null,
    });
    // The proxy's base for this config, kept without its trailing slash.
    const patched = await vault.call('PATCH', `/v1/auth-configs/${res.body.id}`, adminKey, {
      oauth2: {
        authorization_url: 'https://idp.example.com/authorize',
        token_url: `https://${PUBLIC_HOST}/token`,
        api_base_url: `https://${PUBLIC_HOST}/v2/`,
      },
    });
    assert.equal(patched.status, 200, patched.text);
    assert.equal(patched.body.oauth2.api_base_url, `https://${PUBLIC_HOST}/v2`);
    assert.equal(patched.body.oauth2.token_url, `https://${PUBLIC_HOST}/token`);
  });

  test('URLs the vault would call must not point at private addresses (egress policy)', async () => {
    const { adminKey, tenantId } = await vault.newTenant();
    const before = await countConfigs(tenantId);
    for (const token_url of [
      'https://127.0.0.1:9999/token',
      'https://169.254.169.254/latest',
      'https://[::1]/token',
      'https://10.0.0.8/token',
    ]) {
      const res = await vault.call('POST', '/v1/auth-configs', adminKey, {
        ...atlassianConfig({ provider: 'oauth2', scopes: ['openid'] }),
        oauth2: { authorization_url: 'https://idp.example.com/authorize', token_url },
      });
      assert.equal(res.status, 400, token_url);
      assert.equal(res.body.code, 'egress_denied');
      assert.ok(!res.text.includes('client_secret'));
    }
    assert.equal(await countConfigs(tenantId), before);
    const hook = await vault.call('POST', '/v1/webhook-endpoints', adminKey, {
      url: 'https://127.0.0.1:8080/hook',
    });
    assert.deepEqual([hook.status, hook.body.code], [400, 'egress_denied']);
  });
});
