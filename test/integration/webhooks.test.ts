import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import { atlassianSetup, runFlow } from '../helpers/flow.ts';
import { ownFlowFixture } from '../helpers/own-fixture.ts';
import { startWebhookReceiver } from '../helpers/webhook-receiver.ts';

/**
 * Every test owns its vault, emulator, clock and webhook receiver: what the receiver got, and the
 * signatures it refused, come from this test's endpoints only.
 */
async function world(t: TestContext) {
  const fx = await ownFlowFixture(t, { env: { ALLOW_PRIVATE_EGRESS: 'true' } });
  const rx = await startWebhookReceiver(t);
  const typesFor = (accountId: string) =>
    rx.received.filter((r) => r.data.connected_account_id === accountId).map((r) => r.type);
  return {
    ...fx,
    rx,
    typesFor,
    deliver: () => fx.vault.deps.services.webhooks.tick(),
    tickWorker: () => fx.vault.deps.services.worker.tick(),
  };
}

describe('lifecycle events and webhooks', () => {
  test('each change is delivered once, signed; a receiver that was down gets it later; replay resends', async (t) => {
    const { vault, emu, clock, rx, typesFor, deliver, tickWorker } = await world(t);
    const s = await atlassianSetup(vault, emu);
    const ep = await vault.call('POST', '/v1/webhook-endpoints', s.adminKey, { url: rx.url });
    assert.equal(ep.status, 201, ep.text);
    assert.match(ep.body.secret, /^whsec_/);
    rx.setSecret(ep.body.secret);
    assert.ok(
      !(await vault.call('GET', `/v1/webhook-endpoints/${ep.body.id}`, s.adminKey)).text.includes(
        ep.body.secret,
      ),
    );

    const run = await runFlow(
      vault,
      emu,
      s.adminKey,
      { auth_config_id: s.configId, user_id: 'hook' },
      { decision: 'approve', accountId: s.user.accountId },
    );
    assert.equal(run.final.status, 200, run.final.text);
    const id = run.accountId;
    await deliver();
    assert.deepEqual(typesFor(id), ['connected_account.active']);
    await deliver();
    assert.deepEqual(typesFor(id), ['connected_account.active'], 'delivered once');

    // Three failed refreshes in a row → refresh_failed (once); the next success → recovered.
    emu.setFaults({ target: 'token', status: 503 });
    for (let i = 0; i < 4; i++) {
      const a = (await vault.call('GET', `/v1/connected-accounts/${id}`, s.adminKey)).body;
      clock.set(new Date(new Date(a.next_refresh_at).getTime() + 1000));
      await tickWorker();
    }
    emu.clearFaults();
    const a = (await vault.call('GET', `/v1/connected-accounts/${id}`, s.adminKey)).body;
    assert.equal(a.refresh_failures, 4);
    clock.set(new Date(new Date(a.next_refresh_at).getTime() + 1000));
    await tickWorker();
    await deliver();
    assert.deepEqual(typesFor(id), [
      'connected_account.active',
      'connected_account.refresh_failed',
      'connected_account.recovered',
    ]);

    // The receiver is down when the grant is revoked; the expiry is retried and delivered later.
    rx.setDown(true);
    emu.revokeGrant(s.user.accountId, s.clientId);
    const b = (await vault.call('GET', `/v1/connected-accounts/${id}`, s.adminKey)).body;
    clock.set(new Date(new Date(b.next_refresh_at).getTime() + 1000));
    await tickWorker();
    await deliver();
    const pending = (
      await vault.call(
        'GET',
        `/v1/events?connected_account_id=${id}&type=connected_account.expired`,
        s.adminKey,
      )
    ).body.data[0];
    assert.deepEqual(
      [
        pending.deliveries[0].status,
        pending.deliveries[0].attempts,
        pending.deliveries[0].last_status,
      ],
      ['pending', 1, 503],
    );
    rx.setDown(false);
    await deliver();
    assert.equal(typesFor(id).length, 3, 'not before its retry time');
    clock.advance(3600);
    await deliver();
    assert.deepEqual(typesFor(id).slice(3), ['connected_account.expired']);
    const expired = rx.received.find((r) => r.type === 'connected_account.expired')!;
    assert.deepEqual(
      [expired.data.status, expired.data.status_reason],
      ['EXPIRED', 'refresh_token_invalid'],
    );
    const done = (
      await vault.call(
        'GET',
        `/v1/events?connected_account_id=${id}&type=connected_account.expired`,
        s.adminKey,
      )
    ).body.data[0];
    assert.deepEqual([done.deliveries[0].status, done.deliveries[0].attempts], ['delivered', 2]);

    assert.equal(
      (await vault.call('DELETE', `/v1/connected-accounts/${id}`, s.adminKey)).status,
      204,
    );
    await deliver();
    assert.equal(typesFor(id).at(-1), 'connected_account.deleted');

    const replay = await vault.call('POST', `/v1/events/${done.id}/replay`, s.adminKey);
    assert.equal(replay.status, 200);
    await deliver();
    assert.deepEqual(
      rx.received.filter((r) => r.id === done.id).length,
      2,
      'replayed with the same webhook-id',
    );
    assert.equal(rx.rejected(), 0, 'every signature verified');
    const ids = rx.received.filter((r) => r.data.connected_account_id === id).map((r) => r.id);
    assert.equal(new Set(ids).size, ids.length - 1, 'one id per change (plus the replay)');
    assert.ok(
      !/"(access|refresh)_token":/.test(JSON.stringify(rx.received)),
      'no token in any payload',
    );
  });

  test('consent_expiring is sent once, 14 days before the family expires', async (t) => {
    const { vault, emu, clock, rx, typesFor, deliver, tickWorker } = await world(t);
    const s = await atlassianSetup(vault, emu);
    const ep = await vault.call('POST', '/v1/webhook-endpoints', s.adminKey, {
      url: rx.url,
      event_types: ['connected_account.consent_expiring'],
    });
    assert.equal(ep.status, 201, ep.text);
    rx.setSecret(ep.body.secret);
    const run = await runFlow(
      vault,
      emu,
      s.adminKey,
      { auth_config_id: s.configId, user_id: 'old' },
      { decision: 'approve', accountId: s.user.accountId },
    );
    const a = (await vault.call('GET', `/v1/connected-accounts/${run.accountId}`, s.adminKey)).body;
    await tickWorker();
    await deliver();
    assert.deepEqual(
      typesFor(run.accountId),
      [],
      'not yet, and active events are filtered out for this endpoint',
    );
    clock.set(new Date(new Date(a.family_expires_at).getTime() - 13 * 86_400_000));
    await tickWorker();
    await tickWorker();
    await deliver();
    assert.deepEqual(typesFor(run.accountId), ['connected_account.consent_expiring']);
    clock.advance(86_400);
    await tickWorker();
    await deliver();
    assert.deepEqual(typesFor(run.accountId), ['connected_account.consent_expiring'], 'once');
    assert.equal(rx.requests(), 1, 'the filtered-out events never reached the receiver');
    assert.equal(rx.rejected(), 0);
  });

  test('endpoints are validated and tenant-scoped', async (t) => {
    const { vault, emu, rx } = await world(t);
    const a = await atlassianSetup(vault, emu);
    const b = await atlassianSetup(vault, emu);
    const created = await vault.call('POST', '/v1/webhook-endpoints', a.adminKey, { url: rx.url });
    assert.equal(created.status, 201, created.text);
    const ep = created.body;
    // The owner sees it: the 404s below are about the tenant, not about a missing endpoint.
    assert.equal(
      (await vault.call('GET', `/v1/webhook-endpoints/${ep.id}`, a.adminKey)).status,
      200,
    );
    const peek = await vault.call('GET', `/v1/webhook-endpoints/${ep.id}`, b.adminKey);
    assert.deepEqual([peek.status, peek.body.code], [404, 'webhook_endpoint_not_found']);
    const del = await vault.call('DELETE', `/v1/webhook-endpoints/${ep.id}`, b.adminKey);
    assert.deepEqual([del.status, del.body.code], [404, 'webhook_endpoint_not_found']);
    assert.equal(
      (await vault.call('GET', `/v1/webhook-endpoints/${ep.id}`, a.adminKey)).status,
      200,
      'still there after the other tenant tried to delete it',
    );
    assert.equal(
      (await vault.call('POST', '/v1/webhook-endpoints', a.adminKey, { url: 'ftp://x' })).status,
      400,
    );
    assert.equal(
      (
        await vault.call('POST', '/v1/webhook-endpoints', a.adminKey, {
          url: rx.url,
          event_types: ['nope'],
        })
      ).status,
      400,
    );
    const list = await vault.call('GET', '/v1/webhook-endpoints', a.adminKey);
    assert.deepEqual(
      list.body.data.map((e: { id: string }) => e.id),
      [ep.id],
      'the refused bodies wrote nothing',
    );
    assert.deepEqual((await vault.call('GET', '/v1/webhook-endpoints', b.adminKey)).body.data, []);
  });

  test('replaying an event no endpoint received is a 409 saying why, not a 200 that does nothing', async (t) => {
    const { vault, emu, rx, deliver } = await world(t);
    const s = await atlassianSetup(vault, emu);
    const run = await runFlow(
      vault,
      emu,
      s.adminKey,
      { auth_config_id: s.configId, user_id: 'nobody-listens' },
      { decision: 'approve', accountId: s.user.accountId },
    );
    assert.equal(run.final.status, 200, run.final.text);
    const events = await vault.call(
      'GET',
      `/v1/events?connected_account_id=${run.accountId}`,
      s.adminKey,
    );
    const ev = events.body.data[0] as { id: string; type: string; deliveries: unknown[] };
    assert.deepEqual(ev.deliveries, []);

    // An endpoint created afterwards does not make the old event deliverable.
    const ep = await vault.call('POST', '/v1/webhook-endpoints', s.adminKey, { url: rx.url });
    assert.equal(ep.status, 201, ep.text);
    const replay = await vault.call('POST', `/v1/events/${ev.id}/replay`, s.adminKey);
    assert.equal(replay.status, 409, replay.text);
    assert.equal(replay.body.code, 'event_has_no_deliveries');
    assert.match(replay.body.detail, new RegExp(`event ${ev.id} had no webhook endpoint`));
    await deliver();
    assert.deepEqual(rx.received, []);
  });
});
