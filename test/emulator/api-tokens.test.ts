import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startEmulator } from '../../src/emulator/index.ts';
import { basicAuth, call } from './helpers.ts';

async function withSites() {
  const emu = await startEmulator();
  const ada = emu.addUser({
    email: 'ada@example.com',
    name: 'Ada Lovelace',
    sites: [
      { name: 'ada-team', url: emu.siteUrl('ada-team'), products: ['jira', 'confluence'] },
      { name: 'ada-labs', url: emu.siteUrl('ada-labs'), products: ['jira'] },
    ],
  });
  return { emu, ada, team: ada.sites[0]!, labs: ada.sites[1]! };
}

test('siteUrl is where the site form of the API lives, names with spaces included', async () => {
  const { emu, ada, team } = await withSites();
  try {
    assert.equal(emu.siteUrl('ada-team'), `${emu.url}/site/ada-team`);
    assert.equal(team.url, `${emu.url}/site/ada-team`);
    const spaced = emu.addSite(ada.accountId, { name: 'Site 0', url: emu.siteUrl('Site 0') });
    assert.equal(spaced.url, `${emu.url}/site/Site%200`);
    const token = emu.addApiToken({ accountId: ada.accountId, scoped: false });
    const res = await fetch(`${spaced.url}/rest/api/3/myself`, {
      headers: { authorization: basicAuth('ada@example.com', token) },
    });
    assert.equal(res.status, 200);
  } finally {
    await emu.close();
  }
});

test('a classic API token works as Basic on the site form only, by site name or cloud id', async () => {
  const { emu, ada, team } = await withSites();
  try {
    const token = emu.addApiToken({
      email: 'ada@example.com',
      accountId: ada.accountId,
      scoped: false,
    });
    assert.match(token, /^ATATT3x/);
    const auth = basicAuth('ada@example.com', token);
    // a client calls `${site.url}/rest/api/3/myself`
    const res = await fetch(`${team.url}/rest/api/3/myself`, { headers: { authorization: auth } });
    assert.equal(res.status, 200);
    const me = (await res.json()) as Record<string, unknown>;
    assert.equal(me.accountId, ada.accountId);
    assert.equal(me.emailAddress, 'ada@example.com');
    assert.equal(me.displayName, 'Ada Lovelace');
    assert.equal(me.accountType, 'atlassian');
    for (const path of [
      `/site/${team.id}/rest/api/3/myself`,
      `/site/ada-labs/rest/api/3/myself`,
      `/site/ada-team/wiki/api/v2/pages`,
    ]) {
      assert.equal((await call(emu, 'GET', path, { auth })).status, 200, path);
    }
    // email is case-insensitive, the token is not
    assert.equal(
      (
        await call(emu, 'GET', '/site/ada-team/rest/api/3/myself', {
          auth: basicAuth('ADA@example.com', token),
        })
      ).status,
      200,
    );
    for (const bad of [
      basicAuth('bob@example.com', token),
      basicAuth('ada@example.com', token.toUpperCase()),
      basicAuth('ada@example.com', ''),
      `Bearer ${token}`,
    ]) {
      assert.equal(
        (await call(emu, 'GET', '/site/ada-team/rest/api/3/myself', { auth: bad })).status,
        401,
      );
    }
    // not on the gateway
    const gw = await call(emu, 'GET', `/ex/jira/${team.id}/rest/api/3/myself`, { auth });
    assert.equal(gw.status, 401);
    // confluence on a site without confluence, and unknown sites: 404
    assert.equal(
      (await call(emu, 'GET', `/site/ada-labs/wiki/api/v2/pages`, { auth })).status,
      404,
    );
    assert.equal((await call(emu, 'GET', `/site/nope/rest/api/3/myself`, { auth })).status, 404);
  } finally {
    await emu.close();
  }
});

test('a scoped API token works as Basic on the gateway only, within its sites and scopes', async () => {
  const { emu, ada, team, labs } = await withSites();
  try {
    const token = emu.addApiToken({
      accountId: ada.accountId,
      scoped: true,
      siteIds: [team.id],
      scopes: ['read:jira-work', 'read:jira-user'],
    });
    const auth = basicAuth('ada@example.com', token);
    const myself = await call(emu, 'GET', `/ex/jira/${team.id}/rest/api/3/myself`, { auth });
    assert.equal(myself.status, 200);
    assert.equal(myself.json.accountId, ada.accountId);
    assert.equal(
      (await call(emu, 'GET', `/ex/jira/${team.id}/rest/api/3/search/jql`, { auth })).status,
      200,
    );
    const write = await call(emu, 'POST', `/ex/jira/${team.id}/rest/api/3/issue`, {
      auth,
      json: { fields: { project: { key: 'A' }, summary: 's', issuetype: { name: 'Task' } } },
    });
    assert.equal(write.status, 403, 'no write:jira-work');
    assert.equal(
      (await call(emu, 'GET', `/ex/jira/${labs.id}/rest/api/3/myself`, { auth })).status,
      404,
    );
    assert.equal(
      (await call(emu, 'GET', '/site/ada-team/rest/api/3/myself', { auth })).status,
      401,
    );
    // Basic is not for the OAuth routes
    assert.equal((await call(emu, 'GET', '/me', { auth })).status, 401);
    assert.equal(
      (await call(emu, 'GET', '/oauth/token/accessible-resources', { auth })).status,
      401,
    );
  } finally {
    await emu.close();
  }
});

