import assert from 'node:assert/strict';
import { test } from 'node:test';
import { call } from './helpers.ts';
import {
  GH_SECRET,
  ghCode,
  ghExchange,
  ghLogin,
  ghRefresh,
  ghToken,
  setupGithub,
  tokenError,
} from './github-helpers.ts';

const HOUR = 3600;

async function status(emu: Parameters<typeof call>[0], token: string): Promise<number> {
  return (await call(emu, 'GET', '/user', { auth: token })).status;
}

test('a refresh rotates: the spent refresh token and the old access token die at once', async () => {
  const { emu } = await setupGithub();
  try {
    const t0 = await ghLogin(emu);
    const r1 = await ghRefresh(emu, t0.refresh_token);
    assert.equal(r1.status, 200);
    assert.match(String(r1.body.access_token), /^ghu_/);
    assert.match(String(r1.body.refresh_token), /^ghr_/);
    assert.notEqual(r1.body.refresh_token, t0.refresh_token);
    assert.equal(r1.body.expires_in, 28800);
    assert.equal(r1.body.refresh_token_expires_in, 15897600);
    assert.equal(await status(emu, t0.access_token), 401, 'old access token dead, no leeway');
    assert.equal(await status(emu, String(r1.body.access_token)), 200);

    const r2 = await ghRefresh(emu, String(r1.body.refresh_token));
    assert.equal(r2.status, 200);
    const c = emu.counters().github;
    assert.equal(c.refreshes, 2);
    assert.deepEqual(Object.values(c.refreshesByFamily), [2]);
  } finally {
    await emu.close();
  }
});

test('reuse of a spent refresh token: bad_refresh_token, counted; by default the grant lives on', async () => {
  const { emu } = await setupGithub();
  try {
    const t0 = await ghLogin(emu);
    const r1 = await ghRefresh(emu, t0.refresh_token);
    const reuse = await ghRefresh(emu, t0.refresh_token);
    assert.equal(reuse.status, 200, 'GitHub answers errors with HTTP 200');
    tokenError('bad_refresh_token')(reuse.body);
    // Immediately after, too: there is no reuse window.
    assert.equal(await status(emu, String(r1.body.access_token)), 200);
    const r2 = await ghRefresh(emu, String(r1.body.refresh_token));
    assert.match(String(r2.body.refresh_token), /^ghr_/);
    const c = emu.counters().github;
    assert.equal(c.refreshReuse, 1);
    assert.equal(c.grantsRevoked, 0);
    assert.equal(c.tokenErrors.bad_refresh_token, 1);
  } finally {
    await emu.close();
  }
});

test('revokeGrantOnRefreshReuse: a reuse revokes the whole grant, every chain of it', async () => {
  const { emu } = await setupGithub({}, { revokeGrantOnRefreshReuse: true });
  try {
    const a = await ghLogin(emu);
    const b = await ghLogin(emu); // a second connection of the same user: the same grant
    const a1 = await ghRefresh(emu, a.refresh_token);
    tokenError('bad_refresh_token')((await ghRefresh(emu, a.refresh_token)).body);
    assert.equal(await status(emu, String(a1.body.access_token)), 401);
    assert.equal(await status(emu, b.access_token), 401);
    tokenError('bad_refresh_token')((await ghRefresh(emu, String(a1.body.refresh_token))).body);
    tokenError('bad_refresh_token')((await ghRefresh(emu, b.refresh_token)).body);
    const c = emu.counters().github;
    assert.equal(c.refreshReuse, 1, 'a dead grant is not a reuse');
    assert.equal(c.grantsRevoked, 1);
    const again = await ghLogin(emu);
    assert.equal(await status(emu, again.access_token), 200, 'a new approval starts a new grant');
  } finally {
    await emu.close();
  }
});

