import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { sql } from 'drizzle-orm';
import { DecryptError } from '../../src/crypto/envelope.ts';
import { atlassianSetup, runFlow } from '../helpers/flow.ts';
import { ownFlowFixture } from '../helpers/own-fixture.ts';
import { startTestVault, testMasterKey, type TestVault } from '../helpers/vault.ts';

/**
 * A vault (with its database, emulator and clock) of the test's own, under master key `old`; the
 * last test writes rows no key can read, so no fixture is shared.
 */
async function world(t: TestContext) {
  const oldKey = testMasterKey('old');
  // after-hooks run in the order they were added: the restarted vaults close before the fixture
  // (and the database they share) does.
  const restarted: TestVault[] = [];
  t.after(async () => {
    for (const v of restarted) await v.close();
  });
  const fx = await ownFlowFixture(t, { env: { VAULT_MASTER_KEYS: oldKey } });
  /** The same database, as a vault restarted with other master keys. */
  const restartedWith = async (keys: string) => {
    const v = await startTestVault({
      shareDatabaseOf: fx.vault,
      clock: fx.clock,
      env: {
        VAULT_MASTER_KEYS: keys,
        ATLASSIAN_AUTH_URL: fx.emu.url,
        ATLASSIAN_API_URL: fx.emu.url,
      },
    });
    restarted.push(v);
    return v;
  };
  const rows = async (q: ReturnType<typeof sql>) =>
    ((await fx.vault.deps.database.db.execute(q)) as unknown as { rows: Record<string, string>[] })
      .rows;
  const connect = async (userId: string) => {
    const s = await atlassianSetup(fx.vault, fx.emu);
    const run = await runFlow(
      fx.vault,
      fx.emu,
      s.adminKey,
      { auth_config_id: s.configId, user_id: userId },
      { decision: 'approve', accountId: s.user.accountId },
    );
    assert.equal(run.final.status, 200, run.final.text);
    return { ...s, accountId: run.accountId };
  };
  return { ...fx, oldKey, restartedWith, rows, connect };
}

test('master key rotation under concurrent token traffic: zero failed reads, then the old key retires', async (t) => {
  const { oldKey, restartedWith, connect } = await world(t);
  const accounts: { key: string; id: string }[] = [];
  for (let i = 0; i < 3; i++) {
    const s = await connect(`u${i}`);
    accounts.push({ key: s.adminKey, id: s.accountId });
  }
  const newKey = testMasterKey('new');
  // The documented order: every replica gets `new,old` first (a rolling restart), then one of them
  // rewraps. A replica still holding only `old` may fail once its cached data keys go, so none does.
  const rotated = await restartedWith(`${newKey},${oldKey}`);
  const peer = await restartedWith(`${newKey},${oldKey}`);

  let reads = 0;
  let readsDuringRewrap = 0;
  const failures: string[] = [];
  let rewrapping = true;
  const traffic = (async () => {
    while (rewrapping || reads < 300) {
      for (const v of [rotated, peer]) {
        for (const a of accounts) {
          const r = await v.call('POST', `/v1/connected-accounts/${a.id}/token`, a.key);
          reads++;
          if (rewrapping) readsDuringRewrap++;
          if (r.status !== 200) failures.push(r.text);
        }
      }
    }
  })();
  const rewrap = await rotated.call('POST', '/v1/master-keys/rewrap', rotated.operatorKey);
  rewrapping = false;
  await traffic;
  assert.equal(rewrap.status, 200, rewrap.text);
  // This database holds exactly the three tenants' data keys.
  assert.equal(rewrap.body.rewrapped, 3);
  assert.ok(readsDuringRewrap > 0, 'some reads ran while the rewrap did');
  assert.deepEqual(failures, [], `failed reads out of ${reads}`);
  const usage = Object.fromEntries(
    rewrap.body.data.map((u: { kid: string; data_keys: number }) => [u.kid, u.data_keys]),
  );
  assert.equal(usage.old, 0, 'nothing uses the old key any more');
  assert.equal(usage.new, 3);
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

test('tenant data-key rotation re-encrypts every sealed field; reads and refreshes keep working', async (t) => {
  const { vault, emu, clock, rows, connect } = await world(t);
  const s = await connect('dk');
  const run = { accountId: s.accountId };
  const before = (
    await vault.call('POST', `/v1/connected-accounts/${run.accountId}/token`, s.adminKey)
  ).body.access_token;
  const res = await vault.call(
    'POST',
    `/v1/tenants/${s.tenantId}/rotate-data-key`,
    vault.operatorKey,
  );
  assert.equal(res.status, 200, res.text);
  assert.equal(
    res.body.reencrypted,
    4,
    'client secret, access and refresh token, the session’s PKCE verifier',
  );
  const sealed =
    await rows(sql`select client_secret_enc as v from auth_configs where tenant_id = ${s.tenantId}
    union all select access_token_enc from connected_accounts where tenant_id = ${s.tenantId} and access_token_enc is not null
    union all select refresh_token_enc from connected_accounts where tenant_id = ${s.tenantId} and refresh_token_enc is not null`);
  assert.equal(sealed.length, 3);
  assert.ok(sealed.every((r) => r.v!.split('.')[1] === res.body.data_key_id));
  assert.equal(
    (await vault.call('POST', `/v1/connected-accounts/${run.accountId}/token`, s.adminKey)).body
      .access_token,
    before,
  );
  // 400 s on, the stored token falls short of min_ttl 3300: the refresh must decrypt the rotated
  // refresh token and client secret, and seal the new tokens under the new key.
  clock.advance(400);
  const refreshed = await vault.call(
    'POST',
    `/v1/connected-accounts/${run.accountId}/token`,
    s.adminKey,
    { min_ttl: 3300 },
  );
  assert.equal(refreshed.status, 200, refreshed.text);
  assert.equal(refreshed.body.refreshed, true);
  assert.notEqual(refreshed.body.access_token, before);
  assert.equal(emu.counters().refreshes, 1);
  assert.equal(
    (await vault.call('POST', `/v1/tenants/${s.tenantId}/rotate-data-key`, s.adminKey)).status,
    403,
  );
});

test('deleting a tenant destroys its data key: a surviving copy of its rows cannot be read', async (t) => {
  const fx = await world(t);
  const { rows } = fx;
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
