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

/** The value of one sample line, e.g. metric('cv_refreshes_total', {outcome: 'refreshed'}). */
async function metric(name: string, labels: Record<string, string> = {}) {
  const res = await fx.vault.app.inject({ method: 'GET', url: '/metrics' });
  assert.equal(res.statusCode, 200);
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const line = res.body
    .split('\n')
    .find((l) =>
      l.startsWith(`${name}{`) || l.startsWith(`${name} `)
        ? want.every((w) => l.includes(w))
        : false,
    );
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

test('metrics move with real traffic: token requests, latency, refreshes, accounts by status, lag', async () => {
  const { vault, emu } = fx;
  const s = await atlassianSetup(vault, emu);
  const run = await runFlow(
    vault,
    emu,
    s.adminKey,
    { auth_config_id: s.configId, user_id: 'm' },
    { decision: 'approve', accountId: s.user.accountId },
  );
  const before = {
    issued: await metric('cv_token_requests_total', { outcome: 'issued' }),
    refreshed: await metric('cv_token_requests_total', { outcome: 'refreshed' }),
    conflicts: await metric('cv_token_requests_total', { outcome: 'connected_account_not_active' }),
    count: await metric('cv_token_request_duration_seconds_count'),
    refreshes: await metric('cv_refreshes_total', { outcome: 'refreshed', provider: 'atlassian' }),
  };
  for (let i = 0; i < 3; i++)
    assert.equal(
      (await vault.call('POST', `/v1/connected-accounts/${run.accountId}/token`, s.adminKey))
        .status,
      200,
    );
  assert.equal(await metric('cv_token_requests_total', { outcome: 'issued' }), before.issued + 3);
  assert.ok((await metric('cv_connected_accounts', { status: 'ACTIVE' })) >= 1);

  // Due and not yet refreshed: lag shows; the worker's tick refreshes it and the lag drops to 0.
  const acct = (await vault.call('GET', `/v1/connected-accounts/${run.accountId}`, s.adminKey))
    .body;
  clock.set(new Date(new Date(acct.next_refresh_at).getTime() + 30_000));
  assert.ok((await metric('cv_refresh_lag_seconds')) >= 30);
  await vault.deps.services.worker.tick();
  assert.equal(await metric('cv_refresh_lag_seconds'), 0);
  assert.ok(
    (await metric('cv_refreshes_total', { outcome: 'refreshed', provider: 'atlassian' })) >=
      before.refreshes + 1,
  );

  clock.advance(3600);
  assert.equal(
    (await vault.call('POST', `/v1/connected-accounts/${run.accountId}/token`, s.adminKey)).body
      .refreshed,
    true,
  );
  assert.equal(
    await metric('cv_token_requests_total', { outcome: 'refreshed' }),
    before.refreshed + 1,
  );
  await vault.call('POST', `/v1/connected-accounts/${run.accountId}/disable`, s.adminKey);
  assert.equal(
    (await vault.call('POST', `/v1/connected-accounts/${run.accountId}/token`, s.adminKey)).status,
    409,
  );
  assert.equal(
    await metric('cv_token_requests_total', { outcome: 'connected_account_not_active' }),
    before.conflicts + 1,
  );
  assert.equal(await metric('cv_token_request_duration_seconds_count'), before.count + 5);
  assert.ok((await metric('cv_connected_accounts', { status: 'DISABLED' })) >= 1);
});
