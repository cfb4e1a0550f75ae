import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { atlassianSetup, runFlow } from '../helpers/flow.ts';
import { ownFlowFixture, refreshesPerFamily } from '../helpers/own-fixture.ts';

// Each test owns its vault, emulator and clock, and connects one account, so every emulator
// counter is that account's. Both clocks move together: the emulator's refresh tokens die after
// 90 days unused, and its access tokens after an hour, by its own clock.
type Fx = Awaited<ReturnType<typeof ownFlowFixture>>;
const H = 3600;
const DAY = 24 * H;

const advance = (fx: Fx, seconds: number) => {
  fx.clock.advance(seconds);
  fx.emu.clock.advance(seconds);
};
const tick = (fx: Fx) => fx.vault.deps.services.worker.tick();
const refreshes = (fx: Fx) => refreshesPerFamily(fx.emu)[0] ?? 0;

async function connected(fx: Fx, policy?: 'always') {
  const s = await atlassianSetup(fx.vault, fx.emu);
  if (policy) {
    const p = await fx.vault.call('PATCH', `/v1/auth-configs/${s.configId}`, s.adminKey, {
      refresh_policy: policy,
    });
    assert.equal(p.status, 200, p.text);
    assert.equal(p.body.refresh_policy, policy);
  }
  const run = await runFlow(
    fx.vault,
    fx.emu,
    s.adminKey,
    { auth_config_id: s.configId, user_id: 'u' },
    { decision: 'approve', accountId: s.user.accountId },
  );
  assert.equal(run.final.status, 200, run.final.text);
  return { ...s, accountId: run.accountId };
}
type Setup = Awaited<ReturnType<typeof connected>>;

const account = async (fx: Fx, s: Setup) => {
  const res = await fx.vault.call('GET', `/v1/connected-accounts/${s.accountId}`, s.adminKey);
  assert.equal(res.status, 200, res.text);
  return res.body;
};
const token = async (fx: Fx, s: Setup, minTtl = 60) => {
  const res = await fx.vault.call(
    'POST',
    `/v1/connected-accounts/${s.accountId}/token`,
    s.adminKey,
    { min_ttl: minTtl },
  );
  assert.equal(res.status, 200, res.text);
  return res.body;
};
/** The audit flush, which records uses (a timer runs it every second; tests do not wait). */
const flush = (fx: Fx) => fx.vault.deps.services.auditWriter.flush();

/** Hourly worker ticks for `hours` hours; the emulator's refresh count when done. */
async function hourly(fx: Fx, hours: number) {
  for (let i = 0; i < hours; i++) {
    advance(fx, H);
    await tick(fx);
  }
  return refreshes(fx);
}

/** Moves both clocks to just past the account's next_refresh_at and ticks. */
async function untilDue(fx: Fx, s: Setup) {
  const a = await account(fx, s);
  const wait = (new Date(a.next_refresh_at).getTime() - fx.clock.now().getTime()) / 1000 + 1;
  advance(fx, Math.max(wait, 0));
  return tick(fx);
}

