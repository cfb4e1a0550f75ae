// Export (docs/moving.md#export): a tenant's grants leave vault A encrypted to the admin's public
// key, decrypt with the private key into records vault B imports, and A stops using them. Both
// vaults talk to one emulator, as two deployments of the same app would talk to one Atlassian.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { compactDecrypt, exportJWK, generateKeyPair } from 'jose';
import type { Emulator } from '../../src/emulator/index.ts';
import { assertNowhere, myself } from '../helpers/credentials.ts';
import { atlassianSetup, RETURN_URL, runFlow, startFlowFixture } from '../helpers/flow.ts';
import { atlassianConfig } from '../helpers/fixtures.ts';
import { sourceGrant } from '../helpers/source-grants.ts';
import { startTestVault, type TestVault } from '../helpers/vault.ts';

let vaultA: TestVault;
let vaultB: TestVault;
let emu: Emulator;
let close: () => Promise<void>;
before(async () => {
  ({ vault: vaultA, emu, close } = await startFlowFixture());
  vaultB = await startTestVault({
    env: {
      ATLASSIAN_AUTH_URL: emu.url,
      ATLASSIAN_API_URL: emu.url,
      EXPORT_RATE_LIMIT_PER_HOUR: '1',
    },
  });
});
after(async () => {
  await vaultB.close();
  await close();
});

async function keyPair(crv: 'P-256' | 'P-384' | 'X25519' = 'P-256') {
  const { publicKey, privateKey } = await generateKeyPair('ECDH-ES+A256KW', {
    crv,
    extractable: true,
  });
  return { publicJwk: await exportJWK(publicKey), privateKey };
}

const exportFrom = (vault: TestVault, key: string, body: unknown) =>
  vault.call('POST', '/v1/connected-accounts/export', key, body);

const lines = (text: string) =>
  text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

test('round trip: export from A, decrypt, import into B; A no longer uses the grants', async () => {
  const s = await atlassianSetup(vaultA, emu);
  const app = {
    clientId: s.clientId,
    clientSecret: s.clientSecret,
    callbackUrl: s.callbackUrl,
    scopes: ['read:jira-work', 'read:jira-user'],
  };
  // Two accounts imported into A, one connected through A's connect flow.
  const grants = [await sourceGrant(emu, app, s.user), await sourceGrant(emu, app, s.user)];
  const imported = await vaultA.call(
    'POST',
    '/v1/connected-accounts/import',
    s.adminKey,
    grants.map((g, i) => ({
      auth_config_id: s.configId,
      user_id: `u${i}`,
      refresh_token: g.refreshToken,
      external_id: `nango-${i}`,
      tags: ['moving'],
    })),
  );
  assert.equal(imported.body.counts.imported, 2, imported.text);
  const flow = await runFlow(
    vaultA,
    emu,
    s.adminKey,
    { auth_config_id: s.configId, user_id: 'ada', return_url: RETURN_URL },
    { decision: 'approve', accountId: s.user.accountId },
  );
  const accountIds = [
    ...imported.body.results.map((r: { connected_account_id: string }) => r.connected_account_id),
    flow.accountId,
  ];
  emu.resetCounters();

  const { publicJwk, privateKey } = await keyPair();
  const res = await exportFrom(vaultA, s.adminKey, {
    public_key: publicJwk,
    auth_config_ids: [s.configId],
  });
  assert.equal(res.status, 200, res.text);
  assert.match(String(res.headers['content-type']), /application\/x-ndjson/);
  const out = lines(res.text);
  assert.deepEqual(out.at(-1), { summary: { exported: 3, disabled: 3, left_out: 0 } });
  const records = [];
  for (const line of out.slice(0, -1)) {
    const { plaintext, protectedHeader } = await compactDecrypt(String(line.jwe), privateKey);
    assert.equal(protectedHeader.alg, 'ECDH-ES+A256KW');
    assert.equal(protectedHeader.enc, 'A256GCM');
    records.push(JSON.parse(new TextDecoder().decode(plaintext)));
  }
  assert.deepEqual(
    new Set(out.slice(0, -1).map((l) => l.connected_account_id)),
    new Set(accountIds),
  );
  assert.deepEqual(
    new Set(records.map((r) => r.external_id)),
    new Set(['nango-0', 'nango-1', flow.accountId]),
  );
  // The refresh tokens travel only encrypted: not in the answer's text, not in any log line.
  for (const r of records) {
    assertNowhere(r.refresh_token, [res.text, ...vaultA.logs], 'refresh token');
  }

  // A stops using them: DISABLED (exported), its token endpoint refuses, nothing refreshes there.
  for (const id of accountIds) {
    const acct = await vaultA.call('GET', `/v1/connected-accounts/${id}`, s.adminKey);
    assert.equal(acct.body.status, 'DISABLED');
    assert.equal(acct.body.status_reason, 'exported');
    const tok = await vaultA.call('POST', `/v1/connected-accounts/${id}/token`, s.adminKey, {});
    assert.equal(tok.status, 409, tok.text);
  }
  assert.equal(emu.counters().refreshes, 0);

  // B imports the records, its own config named for A's through config_map.
  const { adminKey: keyB } = await vaultB.newTenant();
  const cfgB = await vaultB.call(
    'POST',
    '/v1/auth-configs',
    keyB,
    atlassianConfig({ client_id: s.clientId, client_secret: s.clientSecret }),
  );
  assert.equal(cfgB.status, 201, cfgB.text);
  const intoB = await vaultB.call(
    'POST',
    `/v1/connected-accounts/import?config_map=${s.configId}=${cfgB.body.id}`,
    keyB,
    records,
  );
  assert.equal(intoB.status, 200, intoB.text);
  assert.equal(intoB.body.counts.imported, 3, intoB.text);
  // One refresh per grant (B's hand-off), no reuse of a spent token anywhere.
  const counters = emu.counters();
  assert.deepEqual(Object.values(counters.refreshesByFamily), [1, 1, 1]);
  assert.equal(counters.reuseOutsideLeeway + counters.reuseInsideLeeway, 0);
  for (const r of intoB.body.results) {
    const tok = await vaultB.call(
      'POST',
      `/v1/connected-accounts/${r.connected_account_id}/token`,
      keyB,
      {},
    );
    assert.equal(tok.status, 200, tok.text);
    assert.equal((await myself(tok.body)).status, 200);
  }
  const tagged = await vaultB.call('GET', '/v1/connected-accounts?tags=moving', keyB);
  assert.equal(tagged.body.data.length, 2);

  // A second export from A finds nothing ACTIVE left to hand over.
  const again = await exportFrom(vaultA, s.adminKey, { public_key: publicJwk });
  assert.deepEqual(lines(again.text), [{ summary: { exported: 0, disabled: 0, left_out: 0 } }]);
});

