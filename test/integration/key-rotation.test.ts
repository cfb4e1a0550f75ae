import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { DecryptError } from '../../src/crypto/envelope.ts';
import { atlassianSetup, runFlow, startFlowFixture } from '../helpers/flow.ts';
import { startTestVault, testMasterKey, type TestVault } from '../helpers/vault.ts';

const oldKey = testMasterKey('old');
let fx: Awaited<ReturnType<typeof startFlowFixture>>;
const extra: TestVault[] = [];
before(async () => {
  fx = await startFlowFixture({ env: { VAULT_MASTER_KEYS: oldKey } });
});
after(async () => {
  for (const v of extra) await v.close();
  await fx.close();
});

/** The same database, as a vault restarted with other master keys. */
async function restartedWith(keys: string) {
  const v = await startTestVault({
    shareDatabaseOf: fx.vault,
    env: { VAULT_MASTER_KEYS: keys, ATLASSIAN_AUTH_URL: fx.emu.url, ATLASSIAN_API_URL: fx.emu.url },
  });
  extra.push(v);
  return v;
}

const rows = async (q: ReturnType<typeof sql>) =>
  ((await fx.vault.deps.database.db.execute(q)) as unknown as { rows: Record<string, string>[] })
    .rows;

test('master key rotation under concurrent token traffic: zero failed reads, then the old key retires', async () => {
  const accounts: { key: string; id: string }[] = [];
  for (let t = 0; t < 3; t++) {
    const s = await atlassianSetup(fx.vault, fx.emu);
    const run = await runFlow(
      fx.vault,
      fx.emu,
      s.adminKey,
      { auth_config_id: s.configId, user_id: `u${t}` },
      { decision: 'approve', accountId: s.user.accountId },
    );
    accounts.push({ key: s.adminKey, id: run.accountId });
  }
  const newKey = testMasterKey('new');
  const rotated = await restartedWith(`${newKey},${oldKey}`);

  let reads = 0;
  const failures: string[] = [];
  let rewrapping = true;
  const traffic = (async () => {
    while (rewrapping || reads < 300) {
      for (const v of [rotated, fx.vault]) {
        for (const a of accounts) {
          const r = await v.call('POST', `/v1/connected-accounts/${a.id}/token`, a.key);
          reads++;
          if (r.status !== 200) failures.push(r.text);
        }
      }
    }
  })();
  const rewrap = await rotated.call('POST', '/v1/master-keys/rewrap', rotated.operatorKey);
  rewrapping = false;
  await traffic;
  assert.equal(rewrap.status, 200, rewrap.text);
  assert.ok(rewrap.body.rewrapped >= 3);
  assert.deepEqual(failures, [], `failed reads out of ${reads}`);
  const usage = Object.fromEntries(
    rewrap.body.data.map((u: { kid: string; data_keys: number }) => [u.kid, u.data_keys]),
  );
  assert.equal(usage.old, 0, 'nothing uses the old key any more');
  assert.ok(usage.new >= 3);
  assert.equal(
    (await rotated.call('POST', '/v1/master-keys/rewrap', rotated.operatorKey)).body.rewrapped,
    0,
    'idempotent',
  );

  // Retired: a vault without the old key reads everything.
  const retired = await restartedWith(newKey);
  for (const a of accounts)
    assert.equal(
      (await retired.call('POST', `/v1/connected-accounts/${a.id}/token`, a.key)).status,
      200,
    );
  const stale = await restartedWith(testMasterKey('old'));
  assert.equal(
    (await stale.call('POST', `/v1/connected-accounts/${accounts[0]!.id}/token`, accounts[0]!.key))
      .status,
    500,
    'a wrong master key never falls back',
  );
});

test('tenant data-key rotation re-encrypts every sealed field; reads and refreshes keep working', async () => {
  const s = await atlassianSetup(fx.vault, fx.emu);
  const run = await runFlow(
    fx.vault,
    fx.emu,
    s.adminKey,
    { auth_config_id: s.configId, user_id: 'dk' },
    { decision: 'approve', accountId: s.user.accountId },
  );
  const before = (
    await fx.vault.call('POST', `/v1/connected-accounts/${run.accountId}/token`, s.adminKey)
  ).body.access_token;
  const res = await fx.vault.call(
    'POST',
    `/v1/tenants/${s.tenantId}/rotate-data-key`,
    fx.vault.operatorKey,
  );
  assert.equal(res.status, 200, res.text);
  assert.ok(res.body.reencrypted >= 3, 'client secret, access and refresh token');
  const sealed =
    await rows(sql`select client_secret_enc as v from auth_configs where tenant_id = ${s.tenantId}
    union all select access_token_enc from connected_accounts where tenant_id = ${s.tenantId} and access_token_enc is not null
    union all select refresh_token_enc from connected_accounts where tenant_id = ${s.tenantId} and refresh_token_enc is not null`);
  assert.ok(sealed.every((r) => r.v!.split('.')[1] === res.body.data_key_id));
  assert.equal(
    (await fx.vault.call('POST', `/v1/connected-accounts/${run.accountId}/token`, s.adminKey)).body
      .access_token,
    before,
  );
  const refreshed = await fx.vault.call(
    'POST',
    `/v1/connected-accounts/${run.accountId}/token`,
    s.adminKey,
    { min_ttl: 3300 },
  );
  assert.equal(refreshed.status, 200);
  assert.equal(
    (await fx.vault.call('POST', `/v1/tenants/${s.tenantId}/rotate-data-key`, s.adminKey)).status,
    403,
  );
});

test('deleting a tenant destroys its data key: a surviving copy of its rows cannot be read', async () => {
  const s = await atlassianSetup(fx.vault, fx.emu);
  const [tenantRow] = await rows(sql`select * from tenants where id = ${s.tenantId}`);
  const [configRow] = await rows(sql`select * from auth_configs where id = ${s.configId}`);
  assert.equal(
    (await fx.vault.call('DELETE', `/v1/tenants/${s.tenantId}`, fx.vault.operatorKey)).status,
    204,
  );
  assert.equal(
    (await fx.vault.call('GET', `/v1/auth-configs/${s.configId}`, s.adminKey)).status,
    401,
    'its keys went with it',
  );
  assert.deepEqual(await rows(sql`select id from data_keys where tenant_id = ${s.tenantId}`), []);
  // "Restore from a backup" that has the tenant's rows but, necessarily, not its destroyed key.
  const db = fx.vault.deps.database.db;
  await db.execute(
    sql`insert into tenants (id, name, status) values (${tenantRow!.id}, ${tenantRow!.name}, 'active')`,
  );
  await db.execute(sql`insert into auth_configs (id, tenant_id, name, provider, client_id, client_secret_enc, client_secret_last4, client_secret_updated_at, scopes, allowed_return_urls)
    values (${configRow!.id}, ${configRow!.tenant_id}, 'restored', 'atlassian', 'x', ${configRow!.client_secret_enc}, 'xxxx', now(), '{}', '{}')`);
  const svc = fx.vault.deps.services.authConfigs;
  await assert.rejects(svc.clientSecret(await svc.get(s.tenantId, s.configId)), DecryptError);
});
