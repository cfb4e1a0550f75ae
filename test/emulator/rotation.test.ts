import assert from 'node:assert/strict';
import { test } from 'node:test';
import { api, login, refresh, setup } from './helpers.ts';

const INVALID = { error: 'invalid_grant', error_description: 'Unknown or invalid refresh token.' };
const DAY = 86_400;

test('reuse of the previous refresh token inside the leeway is accepted and counted', async () => {
  const { emu } = await setup();
  try {
    const t0 = await login(emu);
    const r1 = await refresh(emu, t0.refresh_token);
    assert.equal(r1.status, 200);
    emu.clock.advance(9 * 60); // crash before storing r1; retry with t0 within 10 min
    const r2 = await refresh(emu, t0.refresh_token);
    assert.equal(r2.status, 200);
    assert.notEqual(r2.json.refresh_token, r1.json.refresh_token);
    assert.equal(emu.counters().reuseInsideLeeway, 1);
    // r1 was superseded by r2 without being spent: presenting it now is reuse -> family revoked
    const r1again = await refresh(emu, r1.json.refresh_token as string);
    assert.equal(r1again.status, 403);
    assert.deepEqual(r1again.json, INVALID);
    assert.equal((await refresh(emu, r2.json.refresh_token as string)).status, 403);
    const c = emu.counters();
    assert.equal(c.reuseOutsideLeeway, 1);
    assert.equal(c.familiesRevoked, 1);
  } finally {
    await emu.close();
  }
});

test('reuse outside the leeway revokes the whole family (current token and access tokens)', async () => {
  const { emu } = await setup();
  try {
    const t0 = await login(emu);
    const r1 = await refresh(emu, t0.refresh_token);
    const current = r1.json.refresh_token as string;
    const access = r1.json.access_token as string;
    assert.equal((await api(emu, '/me', access)).status, 200);
    emu.clock.advance(11 * 60);
    const reuse = await refresh(emu, t0.refresh_token);
    assert.equal(reuse.status, 403);
    assert.deepEqual(reuse.json, INVALID);
    const cur = await refresh(emu, current);
    assert.equal(cur.status, 403);
    assert.deepEqual(cur.json, INVALID);
    assert.equal((await api(emu, '/me', access)).status, 401);
    const c = emu.counters();
    assert.equal(c.reuseOutsideLeeway, 1);
    assert.equal(c.familiesRevoked, 1);
    assert.equal(c.invalidGrant, 2);
    assert.equal(c.refreshes, 1);
  } finally {
    await emu.close();
  }
});

test('an older generation is rejected even inside the leeway', async () => {
  const { emu } = await setup();
  try {
    const t0 = await login(emu);
    const r1 = await refresh(emu, t0.refresh_token);
    const r2 = await refresh(emu, r1.json.refresh_token as string);
    assert.equal(r2.status, 200);
    assert.equal((await refresh(emu, t0.refresh_token)).status, 403);
    assert.equal((await refresh(emu, r2.json.refresh_token as string)).status, 403);
    assert.equal(emu.counters().reuseOutsideLeeway, 1);
  } finally {
    await emu.close();
  }
});

test('90 days of inactivity kill the family; refreshing resets the window', async () => {
  const { emu } = await setup();
  try {
    let rt = (await login(emu)).refresh_token;
    emu.clock.advance(89 * DAY);
    const r = await refresh(emu, rt);
    assert.equal(r.status, 200);
    rt = r.json.refresh_token as string;
    emu.clock.advance(90 * DAY + 60);
    const dead = await refresh(emu, rt);
    assert.equal(dead.status, 403);
    assert.deepEqual(dead.json, INVALID);
    assert.equal(emu.counters().invalidGrant, 1);
    assert.equal(emu.counters().reuseOutsideLeeway, 0);
  } finally {
    await emu.close();
  }
});

test('365 days after consent the family expires even when used regularly', async () => {
  const { emu } = await setup();
  try {
    let rt = (await login(emu)).refresh_token;
    for (let i = 0; i < 4; i++) {
      emu.clock.advance(80 * DAY);
      const r = await refresh(emu, rt);
      assert.equal(r.status, 200, `refresh at day ${(i + 1) * 80}`);
      rt = r.json.refresh_token as string;
    }
    emu.clock.advance(44 * DAY); // day 364
    const r = await refresh(emu, rt);
    assert.equal(r.status, 200);
    rt = r.json.refresh_token as string;
    emu.clock.advance(2 * DAY); // day 366
    const dead = await refresh(emu, rt);
    assert.equal(dead.status, 403);
    assert.deepEqual(dead.json, INVALID);
  } finally {
    await emu.close();
  }
});

test('issueRefreshTokenOnRefresh:false omits refresh_token and keeps the old one valid', async () => {
  const { emu } = await setup({}, { issueRefreshTokenOnRefresh: false });
  try {
    const t0 = await login(emu);
    for (let i = 0; i < 3; i++) {
      emu.clock.advance(20 * 60);
      const r = await refresh(emu, t0.refresh_token);
      assert.equal(r.status, 200);
      assert.equal(r.json.refresh_token, undefined);
      assert.ok(r.json.access_token);
    }
    const c = emu.counters();
    assert.equal(c.refreshes, 3);
    assert.equal(c.reuseInsideLeeway + c.reuseOutsideLeeway, 0);
  } finally {
    await emu.close();
  }
});

test('a scope param on refresh is ignored but counted', async () => {
  const { emu } = await setup();
  try {
    const t0 = await login(emu);
    const r = await refresh(emu, t0.refresh_token, { scope: 'read:jira-work' });
    assert.equal(r.status, 200);
    assert.equal(
      r.json.scope,
      'read:jira-work read:jira-user read:confluence-content.all offline_access read:me',
    );
    assert.equal(emu.counters().refreshWithScopeParam, 1);
  } finally {
    await emu.close();
  }
});

test('older access tokens die 10 minutes after a refresh (companion revocation)', async () => {
  const { emu } = await setup();
  try {
    const t0 = await login(emu);
    const r1 = await refresh(emu, t0.refresh_token);
    emu.clock.advance(9 * 60);
    assert.equal((await api(emu, '/me', t0.access_token)).status, 200);
    emu.clock.advance(2 * 60);
    assert.equal((await api(emu, '/me', t0.access_token)).status, 401);
    assert.equal((await api(emu, '/me', r1.json.access_token as string)).status, 200);
  } finally {
    await emu.close();
  }
});

test('a refresh token only works for the client it was issued to', async () => {
  const { emu } = await setup();
  try {
    emu.addApp({
      clientId: 'other',
      clientSecret: 'other-secret',
      name: 'Other',
      callbackUrl: 'http://localhost/cb',
      scopes: [],
    });
    const t0 = await login(emu);
    const r = await refresh(emu, t0.refresh_token, {
      client_id: 'other',
      client_secret: 'other-secret',
    });
    assert.equal(r.status, 403);
    assert.equal((await refresh(emu, t0.refresh_token)).status, 200);
  } finally {
    await emu.close();
  }
});
