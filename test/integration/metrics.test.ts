import assert from 'node:assert/strict';
import { test } from 'node:test';
import { atlassianSetup, runFlow } from '../helpers/flow.ts';
import { readMetrics } from '../helpers/metrics.ts';
import { ownFlowFixture } from '../helpers/own-fixture.ts';

// The vault (and so its metrics registry), the emulator and the clock belong to this test: every
// counter starts at zero here, so the values asserted are this test's traffic and nothing else.
test('metrics move with real traffic: token requests, latency, refreshes, accounts by status, lag', async (t) => {
  const { vault, emu, clock } = await ownFlowFixture(t);
  const s = await atlassianSetup(vault, emu);
  const run = await runFlow(
    vault,
    emu,
    s.adminKey,
    { auth_config_id: s.configId, user_id: 'm' },
    { decision: 'approve', accountId: s.user.accountId },
  );
  const start = await readMetrics(vault);
  start.assertFamilies(
    'cv_token_requests_total',
    'cv_token_request_duration_seconds',
    'cv_refreshes_total',
    'cv_connected_accounts',
    'cv_refresh_lag_seconds',
  );
  assert.equal(start.families.get('cv_token_requests_total'), 'counter');
  assert.equal(start.families.get('cv_token_request_duration_seconds'), 'histogram');
  assert.equal(start.families.get('cv_connected_accounts'), 'gauge');
  start.assertNoSample('cv_token_requests_total', { outcome: 'issued' });
  start.assertNoSample('cv_refreshes_total', { outcome: 'refreshed' });
  assert.equal(start.value('cv_token_request_duration_seconds_count'), 0);
  assert.equal(start.value('cv_connected_accounts', { status: 'ACTIVE' }), 1);
  assert.equal(start.value('cv_refresh_lag_seconds'), 0, 'nothing is due yet');

  for (let i = 0; i < 3; i++)
    assert.equal(
      (await vault.call('POST', `/v1/connected-accounts/${run.accountId}/token`, s.adminKey))
        .status,
      200,
    );
  const served = await readMetrics(vault);
  assert.equal(served.value('cv_token_requests_total', { outcome: 'issued' }), 3);
  served.assertNoSample('cv_token_requests_total', { outcome: 'refreshed' });
  assert.equal(served.value('cv_token_request_duration_seconds_count'), 3);

  // Due and not yet refreshed: lag shows; the worker's tick refreshes it and the lag drops to 0.
  const acct = (await vault.call('GET', `/v1/connected-accounts/${run.accountId}`, s.adminKey))
    .body;
  clock.set(new Date(new Date(acct.next_refresh_at).getTime() + 30_000));
  assert.equal((await readMetrics(vault)).value('cv_refresh_lag_seconds'), 30);
  assert.equal((await vault.deps.services.worker.tick()).refreshed, 1);
  const ticked = await readMetrics(vault);
  assert.equal(ticked.value('cv_refresh_lag_seconds'), 0);
  assert.equal(
    ticked.value('cv_refreshes_total', { outcome: 'refreshed', provider: 'atlassian' }),
    1,
  );
  assert.equal(emu.counters().refreshes, 1);

  clock.advance(3600);
  assert.equal(
    (await vault.call('POST', `/v1/connected-accounts/${run.accountId}/token`, s.adminKey)).body
      .refreshed,
    true,
  );
  const refreshed = await readMetrics(vault);
  assert.equal(refreshed.value('cv_token_requests_total', { outcome: 'refreshed' }), 1);
  assert.equal(refreshed.value('cv_token_requests_total', { outcome: 'issued' }), 3);
  assert.equal(
    refreshed.value('cv_refreshes_total', { outcome: 'refreshed', provider: 'atlassian' }),
    2,
  );
  await vault.call('POST', `/v1/connected-accounts/${run.accountId}/disable`, s.adminKey);
  assert.equal(
    (await vault.call('POST', `/v1/connected-accounts/${run.accountId}/token`, s.adminKey)).status,
    409,
  );
  const end = await readMetrics(vault);
  assert.equal(
    end.value('cv_token_requests_total', { outcome: 'connected_account_not_active' }),
    1,
  );
  assert.equal(end.value('cv_token_request_duration_seconds_count'), 5);
  assert.equal(end.value('cv_connected_accounts', { status: 'DISABLED' }), 1);
  end.assertNoSample('cv_connected_accounts', { status: 'ACTIVE' });
});
