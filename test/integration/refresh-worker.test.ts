import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { manualClock } from '../../src/lib/clock.ts';
import { tokenField } from '../../src/features/connected-accounts/service.ts';
import { atlassianSetup, runFlow, startFlowFixture } from '../helpers/flow.ts';

const clock = manualClock();
let fx: Awaited<ReturnType<typeof startFlowFixture>>;
before(async () => {
  // A short provider timeout so that the "timeout" fault is quick.
  fx = await startFlowFixture({ clock, env: { PROVIDER_TIMEOUT_MS: '300' } });
});
after(() => fx.close());

const worker = () => fx.vault.deps.services.worker;
const account = async (adminKey: string, id: string) =>
  (await fx.vault.call('GET', `/v1/connected-accounts/${id}`, adminKey)).body;

async function connected(appOverrides: { issueRefreshTokenOnRefresh?: boolean } = {}) {
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
  return { ...s, accountId: run.accountId };
}

/** Moves the vault's clock to just past the account's next_refresh_at. */
async function makeDue(adminKey: string, id: string) {
  const a = await account(adminKey, id);
  clock.set(new Date(new Date(a.next_refresh_at).getTime() + 1000));
  return a;
}

const storedRefreshToken = async (tenantId: string, id: string) => {
  const row = await fx.vault.deps.services.accounts.get(tenantId, id);
  return fx.vault.deps.services.dataKeys.decrypt(
    tokenField(tenantId, id, 'refresh_token'),
    row.refreshTokenEnc!,
  );
};

describe('refresh worker', () => {
  test('a due account is refreshed ahead of expiry; the rotated refresh token is stored', async () => {
    const s = await connected();
    const before = await makeDue(s.adminKey, s.accountId);
    const expiresAt = new Date(before.expires_at).getTime();
    const nextAt = new Date(before.next_refresh_at).getTime();
    assert.ok(
      expiresAt - nextAt >= 600_000 && expiresAt - nextAt <= 720_000,
      'window 600 s plus up to 20% jitter',
    );
    const rt0 = await storedRefreshToken(s.tenantId, s.accountId);
    const result = await worker().tick();
    assert.ok(result.refreshed >= 1);
    const after = await account(s.adminKey, s.accountId);
    assert.equal(after.status, 'ACTIVE');
    assert.ok(new Date(after.expires_at).getTime() > expiresAt);
    assert.ok(after.last_refreshed_at);
    assert.notEqual(await storedRefreshToken(s.tenantId, s.accountId), rt0);
    const again = await worker().tick();
    assert.equal(again.claimed, 0, 'nothing is due right after a refresh');
  });

  test('5xx, 429 with Retry-After and timeouts never change the status; they back off and recover', async () => {
    const s = await connected();
    for (const fault of [
      { status: 503 as const },
      { status: 429 as const, retryAfterSeconds: 120 },
      { latencyMs: 1500 },
    ]) {
      await makeDue(s.adminKey, s.accountId);
      // Every token request fails during this tick (other due accounts may be claimed too).
      fx.emu.setFaults({ target: 'token', ...fault });
      const t0 = clock.now().getTime();
      await worker().tick();
      fx.emu.clearFaults();
      const a = await account(s.adminKey, s.accountId);
      assert.equal(a.status, 'ACTIVE', JSON.stringify(fault));
      assert.equal(a.refresh_failures, 1);
      assert.equal(a.last_error_code, 'provider_unavailable');
      const wait = new Date(a.next_refresh_at).getTime() - t0;
      assert.ok(
        wait >= ('retryAfterSeconds' in fault ? 120_000 : 2_500),
        `backoff ${wait} ms for ${JSON.stringify(fault)}`,
      );
      clock.set(new Date(new Date(a.next_refresh_at).getTime() + 1000));
      await worker().tick();
      const ok = await account(s.adminKey, s.accountId);
      assert.deepEqual([ok.status, ok.refresh_failures, ok.last_error_code], ['ACTIVE', 0, null]);
    }
  });

  test('a revoked grant turns the account EXPIRED with refresh_token_invalid within one tick', async () => {
    const s = await connected();
    fx.emu.revokeGrant(s.user.accountId, s.clientId);
    await makeDue(s.adminKey, s.accountId);
    await worker().tick();
    const a = await account(s.adminKey, s.accountId);
    assert.deepEqual([a.status, a.status_reason], ['EXPIRED', 'refresh_token_invalid']);
    assert.equal(a.next_refresh_at, null);
    const tok = await fx.vault.call(
      'POST',
      `/v1/connected-accounts/${s.accountId}/token`,
      s.adminKey,
    );
    assert.deepEqual([tok.status, tok.body.status_reason], [409, 'refresh_token_invalid']);
  });

  test('a refresh response without a refresh token keeps the stored one', async () => {
    const s = await connected({ issueRefreshTokenOnRefresh: false });
    const rt0 = await storedRefreshToken(s.tenantId, s.accountId);
    for (let i = 0; i < 2; i++) {
      await makeDue(s.adminKey, s.accountId);
      const r = await worker().tick();
      assert.ok(r.refreshed >= 1);
      assert.equal(await storedRefreshToken(s.tenantId, s.accountId), rt0);
    }
    assert.equal((await account(s.adminKey, s.accountId)).status, 'ACTIVE');
  });

  test('the refresh family’s absolute expiry ends the account with consent_expired, without calling the provider', async () => {
    const s = await connected();
    const a = await account(s.adminKey, s.accountId);
    const before = fx.emu.counters().tokenRequests;
    clock.set(new Date(new Date(a.family_expires_at).getTime() + 1000));
    await worker().tick();
    const after = await account(s.adminKey, s.accountId);
    assert.deepEqual([after.status, after.status_reason], ['EXPIRED', 'consent_expired']);
    assert.equal(fx.emu.counters().tokenRequests, before);
  });
});
