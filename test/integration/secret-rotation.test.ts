import assert from 'node:assert/strict';
import { test } from 'node:test';
import { atlassianSetup, runFlow } from '../helpers/flow.ts';
import { ownFlowFixture } from '../helpers/own-fixture.ts';

// Each test owns its vault, emulator and clock: the emulator's token requests counted below are
// this test's refreshes and exchanges, which is how "the previous secret was (not) tried" shows.

test('client-secret rotation with overlap: falls back to the previous secret and reports which works', async (t) => {
  const { vault, emu, clock } = await ownFlowFixture(t);
  const s = await atlassianSetup(vault, emu);
  const run = await runFlow(
    vault,
    emu,
    s.adminKey,
    { auth_config_id: s.configId, user_id: 'r' },
    { decision: 'approve', accountId: s.user.accountId },
  );
  const registerAtAtlassian = (secret: string) =>
    emu.addApp({
      clientId: s.clientId,
      clientSecret: secret,
      name: 'app',
      callbackUrl: s.callbackUrl,
      scopes: ['read:jira-work', 'read:jira-user'],
    });
  /** Makes the account due and ticks; returns it, and how many token requests the tick sent. */
  const refreshNow = async () => {
    const a = (await vault.call('GET', `/v1/connected-accounts/${run.accountId}`, s.adminKey)).body;
    const due = new Date(a.next_refresh_at).getTime() + 1000;
    clock.set(new Date(Math.max(due, clock.now().getTime())));
    const sent = emu.counters().tokenRequests;
    const tick = await vault.deps.services.worker.tick();
    assert.equal(tick.claimed, 1, 'the account was due');
    const after = (await vault.call('GET', `/v1/connected-accounts/${run.accountId}`, s.adminKey))
      .body;
    return Object.assign(after, { tokenRequests: emu.counters().tokenRequests - sent });
  };
  const config = async () =>
    (await vault.call('GET', `/v1/auth-configs/${s.configId}`, s.adminKey)).body.client_secret;

  // The admin rotates in the vault first; Atlassian still knows only the old secret.
  const newSecret = `${s.clientSecret}-new`;
  const rotated = await vault.call('PATCH', `/v1/auth-configs/${s.configId}`, s.adminKey, {
    client_secret: newSecret,
  });
  assert.equal(rotated.body.client_secret.last4, newSecret.slice(-4));
  assert.equal(rotated.body.client_secret.previous.last4, s.clientSecret.slice(-4));
  assert.equal(rotated.body.client_secret.working, null);
  let a = await refreshNow();
  assert.deepEqual([a.status, a.refresh_failures, a.last_error_code], ['ACTIVE', 0, null]);
  assert.equal(a.tokenRequests, 2, 'the new secret was refused, the previous one worked');
  assert.equal((await config()).working, 'previous');

  // Atlassian gets the new secret: the current one works again.
  registerAtAtlassian(newSecret);
  a = await refreshNow();
  assert.equal(a.refresh_failures, 0);
  assert.equal(a.tokenRequests, 1, 'the current secret worked at once');
  assert.equal((await config()).working, 'current');

  // A wrong secret rotated in without overlap: the refresh fails as a client problem, the account stays ACTIVE.
  const typo = await vault.call('PATCH', `/v1/auth-configs/${s.configId}`, s.adminKey, {
    client_secret: 'typo',
    previous_secret_overlap_seconds: 0,
  });
  assert.equal(typo.status, 200, typo.text);
  assert.equal((await config()).previous, null);
  a = await refreshNow();
  assert.deepEqual(
    [a.status, a.refresh_failures, a.last_error_code],
    ['ACTIVE', 1, 'client_credentials_invalid'],
  );
  assert.equal(a.tokenRequests, 1, 'no previous secret to fall back to');

  // Once the overlap window has passed, the previous secret is no longer tried.
  for (const body of [
    { client_secret: newSecret },
    { client_secret: 'another-typo', previous_secret_overlap_seconds: 60 },
  ]) {
    const res = await vault.call('PATCH', `/v1/auth-configs/${s.configId}`, s.adminKey, body);
    assert.equal(res.status, 200, res.text);
  }
  assert.equal((await config()).previous.last4, newSecret.slice(-4), 'the working one is previous');
  clock.advance(120);
  a = await refreshNow();
  // Inside the overlap the previous (registered) secret would have refreshed it.
  assert.deepEqual(
    [a.status, a.refresh_failures, a.last_error_code],
    ['ACTIVE', 2, 'client_credentials_invalid'],
  );
  assert.equal(a.tokenRequests, 1, 'the expired previous secret was not tried');
  assert.equal(
    (
      await vault.call('PATCH', `/v1/auth-configs/${s.configId}`, s.adminKey, {
        previous_secret_overlap_seconds: 5,
      })
    ).status,
    400,
  );
});

test('the connect flow’s code exchange also falls back to the previous secret inside the overlap', async (t) => {
  const { vault, emu } = await ownFlowFixture(t);
  const s = await atlassianSetup(vault, emu);
  const patched = await vault.call('PATCH', `/v1/auth-configs/${s.configId}`, s.adminKey, {
    client_secret: `${s.clientSecret}-not-yet-registered`,
  });
  assert.equal(patched.status, 200, patched.text);
  const run = await runFlow(
    vault,
    emu,
    s.adminKey,
    { auth_config_id: s.configId, user_id: 'c' },
    { decision: 'approve', accountId: s.user.accountId },
  );
  assert.equal(
    (await vault.call('GET', `/v1/connected-accounts/${run.accountId}`, s.adminKey)).body.status,
    'ACTIVE',
  );
  assert.deepEqual(
    [emu.counters().tokenRequests, emu.counters().codeExchanges],
    [2, 1],
    'the new secret was refused, the previous one redeemed the code',
  );
  assert.equal(
    (await vault.call('GET', `/v1/auth-configs/${s.configId}`, s.adminKey)).body.client_secret
      .working,
    'previous',
  );
});