test('two refreshers racing with one token: one rotates, the other gets bad_refresh_token', async () => {
  const { emu } = await setupGithub();
  try {
    const t0 = await ghLogin(emu);
    emu.setFaults({ provider: 'github', target: 'token', holdAfterIssueMs: 50, count: 1 });
    const [x, y] = await Promise.all([
      ghRefresh(emu, t0.refresh_token),
      ghRefresh(emu, t0.refresh_token),
    ]);
    const winners = [x, y].filter((r) => r.body.access_token !== undefined);
    const losers = [x, y].filter((r) => r.body.error === 'bad_refresh_token');
    assert.equal(winners.length, 1);
    assert.equal(losers.length, 1);
    const c = emu.counters().github;
    assert.equal(c.refreshReuse, 1);
    assert.equal(c.issuedAfterHold, 1);
  } finally {
    await emu.close();
  }
});

test('the access token expires after 8 hours of emulator time; the refresh token still works', async () => {
  const { emu } = await setupGithub();
  try {
    const t0 = await ghLogin(emu);
    emu.clock.advance(8 * HOUR - 1);
    assert.equal(await status(emu, t0.access_token), 200);
    emu.clock.advance(1);
    assert.equal(await status(emu, t0.access_token), 401);
    const r1 = await ghRefresh(emu, t0.refresh_token);
    assert.equal(await status(emu, String(r1.body.access_token)), 200);
  } finally {
    await emu.close();
  }
});

test('a refresh token past refresh_token_expires_in: bad_refresh_token; each rotation restarts it', async () => {
  const { emu } = await setupGithub();
  try {
    const t0 = await ghLogin(emu);
    emu.clock.advance(15897600 - 10);
    const r1 = await ghRefresh(emu, t0.refresh_token);
    assert.match(String(r1.body.refresh_token), /^ghr_/);
    emu.clock.advance(15897600);
    const late = await ghRefresh(emu, String(r1.body.refresh_token));
    tokenError('bad_refresh_token')(late.body);
    assert.equal(emu.counters().github.refreshReuse, 0, 'an expired token is not a reuse');
  } finally {
    await emu.close();
  }
});

test('refresh: unknown, missing, another app’s token, and apps without expiring tokens', async () => {
  const { emu } = await setupGithub();
  try {
    emu.addGithubApp({
      clientId: 'Iv1.forever',
      clientSecret: 'forever-secret',
      name: 'Forever',
      callbackUrls: ['http://localhost:3000/forever'],
      expiringTokens: false,
    });
    const t0 = await ghLogin(emu);
    tokenError('bad_refresh_token')((await ghRefresh(emu, 'ghr_unknown')).body);
    const missing = await ghToken(emu, {
      client_id: 'Iv1.0123456789abcdef',
      client_secret: GH_SECRET,
      grant_type: 'refresh_token',
    });
    tokenError('bad_refresh_token')(missing.body);
    const cross = await ghToken(emu, {
      client_id: 'Iv1.forever',
      client_secret: 'forever-secret',
      grant_type: 'refresh_token',
      refresh_token: t0.refresh_token,
    });
    tokenError('bad_refresh_token')(cross.body);
    // The failed attempts above spent nothing.
    assert.match(String((await ghRefresh(emu, t0.refresh_token)).body.access_token), /^ghu_/);

    const consent = await emu.githubConsent({
      authorizeUrl: '/login/oauth/authorize?client_id=Iv1.forever',
      decision: 'approve',
    });
    const code = new URL(consent.location!).searchParams.get('code')!;
    const forever = await ghToken(emu, {
      client_id: 'Iv1.forever',
      client_secret: 'forever-secret',
      code,
    });
    assert.equal(forever.body.refresh_token, undefined);
  } finally {
    await emu.close();
  }
});

test('the user revoking the app: refresh and access tokens die; a pending code too', async () => {
  const { emu } = await setupGithub();
  try {
    const t0 = await ghLogin(emu);
    const pending = await ghCode(emu);
    assert.equal(emu.revokeGithubGrant('octo-ada', 'Iv1.0123456789abcdef'), true);
    assert.equal(emu.revokeGithubGrant('octo-ada', 'Iv1.0123456789abcdef'), false);
    assert.equal(await status(emu, t0.access_token), 401);
    tokenError('bad_refresh_token')((await ghRefresh(emu, t0.refresh_token)).body);
    tokenError('bad_verification_code')((await ghExchange(emu, pending)).body);
    assert.equal(emu.counters().github.grantsRevoked, 1);
  } finally {
    await emu.close();
  }
});
