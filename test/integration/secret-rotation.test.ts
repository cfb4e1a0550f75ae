import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { manualClock } from '../../src/lib/clock.ts';
import { atlassianSetup, runFlow, startFlowFixture } from '../helpers/flow.ts';

const clock = manualClock();
let fx: Awaited<ReturnType<typeof startFlowFixture>>;
before(async () => {
  fx = await startFlowFixture({ clock });
});
after(() => fx.close());

test('client-secret rotation with overlap: falls back to the previous secret and reports which works', async () => {
  const { vault, emu } = fx;
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
  const refreshNow = async () => {
    const a = (await vault.call('GET', `/v1/connected-accounts/${run.accountId}`, s.adminKey)).body;
    const due = new Date(a.next_refresh_at).getTime() + 1000;
    clock.set(new Date(Math.max(due, clock.now().getTime())));
    await vault.deps.services.worker.tick();
    return (await vault.call('GET', `/v1/connected-accounts/${run.accountId}`, s.adminKey)).body;
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
  assert.equal((await config()).working, 'previous');

  // Atlassian gets the new secret: the current one works again.
  registerAtAtlassian(newSecret);
  a = await refreshNow();
  assert.equal(a.refresh_failures, 0);
  assert.equal((await config()).working, 'current');

  // A wrong secret rotated in without overlap: the refresh fails as a client problem, the account stays ACTIVE.
  await vault.call('PATCH', `/v1/auth-configs/${s.configId}`, s.adminKey, {
    client_secret: 'typo',
    previous_secret_overlap_seconds: 0,
  });
  assert.equal((await config()).previous, null);
  a = await refreshNow();
  assert.deepEqual(
    [a.status, a.refresh_failures, a.last_error_code],
    ['ACTIVE', 1, 'client_credentials_invalid'],
  );

  // Once the overlap window has passed, the previous secret is no longer tried.
  await vault.call('PATCH', `/v1/auth-configs/${s.configId}`, s.adminKey, {
    client_secret: newSecret,
  });
  await vault.call('PATCH', `/v1/auth-configs/${s.configId}`, s.adminKey, {
    client_secret: 'another-typo',
    previous_secret_overlap_seconds: 60,
  });
  clock.advance(120);
  a = await refreshNow();
  assert.equal(a.last_error_code, 'client_credentials_invalid');
  assert.equal(
    (
      await vault.call('PATCH', `/v1/auth-configs/${s.configId}`, s.adminKey, {
        previous_secret_overlap_seconds: 5,
      })
    ).status,
    400,
  );
});

test('the connect flow’s code exchange also falls back to the previous secret inside the overlap', async () => {
  const { vault, emu } = fx;
  const s = await atlassianSetup(vault, emu);
  await vault.call('PATCH', `/v1/auth-configs/${s.configId}`, s.adminKey, {
    client_secret: `${s.clientSecret}-not-yet-registered`,
  });
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
  assert.equal(
    (await vault.call('GET', `/v1/auth-configs/${s.configId}`, s.adminKey)).body.client_secret
      .working,
    'previous',
  );
});