describe('use-driven refresh', () => {
  test('an unused account goes idle: not refreshed for hours, then its first token request refreshes it once', async (t) => {
    const fx = await ownFlowFixture(t);
    const s = await connected(fx);
    // Connecting counts as warm: the first refresh ahead happens; nobody used it, so it is the last.
    assert.equal((await untilDue(fx, s)).refreshed, 1);
    assert.equal(refreshes(fx), 1);
    const idle = await account(fx, s);
    assert.equal(idle.last_used_at, null);
    const keepAlive = new Date(idle.next_refresh_at).getTime() - fx.clock.now().getTime();
    assert.ok(keepAlive > 26 * DAY * 1000 && keepAlive <= 30 * DAY * 1000, `${keepAlive} ms`);
    // Twelve hours of ticks: the token expires after one, and nothing refreshes it.
    assert.equal(await hourly(fx, 12), 1);
    // The first request finds an expired token and refreshes it, once; the next one is served.
    const first = await token(fx, s);
    assert.equal(first.refreshed, true);
    assert.equal((await token(fx, s)).refreshed, false);
    assert.equal(refreshes(fx), 2);
    // The use is recorded by the flush: the account is warm again, due ahead of its expiry.
    await flush(fx);
    const warm = await account(fx, s);
    assert.equal(warm.last_used_at, fx.clock.now().toISOString());
    const ahead = new Date(warm.expires_at).getTime() - new Date(warm.next_refresh_at).getTime();
    assert.ok(ahead >= 600_000 && ahead <= 720_000, `${ahead} ms ahead`);
  });

  test('an idle account is kept alive every ~30 days, past the 90-day inactivity limit', async (t) => {
    const fx = await ownFlowFixture(t);
    const s = await connected(fx);
    await untilDue(fx, s);
    assert.equal(refreshes(fx), 1);
    // Four keep-alives: about 120 days with no use, each refresh 27–30 days after the last.
    for (let i = 0; i < 4; i++) {
      const before = fx.clock.now().getTime();
      assert.equal((await untilDue(fx, s)).refreshed, 1, `keep-alive ${i + 1}`);
      const gap = fx.clock.now().getTime() - before;
      assert.ok(gap > 26 * DAY * 1000 && gap <= 30 * DAY * 1000 + 1000, `gap ${gap} ms`);
    }
    assert.equal(refreshes(fx), 5);
    const a = await account(fx, s);
    assert.equal(a.status, 'ACTIVE');
    // The grant is alive at the provider: a token request refreshes with it and is served.
    advance(fx, 2 * H);
    assert.equal((await token(fx, s)).refreshed, true);
  });

  test('a used account is refreshed ahead of every expiry, until it has been idle for REFRESH_WARM_HOURS', async (t) => {
    const fx = await ownFlowFixture(t, { env: { REFRESH_WARM_HOURS: '3' } });
    const s = await connected(fx);
    await token(fx, s);
    await flush(fx);
    // Used now: each hourly expiry is refreshed ahead by the worker, with no one asking.
    let n = 0;
    for (let i = 0; i < 3; i++) {
      assert.equal((await untilDue(fx, s)).refreshed, 1, `refresh ahead ${i + 1}`);
      n++;
      const a = await account(fx, s);
      const ahead = new Date(a.expires_at).getTime() - new Date(a.next_refresh_at).getTime();
      assert.ok(ahead >= 600_000, `due ${ahead} ms before expiry`);
    }
    assert.equal(refreshes(fx), n);
    // Three hours after the last use it has gone idle: the next refresh is the keep-alive.
    const after = await hourly(fx, 6);
    assert.ok(after <= n + 1, `${after - n} refreshes after the warm window`);
    const idle = await account(fx, s);
    assert.ok(
      new Date(idle.next_refresh_at).getTime() - fx.clock.now().getTime() > 20 * DAY * 1000,
    );
  });

  test('refresh_policy always keeps refreshing every account ahead; switching to it wakes idle ones', async (t) => {
    const fx = await ownFlowFixture(t);
    const s = await connected(fx, 'always');
    for (let i = 0; i < 3; i++) assert.equal((await untilDue(fx, s)).refreshed, 1);
    assert.equal(await hourly(fx, 24), 3 + 24, 'one refresh per hourly token, unused');
    assert.equal((await account(fx, s)).status, 'ACTIVE');

    const fy = await ownFlowFixture(t);
    const o = await connected(fy);
    await untilDue(fy, o);
    const idle = await account(fy, o);
    assert.ok(new Date(idle.next_refresh_at) > new Date(idle.expires_at), 'idle schedule');
    const p = await fy.vault.call('PATCH', `/v1/auth-configs/${o.configId}`, o.adminKey, {
      refresh_policy: 'always',
    });
    assert.equal(p.status, 200, p.text);
    const woke = await account(fy, o);
    assert.ok(new Date(woke.next_refresh_at) < new Date(woke.expires_at), 'due ahead of expiry');
    assert.equal((await untilDue(fy, o)).refreshed, 1);
  });
});
