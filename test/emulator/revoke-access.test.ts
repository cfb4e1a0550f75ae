import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CLIENT_ID, api, call, login, refresh, setup } from './helpers.ts';

test('revokeAccessTokens kills every access token of the grant; the refresh token still works', async () => {
  const { emu, user } = await setup();
  try {
    const t1 = await login(emu);
    const t2 = await login(emu); // a second family under the same grant
    const jira = `/ex/jira/${user.sites[0]!.id}/rest/api/3/myself`;
    for (const t of [t1, t2]) assert.equal((await api(emu, '/me', t.access_token)).status, 200);
    assert.equal(emu.revokeAccessTokens(user.accountId, CLIENT_ID), true);
    for (const t of [t1, t2]) {
      for (const p of ['/me', '/oauth/token/accessible-resources', jira]) {
        assert.equal((await api(emu, p, t.access_token)).status, 401, p);
      }
    }
    const r = await refresh(emu, t1.refresh_token);
    assert.equal(r.status, 200);
    assert.equal((await api(emu, '/me', r.json.access_token as string)).status, 200);
    assert.equal((await api(emu, jira, r.json.access_token as string)).status, 200);
    assert.equal(emu.counters().familiesRevoked, 0);
    assert.equal(emu.revokeAccessTokens('nobody', CLIENT_ID), false);
  } finally {
    await emu.close();
  }
});

test('POST /_emulator/access-tokens/revoke does the same; revokeGrant still kills everything', async () => {
  const { emu, user } = await setup();
  try {
    const t = await login(emu);
    const res = await call(emu, 'POST', '/_emulator/access-tokens/revoke', {
      json: { accountId: user.accountId, clientId: CLIENT_ID },
    });
    assert.deepEqual(res.json, { revoked: true });
    assert.equal((await api(emu, '/me', t.access_token)).status, 401);
    const snake = await call(emu, 'POST', '/_emulator/access-tokens/revoke', {
      json: { account_id: user.accountId, client_id: 'other' },
    });
    assert.deepEqual(snake.json, { revoked: false });
    assert.equal(
      (await call(emu, 'POST', '/_emulator/access-tokens/revoke', { json: {} })).status,
      400,
    );

    const r = await refresh(emu, t.refresh_token);
    assert.equal(r.status, 200);
    emu.revokeGrant(user.accountId, CLIENT_ID);
    assert.equal((await api(emu, '/me', r.json.access_token as string)).status, 401);
    assert.equal((await refresh(emu, r.json.refresh_token as string)).status, 403);
  } finally {
    await emu.close();
  }
});

test('revoking access tokens of a service-account credential leaves the credential working', async () => {
  const { emu, user } = await setup();
  try {
    const sa = emu.addServiceAccount({
      clientId: 'sa',
      clientSecret: 'sa-secret',
      scopes: ['read:jira-work'],
      name: 'Bot',
      siteIds: [user.sites[0]!.id],
    });
    const cc = { grant_type: 'client_credentials', client_id: 'sa', client_secret: 'sa-secret' };
    const token = async () =>
      (await call(emu, 'POST', '/oauth/token', { json: cc })).json.access_token as string;
    const before = await token();
    assert.equal(emu.revokeAccessTokens(sa.accountId, 'sa'), true);
    assert.equal((await api(emu, '/me', before)).status, 401);
    assert.equal((await api(emu, '/me', await token())).status, 200);
  } finally {
    await emu.close();
  }
});
