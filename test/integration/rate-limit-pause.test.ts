import assert from 'node:assert/strict';
import { test } from 'node:test';
import { atlassianSetup, runFlow } from '../helpers/flow.ts';
import { ownFlowFixture } from '../helpers/own-fixture.ts';
import { startTestVault, testMasterKey } from '../helpers/vault.ts';

// Two vault instances (two workers) on one database, one Atlassian app at the emulator, whose
// token endpoint answers 429 for a minute. Each instance sends at most REFRESH_APP_CONCURRENCY
// calls before the first 429 pauses the app for both.
const PER_APP = 2;
const ACCOUNTS = 16;

test('a 429 storm from the token endpoint pauses the app across two workers, then it recovers', async (t) => {
  // One master key for both: they share the tenants' sealed data keys.
  const env = { REFRESH_APP_CONCURRENCY: String(PER_APP), VAULT_MASTER_KEYS: testMasterKey() };
  const fx = await ownFlowFixture(t, { env });
  const b = await startTestVault({
    shareDatabaseOf: fx.vault,
    clock: fx.clock,
    env: { ...env, ATLASSIAN_AUTH_URL: fx.emu.url, ATLASSIAN_API_URL: fx.emu.url },
  });
  t.after(() => b.close());
  const advance = (seconds: number) => {
    fx.clock.advance(seconds);
    fx.emu.clock.advance(seconds);
  };
  const s = await atlassianSetup(fx.vault, fx.emu);
  const ids: string[] = [];
  for (let i = 0; i < ACCOUNTS; i++) {
    const run = await runFlow(
      fx.vault,
      fx.emu,
      s.adminKey,
      { auth_config_id: s.configId, user_id: `u${i}` },
      { decision: 'approve', accountId: s.user.accountId },
    );
    assert.equal(run.final.status, 200, run.final.text);
    ids.push(run.accountId);
  }
  const get = async (id: string) =>
    (await fx.vault.call('GET', `/v1/connected-accounts/${id}`, s.adminKey)).body;
  // Every account due: just past the latest next_refresh_at (5–10 minutes of its token left).
  const due = Math.max(
    ...(await Promise.all(ids.map(async (id) => Date.parse((await get(id)).next_refresh_at)))),
  );
  advance((due - fx.clock.now().getTime()) / 1000 + 1);

  fx.emu.setFaults({ target: 'token', status: 429, retryAfterSeconds: 60 });
  const faulted = () => fx.emu.counters().faultsInjected;
  const ticks = () =>
    Promise.all([fx.vault.deps.services.worker.tick(), b.deps.services.worker.tick()]);
  const [ta, tb] = await ticks();
  assert.equal(ta.claimed + tb.claimed, ACCOUNTS, 'both workers found every account due');
  const calls = faulted();
  assert.ok(calls >= 1 && calls <= 2 * PER_APP, `${calls} token-endpoint calls in the storm`);
  const cfg = await b.call('GET', `/v1/auth-configs/${s.configId}`, s.adminKey);
  const pausedUntil = Date.parse(cfg.body.refresh_paused_until);
  assert.equal(pausedUntil, fx.clock.now().getTime() + 60_000, 'paused for the Retry-After');
  for (const id of ids) {
    const a = await get(id);
    assert.equal(a.status, 'ACTIVE');
    assert.ok(Date.parse(a.next_refresh_at) >= pausedUntil, 'each account waits out the pause');
  }

  // 20 s into the storm: the other instance, asked for a token that needs a refresh, sends
  // nothing and answers 503 with Retry-After; a token that suffices is still served.
  advance(20);
  const short = await b.call('POST', `/v1/connected-accounts/${ids[0]}/token`, s.adminKey, {
    min_ttl: 900,
  });
  assert.equal(short.status, 503, short.text);
  assert.equal(short.body.code, 'provider_unavailable');
  assert.ok(
    Number(short.headers['retry-after']) >= 30,
    `Retry-After ${short.headers['retry-after']}`,
  );
  const fine = await b.call('POST', `/v1/connected-accounts/${ids[1]}/token`, s.adminKey, {
    min_ttl: 60,
  });
  assert.equal(fine.status, 200, fine.text);
  assert.equal(fine.body.refreshed, false);
  await ticks();
  assert.equal(faulted(), calls, 'no call while the app is paused');

  // The storm ends with the minute; the pause runs out and the accounts are refreshed.
  advance(41);
  fx.emu.clearFaults();
  advance(60); // past the spread of the accounts' retries (at most a tenth of the pause)
  const refreshesBefore = fx.emu.counters().refreshes;
  const [ra, rb] = await ticks();
  assert.equal(ra.refreshed + rb.refreshed, ACCOUNTS);
  assert.equal(fx.emu.counters().refreshes - refreshesBefore, ACCOUNTS);
  assert.equal(faulted(), calls, 'no call was answered 429 after the storm');
  for (const id of ids) {
    const a = await get(id);
    assert.deepEqual([a.status, a.refresh_failures], ['ACTIVE', 0]);
  }
});
