// Bulk actions (docs/moving.md#bulk-actions) over the HTTP API: reconnect links for every account
// of a config whose grant died, disable/enable/delete by tags or user, each with a dry-run count.
// The test owns its vault, emulator and clock: the clock moves so that tokens need a refresh.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { atlassianSetup, cookieJar, pathOf, RETURN_URL, runFlow, visit } from '../helpers/flow.ts';
import { ownFlowFixture } from '../helpers/own-fixture.ts';

test('bulk reconnect links for the EXPIRED/refresh_token_invalid accounts of a config, and bulk disable/enable/delete by filter', async (t) => {
  const { vault, emu, clock } = await ownFlowFixture(t);
  const s = await atlassianSetup(vault, emu);
  const other = emu.addUser({
    email: 'grace@example.com',
    name: 'Grace Hopper',
    sites: [{ name: 'Grace', url: 'https://grace.atlassian.net', products: ['jira'] }],
  });
  const connect = async (userId: string, emuAccountId: string, tags?: string[]) => {
    const run = await runFlow(
      vault,
      emu,
      s.adminKey,
      { auth_config_id: s.configId, user_id: userId, return_url: RETURN_URL, tags },
      { decision: 'approve', accountId: emuAccountId },
    );
    return run.accountId;
  };
  const dying = [
    await connect('ada-1', s.user.accountId),
    await connect('ada-2', s.user.accountId),
  ];
  // Tags can be given when the account is created.
  const living = await connect('grace', other.accountId, ['leaver']);
  // Ada revokes the app: both of her grants die; the next refresh finds out.
  emu.revokeGrant(s.user.accountId, s.clientId);
  clock.advance(3_590);
  for (const id of [...dying, living]) {
    await vault.call('POST', `/v1/connected-accounts/${id}/token`, s.adminKey, {});
  }
  const status = async (id: string) =>
    (await vault.call('GET', `/v1/connected-accounts/${id}`, s.adminKey)).body;
  for (const id of dying) {
    const a = await status(id);
    assert.deepEqual([a.status, a.status_reason], ['EXPIRED', 'refresh_token_invalid']);
  }
  assert.equal((await status(living)).status, 'ACTIVE');

  const bulk = (body: unknown) =>
    vault.call('POST', '/v1/connected-accounts/bulk', s.adminKey, body);
  const expired = {
    status: 'EXPIRED',
    status_reason: 'refresh_token_invalid',
    auth_config_id: s.configId,
  };

  // The dry run counts and changes nothing.
  const dry = await bulk({ action: 'reconnect_links', filter: expired, dry_run: true });
  assert.equal(dry.status, 200, dry.text);
  assert.equal(dry.body.matched, 2);
  assert.deepEqual(dry.body.links, []);
  assert.equal((await status(dying[0]!)).status, 'EXPIRED');

  const links = await bulk({ action: 'reconnect_links', filter: expired, return_url: RETURN_URL });
  assert.equal(links.status, 200, links.text);
  assert.equal(links.body.succeeded, 2);
  assert.deepEqual(
    new Set(links.body.links.map((l: { connected_account_id: string }) => l.connected_account_id)),
    new Set(dying),
  );
  assert.deepEqual(
    new Set(links.body.links.map((l: { user_id: string }) => l.user_id)),
    new Set(['ada-1', 'ada-2']),
  );
  // Each link starts the connect flow for its account; the user consents again, same account id.
  const link = links.body.links.find(
    (l: { connected_account_id: string }) => l.connected_account_id === dying[0],
  );
  const jar = cookieJar();
  const opened = await visit(vault, jar, link.redirect_url);
  assert.equal(opened.status, 302, opened.text);
  const decided = await emu.consent({
    authorizeUrl: String(opened.headers.location),
    decision: 'approve',
    accountId: s.user.accountId,
  });
  await visit(vault, jar, pathOf(decided.location!));
  assert.equal((await status(dying[0]!)).status, 'ACTIVE');
  // None is EXPIRED any more: one is ACTIVE again, the other INITIATED until its user comes back.
  assert.equal((await bulk({ action: 'reconnect_links', filter: expired })).body.matched, 0);

  // Tags select accounts for disable, enable and delete.
  assert.deepEqual((await status(living)).tags, ['leaver']);
  const off = await bulk({ action: 'disable', filter: { tags: ['leaver'] } });
  assert.deepEqual([off.body.matched, off.body.succeeded], [1, 1]);
  assert.deepEqual(
    [(await status(living)).status, (await status(living)).status_reason],
    ['DISABLED', 'disabled_by_admin'],
  );
  const tok = await vault.call('POST', `/v1/connected-accounts/${living}/token`, s.adminKey, {});
  assert.equal(tok.status, 409);
  const on = await bulk({ action: 'enable', filter: { tags: ['leaver'] } });
  assert.equal(on.body.succeeded, 1);
  assert.equal((await status(living)).status, 'ACTIVE');
  const countOnly = await bulk({ action: 'delete', filter: { user_id: 'grace' }, dry_run: true });
  assert.equal(countOnly.body.matched, 1);
  assert.equal((await status(living)).status, 'ACTIVE');
  const gone = await bulk({ action: 'delete', filter: { user_id: 'grace' } });
  assert.equal(gone.body.succeeded, 1);
  const read = await vault.call('GET', `/v1/connected-accounts/${living}`, s.adminKey);
  assert.equal(read.status, 404);

  // Each account acted on is an audit row of its own, besides the bulk request's.
  const trail = await vault.call('GET', '/v1/audit-events?limit=200', s.adminKey);
  assert.equal(trail.status, 200, trail.text);
  const rows = (trail.body.data as { action: string; resource_id: string | null }[]).filter(
    (r) => r.action === 'POST /v1/connected-accounts/bulk',
  );
  assert.ok(rows.some((r) => r.resource_id === living));

  // An empty filter is refused; another tenant's accounts are never matched.
  assert.equal((await bulk({ action: 'delete', filter: {} })).status, 400);
  const stranger = await vault.newTenant();
  const theirs = await vault.call('POST', '/v1/connected-accounts/bulk', stranger.adminKey, {
    action: 'disable',
    filter: { auth_config_id: s.configId },
  });
  assert.deepEqual([theirs.status, theirs.body.matched], [200, 0]);
});
