import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CLIENT_ID, api, clickThrough, login, refresh, setup } from './helpers.ts';

type Resource = { id: string; name: string; url: string; scopes: string[]; avatarUrl: string };
const UNAUTHORIZED = { code: 401, message: 'Unauthorized' };

test('accessible-resources lists a two-product site twice; sites accumulate across consents', async () => {
  const { emu, user } = await setup();
  try {
    const labs = emu.addSite(user.accountId, {
      name: 'ada-labs',
      url: 'https://ada-labs.atlassian.net',
      products: ['jira'],
    });
    const t = await login(emu); // picks the first site (ada-team, jira+confluence)
    let res = await api(emu, '/oauth/token/accessible-resources', t.access_token);
    assert.equal(res.status, 200);
    const team = user.sites[0]!;
    assert.deepEqual(
      (res.json as Resource[]).map((r) => [r.id, r.name, r.url, r.scopes]),
      [
        [team.id, 'ada-team', team.url, ['read:jira-work', 'read:jira-user']],
        [team.id, 'ada-team', team.url, ['read:confluence-content.all']],
      ],
    );
    assert.ok((res.json as Resource[]).every((r) => typeof r.avatarUrl === 'string'));

    // consent again choosing the second site: the grant now covers both
    const again = await clickThrough(emu, 'approve', {}, { site_id: labs.id });
    assert.equal(again.status, 302);
    res = await api(emu, '/oauth/token/accessible-resources', t.access_token);
    assert.deepEqual(
      (res.json as Resource[]).map((r) => r.id),
      [team.id, team.id, labs.id],
    );
  } finally {
    await emu.close();
  }
});

test('/me needs read:me; jira myself needs the site in the grant', async () => {
  const { emu, user } = await setup();
  try {
    const t = await login(emu);
    const me = await api(emu, '/me', t.access_token);
    assert.equal(me.status, 200);
    assert.deepEqual(
      { ...(me.json as Record<string, unknown>), picture: undefined },
      {
        account_type: 'atlassian',
        account_id: user.accountId,
        email: 'ada@example.com',
        name: 'Ada Lovelace',
        picture: undefined,
        account_status: 'active',
        nickname: 'Ada',
        zoneinfo: 'Europe/Amsterdam',
        locale: 'en-US',
        extended_profile: {},
      },
    );
    const cloudId = user.sites[0]!.id;
    const myself = await api(emu, `/ex/jira/${cloudId}/rest/api/3/myself`, t.access_token);
    assert.equal(myself.status, 200);
    assert.deepEqual(
      { ...(myself.json as Record<string, unknown>), self: undefined, locale: undefined },
      {
        self: undefined,
        locale: undefined,
        accountId: user.accountId,
        emailAddress: 'ada@example.com',
        displayName: 'Ada Lovelace',
        active: true,
        timeZone: 'Europe/Amsterdam',
        accountType: 'atlassian',
      },
    );
    const other = emu.addSite(user.accountId, { name: 'x', url: 'https://x.atlassian.net' });
    const notGranted = await api(emu, `/ex/jira/${other.id}/rest/api/3/myself`, t.access_token);
    assert.equal(notGranted.status, 404);

    const noMe = await login(emu, { scope: 'read:jira-work offline_access' });
    assert.equal((await api(emu, '/me', noMe.access_token)).status, 403);
  } finally {
    await emu.close();
  }
});

test('API calls with missing, unknown, expired and revoked tokens get 401', async () => {
  const { emu, user } = await setup();
  try {
    const paths = [
      '/oauth/token/accessible-resources',
      '/me',
      `/ex/jira/${user.sites[0]!.id}/rest/api/3/myself`,
    ];
    const noHeader = await fetch(`${emu.url}/me`);
    assert.equal(noHeader.status, 401);
    assert.deepEqual(await noHeader.json(), UNAUTHORIZED);
    for (const p of paths) assert.deepEqual((await api(emu, p, 'garbage')).json, UNAUTHORIZED);

    const expiring = await login(emu);
    emu.clock.advance(3601);
    for (const p of paths) {
      const res = await api(emu, p, expiring.access_token);
      assert.equal(res.status, 401, p);
      assert.deepEqual(res.json, UNAUTHORIZED);
    }

    const t = await login(emu);
    for (const p of paths) assert.equal((await api(emu, p, t.access_token)).status, 200, p);
    emu.revokeGrant(user.accountId, CLIENT_ID);
    for (const p of paths) assert.equal((await api(emu, p, t.access_token)).status, 401, p);
    // the refresh token died with the grant
    const r = await refresh(emu, t.refresh_token);
    assert.equal(r.status, 403);
    assert.equal(r.json.error, 'invalid_grant');
    // consenting again creates a new, working grant
    const fresh = await login(emu);
    assert.equal((await api(emu, '/me', fresh.access_token)).status, 200);
  } finally {
    await emu.close();
  }
});