test("a service account's scoped token reports accountType app", async () => {
  const { emu, team } = await withSites();
  try {
    const sa = emu.addServiceAccount({
      clientId: 'c',
      clientSecret: 's',
      scopes: ['read:jira-work'],
      name: 'Bot',
      email: 'bot@serviceaccount.atlassian.com',
      siteIds: [team.id],
    });
    const token = emu.addApiToken({ accountId: sa.accountId, scoped: true, token: 'my-token' });
    assert.equal(token, 'my-token');
    const r = await call(emu, 'GET', `/ex/jira/${team.id}/rest/api/3/myself`, {
      auth: basicAuth('bot@serviceaccount.atlassian.com', token),
    });
    assert.equal(r.status, 200);
    assert.equal(r.json.accountType, 'app');
    assert.equal(r.json.emailAddress, 'bot@serviceaccount.atlassian.com');
  } finally {
    await emu.close();
  }
});

test('expiry follows the emulator clock; revoked tokens answer 401', async () => {
  const { emu, ada } = await withSites();
  try {
    const expiring = emu.addApiToken({
      accountId: ada.accountId,
      scoped: false,
      expiresAt: emu.clock.now() + 86_400_000,
    });
    const auth = basicAuth('ada@example.com', expiring);
    const path = '/site/ada-team/rest/api/3/myself';
    assert.equal((await call(emu, 'GET', path, { auth })).status, 200);
    emu.clock.advance(86_399);
    assert.equal((await call(emu, 'GET', path, { auth })).status, 200);
    emu.clock.advance(1);
    assert.equal((await call(emu, 'GET', path, { auth })).status, 401);

    const live = emu.addApiToken({ accountId: ada.accountId, scoped: false });
    const liveAuth = basicAuth('ada@example.com', live);
    assert.equal((await call(emu, 'GET', path, { auth: liveAuth })).status, 200);
    assert.equal(emu.revokeApiToken(live), true);
    assert.equal(emu.revokeApiToken(live), false);
    assert.equal((await call(emu, 'GET', path, { auth: liveAuth })).status, 401);
  } finally {
    await emu.close();
  }
});

test('addApiToken validation and the admin routes', async () => {
  const { emu, ada, team } = await withSites();
  try {
    assert.throws(() => emu.addApiToken({ accountId: 'nobody', scoped: false }), /unknown account/);
    assert.throws(
      () => emu.addApiToken({ accountId: ada.accountId, scoped: false, email: 'x@example.com' }),
      /email/,
    );
    assert.throws(
      () => emu.addApiToken({ accountId: ada.accountId, scoped: false, scopes: ['read:me'] }),
      /scoped/,
    );
    assert.throws(
      () => emu.addApiToken({ accountId: ada.accountId, scoped: false, siteIds: ['x'] }),
      /site/,
    );
    emu.addApiToken({ accountId: ada.accountId, scoped: false, token: 'dup' });
    assert.throws(
      () => emu.addApiToken({ accountId: ada.accountId, scoped: true, token: 'dup' }),
      /exists/,
    );

    const created = await call(emu, 'POST', '/_emulator/api-tokens', {
      json: { account_id: ada.accountId, scoped: true, expires_at: emu.clock.now() + 60_000 },
    });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.json.email, 'ada@example.com');
    assert.equal(created.json.scoped, true);
    const auth = basicAuth('ada@example.com', created.json.token);
    assert.equal(
      (await call(emu, 'GET', `/ex/jira/${team.id}/rest/api/3/myself`, { auth })).status,
      200,
    );
    const del = await call(
      emu,
      'DELETE',
      `/_emulator/api-tokens/${encodeURIComponent(created.json.token)}`,
    );
    assert.deepEqual(del.json, { revoked: true });
    assert.equal(
      (await call(emu, 'GET', `/ex/jira/${team.id}/rest/api/3/myself`, { auth })).status,
      401,
    );
    assert.equal(
      (await call(emu, 'POST', '/_emulator/api-tokens', { json: { account_id: ada.accountId } }))
        .status,
      400,
    );
  } finally {
    await emu.close();
  }
});