test('keep_active exports to an X25519 key and leaves the accounts ACTIVE', async () => {
  const s = await atlassianSetup(vaultA, emu);
  const flow = await runFlow(
    vaultA,
    emu,
    s.adminKey,
    { auth_config_id: s.configId, user_id: 'ada', return_url: RETURN_URL },
    { decision: 'approve', accountId: s.user.accountId },
  );
  const { publicJwk, privateKey } = await keyPair('X25519');
  const res = await exportFrom(vaultA, s.adminKey, {
    public_key: publicJwk,
    account_ids: [flow.accountId],
    keep_active: true,
  });
  assert.equal(res.status, 200, res.text);
  const out = lines(res.text);
  assert.equal(out.length, 2);
  const { plaintext } = await compactDecrypt(String(out[0]!.jwe), privateKey);
  assert.equal(JSON.parse(new TextDecoder().decode(plaintext)).user_id, 'ada');
  const acct = await vaultA.call('GET', `/v1/connected-accounts/${flow.accountId}`, s.adminKey);
  assert.equal(acct.body.status, 'ACTIVE');
});

test('an export refuses a private key, a foreign config, and more than its hourly rate', async () => {
  const a = await atlassianSetup(vaultA, emu);
  const other = await atlassianSetup(vaultA, emu);
  const { privateKey, publicJwk } = await keyPair();
  const privateJwk = await exportJWK(privateKey);
  const priv = await exportFrom(vaultA, a.adminKey, { public_key: privateJwk });
  assert.equal(priv.status, 400, priv.text);
  assert.equal(priv.body.code, 'private_key_supplied');
  assertNowhere(String(privateJwk.d), [priv.text, ...vaultA.logs], 'private key');
  const rsa = await exportFrom(vaultA, a.adminKey, {
    public_key: { kty: 'RSA', crv: 'none', x: 'AQAB' },
  });
  assert.equal(rsa.body.code, 'invalid_public_key', rsa.text);
  const foreign = await exportFrom(vaultA, a.adminKey, {
    public_key: publicJwk,
    auth_config_ids: [other.configId],
  });
  assert.equal(foreign.status, 404, foreign.text);

  // Vault B allows one export per tenant and hour.
  const { adminKey } = await vaultB.newTenant();
  assert.equal((await exportFrom(vaultB, adminKey, { public_key: publicJwk })).status, 200);
  const limited = await exportFrom(vaultB, adminKey, { public_key: publicJwk });
  assert.equal(limited.status, 429, limited.text);
  assert.equal(limited.body.code, 'rate_limited');
});

test('an account a refresher holds is left out of the export, counted, and stays ACTIVE', async () => {
  const s = await atlassianSetup(vaultA, emu);
  const flow = await runFlow(
    vaultA,
    emu,
    s.adminKey,
    { auth_config_id: s.configId, user_id: 'ada', return_url: RETURN_URL },
    { decision: 'approve', accountId: s.user.accountId },
  );
  const now = new Date();
  const held = await vaultA.deps.services.leases.acquire(
    s.tenantId,
    flow.accountId,
    'a-refresher',
    now,
    new Date(now.getTime() + 60_000),
  );
  assert.ok(held);
  const { publicJwk } = await keyPair();
  const res = await exportFrom(vaultA, s.adminKey, { public_key: publicJwk });
  assert.deepEqual(lines(res.text), [{ summary: { exported: 0, disabled: 0, left_out: 1 } }]);
  const acct = await vaultA.call('GET', `/v1/connected-accounts/${flow.accountId}`, s.adminKey);
  assert.equal(acct.body.status, 'ACTIVE');
});
