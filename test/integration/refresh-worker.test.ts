import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { accountField } from '../../src/schemes/sealed.ts';
import { atlassianSetup, runFlow } from '../helpers/flow.ts';
import { ownFlowFixture, refreshesPerFamily } from '../helpers/own-fixture.ts';

// Every test owns its vault, emulator and clock, and connects one account: each tick's result and
// each emulator counter is that account's and nothing else's, so the counts are exact.
type Fx = Awaited<ReturnType<typeof ownFlowFixture>>;

// A short provider timeout so that the "timeout" fault is quick.
const worker = (t: Parameters<typeof ownFlowFixture>[0]) =>
  ownFlowFixture(t, { env: { PROVIDER_TIMEOUT_MS: '300' } });

const account = async (fx: Fx, adminKey: string, id: string) => {
  const res = await fx.vault.call('GET', `/v1/connected-accounts/${id}`, adminKey);
  assert.equal(res.status, 200, res.text);
  return res.body;
};
const tick = (fx: Fx) => fx.vault.deps.services.worker.tick();
const NOTHING = { claimed: 0, refreshed: 0, failed: 0, expired: 0, lost: 0 };

async function connected(fx: Fx, appOverrides: { issueRefreshTokenOnRefresh?: boolean } = {}) {
  const s = await atlassianSetup(fx.vault, fx.emu);
  if (Object.keys(appOverrides).length) {
    fx.emu.addApp({
      clientId: s.clientId,
      clientSecret: s.clientSecret,
      name: 'app',
      callbackUrl: s.callbackUrl,
      scopes: ['read:jira-work', 'read:jira-user'],
      ...appOverrides,
    });
  }
  const run = await runFlow(
    fx.vault,
    fx.emu,
    s.adminKey,
    { auth_config_id: s.configId, user_id: 'w' },
    { decision: 'approve', accountId: s.user.accountId },
  );
  assert.equal(run.final.status, 200, run.final.text);
  assert.equal((await account(fx, s.adminKey, run.accountId)).status, 'ACTIVE');
  return { ...s, accountId: run.accountId };
}

/** Moves the vault's clock to just past the account's next_refresh_at. */
async function makeDue(fx: Fx, adminKey: string, id: string) {
  const a = await account(fx, adminKey, id);
  fx.clock.set(new Date(new Date(a.next_refresh_at).getTime() + 1000));
  return a;
}

const storedRefreshToken = async (fx: Fx, tenantId: string, id: string) => {
  const row = await fx.vault.deps.services.accounts.get(tenantId, id);
  return fx.vault.deps.services.dataKeys.decrypt(
    accountField(tenantId, id, 'refresh_token'),
    row.refreshTokenEnc!,
  );
};

