import assert from 'node:assert/strict';
import { test } from 'node:test';
import { atlassianConfig } from '../helpers/fixtures.ts';
import { startTestVault } from '../helpers/vault.ts';

test('a service key limited to [] is a 400, never "all configs" (security review, item 4)', async (t) => {
  const vault = await startTestVault();
  t.after(() => vault.close());
  const { tenantId, adminKey } = await vault.newTenant();
  const count = async () => (await vault.call('GET', '/v1/api-keys', adminKey)).body.data.length;
  const before = await count();
  const own = await vault.call('POST', '/v1/api-keys', adminKey, {
    name: 'svc',
    role: 'service',
    auth_config_ids: [],
  });
  assert.equal(own.status, 400);
  assert.match(own.body.detail, /auth_config_ids/);
  const byOperator = await vault.call(
    'POST',
    `/v1/tenants/${tenantId}/api-keys`,
    vault.operatorKey,
    {
      name: 'svc',
      role: 'service',
      auth_config_ids: [],
    },
  );
  assert.equal(byOperator.status, 400);
  assert.equal(await count(), before, 'nothing was written');

  // A limited key is limited; an unlimited one is explicitly so (null).
  const cfg = (await vault.call('POST', '/v1/auth-configs', adminKey, atlassianConfig())).body;
  const other = (await vault.call('POST', '/v1/auth-configs', adminKey, atlassianConfig())).body;
  const limited = await vault.call('POST', '/v1/api-keys', adminKey, {
    name: 'svc',
    role: 'service',
    auth_config_ids: [cfg.id],
  });
  assert.deepEqual(limited.body.auth_config_ids, [cfg.id]);
  const refused = await vault.call(
    'POST',
    `/v1/auth-configs/${other.id}/token`,
    limited.body.key,
    {},
  );
  assert.equal(refused.status, 403);
});

test('an admin key cannot see or revoke operator keys', async (t) => {
  const vault = await startTestVault();
  t.after(() => vault.close());
  const { adminKey } = await vault.newTenant();
  const op = await vault.call('POST', '/v1/operator-keys', vault.operatorKey, { name: 'ops 2' });
  assert.equal(op.status, 201);
  assert.equal(op.headers['cache-control'], 'no-store');
  assert.equal((await vault.call('DELETE', `/v1/api-keys/${op.body.id}`, adminKey)).status, 404);
  assert.equal((await vault.call('GET', '/v1/operator-keys', adminKey)).status, 403);
  assert.equal((await vault.call('GET', '/v1/tenants', op.body.key)).status, 200);
});