describe('refresh worker', () => {
  test('a due account is refreshed ahead of expiry; the rotated refresh token is stored', async (t) => {
    const fx = await worker(t);
    const s = await connected(fx);
    assert.deepEqual(await tick(fx), NOTHING, 'nothing is due right after connecting');
    const before = await makeDue(fx, s.adminKey, s.accountId);
    const expiresAt = new Date(before.expires_at).getTime();
    const nextAt = new Date(before.next_refresh_at).getTime();
    assert.ok(
      expiresAt - nextAt >= 600_000 && expiresAt - nextAt <= 720_000,
      'window 600 s plus up to 20% jitter',
    );
    const rt0 = await storedRefreshToken(fx, s.tenantId, s.accountId);
    assert.deepEqual(await tick(fx), { ...NOTHING, claimed: 1, refreshed: 1 });
    assert.deepEqual(refreshesPerFamily(fx.emu), [1]);
    const after = await account(fx, s.adminKey, s.accountId);
    assert.equal(after.status, 'ACTIVE');
    assert.ok(new Date(after.expires_at).getTime() > expiresAt);
    assert.ok(after.last_refreshed_at);
    assert.notEqual(await storedRefreshToken(fx, s.tenantId, s.accountId), rt0);
    const again = await tick(fx);
    assert.equal(again.claimed, 0, 'nothing is due right after a refresh');
    assert.deepEqual(refreshesPerFamily(fx.emu), [1]);
  });

  test('5xx, 429 with Retry-After and timeouts never change the status; they back off and recover', async (t) => {
    const fx = await worker(t);
    const s = await connected(fx);
    let refreshes = 0;
    for (const fault of [
      { status: 503 as const },
      { status: 429 as const, retryAfterSeconds: 120 },
      { latencyMs: 1500 },
    ]) {
      await makeDue(fx, s.adminKey, s.accountId);
      fx.emu.setFaults({ target: 'token', ...fault });
      const t0 = fx.clock.now().getTime();
      const failed = await tick(fx);
      fx.emu.clearFaults();
      assert.deepEqual(failed, { ...NOTHING, claimed: 1, failed: 1 }, JSON.stringify(fault));
      const a = await account(fx, s.adminKey, s.accountId);
      assert.equal(a.status, 'ACTIVE', JSON.stringify(fault));
      assert.equal(a.refresh_failures, 1);
      assert.equal(a.last_error_code, 'provider_unavailable');
      const wait = new Date(a.next_refresh_at).getTime() - t0;
      assert.ok(
        wait >= ('retryAfterSeconds' in fault ? 120_000 : 2_500),
        `backoff ${wait} ms for ${JSON.stringify(fault)}`,
      );
      fx.clock.set(new Date(new Date(a.next_refresh_at).getTime() + 1000));
      assert.deepEqual(await tick(fx), { ...NOTHING, claimed: 1, refreshed: 1 });
      // A 503/429 is answered before the emulator looks at the grant: only the recovery refreshed.
      // A slow answer is still served after the vault gave up on it, so it may count once more.
      const served = fx.emu.counters().refreshes - refreshes;
      const allowed = 'latencyMs' in fault ? [1, 2] : [1];
      assert.ok(allowed.includes(served), `${served} refreshes for ${JSON.stringify(fault)}`);
      refreshes += served;
      const ok = await account(fx, s.adminKey, s.accountId);
      assert.deepEqual([ok.status, ok.refresh_failures, ok.last_error_code], ['ACTIVE', 0, null]);
    }
  });

  test('a revoked grant turns the account EXPIRED with refresh_token_invalid within one tick', async (t) => {
    const fx = await worker(t);
    const s = await connected(fx);
    fx.emu.revokeGrant(s.user.accountId, s.clientId);
    await makeDue(fx, s.adminKey, s.accountId);
    assert.deepEqual(await tick(fx), { ...NOTHING, claimed: 1, expired: 1 });
    const a = await account(fx, s.adminKey, s.accountId);
    assert.deepEqual([a.status, a.status_reason], ['EXPIRED', 'refresh_token_invalid']);
    assert.equal(a.next_refresh_at, null);
    assert.equal(fx.emu.counters().refreshes, 0);
    const tok = await fx.vault.call(
      'POST',
      `/v1/connected-accounts/${s.accountId}/token`,
      s.adminKey,
    );
    assert.deepEqual([tok.status, tok.body.status_reason], [409, 'refresh_token_invalid']);
  });

  test('a refresh response without a refresh token keeps the stored one', async (t) => {
    const fx = await worker(t);
    const s = await connected(fx, { issueRefreshTokenOnRefresh: false });
    const rt0 = await storedRefreshToken(fx, s.tenantId, s.accountId);
    for (let i = 1; i <= 2; i++) {
      await makeDue(fx, s.adminKey, s.accountId);
      assert.deepEqual(await tick(fx), { ...NOTHING, claimed: 1, refreshed: 1 });
      assert.deepEqual(refreshesPerFamily(fx.emu), [i]);
      assert.equal(await storedRefreshToken(fx, s.tenantId, s.accountId), rt0);
    }
    assert.equal((await account(fx, s.adminKey, s.accountId)).status, 'ACTIVE');
  });

  test('the refresh family’s absolute expiry ends the account with consent_expired, without calling the provider', async (t) => {
    const fx = await worker(t);
    const s = await connected(fx);
    const a = await account(fx, s.adminKey, s.accountId);
    const before = fx.emu.counters().tokenRequests;
    assert.equal(before, 1, 'the code exchange');
    fx.clock.set(new Date(new Date(a.family_expires_at).getTime() + 1000));
    assert.deepEqual(await tick(fx), { ...NOTHING, claimed: 1, expired: 1 });
    const after = await account(fx, s.adminKey, s.accountId);
    assert.deepEqual([after.status, after.status_reason], ['EXPIRED', 'consent_expired']);
    assert.equal(fx.emu.counters().tokenRequests, before);
  });
});
