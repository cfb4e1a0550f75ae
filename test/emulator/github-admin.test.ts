import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startEmulator } from '../../src/emulator/index.ts';
import { demoBanner, seedDemo } from '../../src/emulator/demo.ts';
import { call } from './helpers.ts';
import { ghToken, tokenError } from './github-helpers.ts';

test('admin API: GitHub apps (generated Iv1 id, secret never shown), callbacks, validation', async () => {
  const emu = await startEmulator();
  try {
    const created = await call(emu, 'POST', '/_emulator/github/apps', {
      json: { client_secret: 's3cret', name: 'App', callback_url: 'http://localhost:3000/cb' },
    });
    assert.equal(created.status, 201);
    assert.match(created.json.clientId, /^Iv1\.[0-9a-f]{16}$/);
    assert.deepEqual(created.json, {
      clientId: created.json.clientId,
      name: 'App',
      callbackUrls: ['http://localhost:3000/cb'],
      expiringTokens: true,
      accessTokenTtlSeconds: 28800,
      refreshTokenTtlSeconds: 15897600,
      revokeGrantOnRefreshReuse: false,
    });
    const list = await call(emu, 'GET', '/_emulator/github/apps');
    assert.ok(!list.text.includes('s3cret'));
    const put = await call(emu, 'PUT', `/_emulator/github/apps/${created.json.clientId}`, {
      json: { callbackUrls: ['http://localhost:3000/a', 'http://localhost:3000/b/*'] },
    });
    assert.deepEqual(put.json.callbackUrls, [
      'http://localhost:3000/a',
      'http://localhost:3000/b/*',
    ]);

    const app = (extra: object) => ({
      clientSecret: 's',
      name: 'n',
      callbackUrls: ['http://localhost:3000/cb'],
      ...extra,
    });
    for (const [body, status] of [
      [app({ clientSecret: undefined }), 400],
      [app({ callbackUrls: [] }), 400],
      [app({ callbackUrls: Array.from({ length: 11 }, (_, i) => `http://x/${i}`) }), 400],
      [app({ callbackUrls: ['http://x/*/y'] }), 400],
      [app({ expiringTokens: 'no' }), 400],
      [app({ accessTokenTtlSeconds: 0 }), 400],
      [app({ clientId: created.json.clientId }), 409],
    ] as const) {
      const res = await call(emu, 'POST', '/_emulator/github/apps', { json: body });
      assert.equal(res.status, status, JSON.stringify(body));
    }
    const unknown = await call(emu, 'PUT', '/_emulator/github/apps/Iv1.none', {
      json: { callbackUrls: ['http://x/'] },
    });
    assert.equal(unknown.status, 404);
  } finally {
    await emu.close();
  }
});

test('admin API: GitHub users, repos, issues; logins are unique case-insensitively', async () => {
  const emu = await startEmulator();
  try {
    const user = await call(emu, 'POST', '/_emulator/github/users', {
      json: { login: 'Octo-Cat', email: 'o@example.com', repos: [{ name: 'hello' }] },
    });
    assert.equal(user.status, 201);
    assert.equal(typeof user.json.id, 'number');
    assert.equal(user.json.name, null);
    assert.equal(user.json.emailVerified, true);
    assert.deepEqual(user.json.repos[0], {
      id: user.json.repos[0].id,
      name: 'hello',
      fullName: 'Octo-Cat/hello',
      owner: 'Octo-Cat',
      private: false,
      description: null,
    });
    const repo = await call(emu, 'POST', '/_emulator/github/users/octo-cat/repos', {
      json: { name: 'private-one', private: true },
    });
    assert.equal(repo.status, 201);
    assert.equal(repo.json.private, true);
    const issue = await call(emu, 'POST', '/_emulator/github/repos/octo-cat/hello/issues', {
      json: { title: 'First', body: 'text' },
    });
    assert.equal(issue.status, 201);
    assert.equal(issue.json.number, 1);
    const listed = await call(emu, 'GET', '/_emulator/github/users');
    assert.equal(listed.json[0].repos.length, 2);

    for (const [path, body, status] of [
      ['/_emulator/github/users', { login: 'OCTO-cat' }, 409],
      ['/_emulator/github/users', { login: 'bad--login' }, 400],
      ['/_emulator/github/users', { login: '-x' }, 400],
      ['/_emulator/github/users', { login: 'other', id: user.json.id }, 409],
      ['/_emulator/github/users', { login: 'two', repos: [{ name: 'a' }, { name: 'A' }] }, 400],
      ['/_emulator/github/users/nobody/repos', { name: 'x' }, 404],
      ['/_emulator/github/users/octo-cat/repos', { name: 'HELLO' }, 409],
      ['/_emulator/github/users/octo-cat/repos', { name: 'bad/name' }, 400],
      ['/_emulator/github/repos/octo-cat/none/issues', { title: 'x' }, 404],
      ['/_emulator/github/repos/octo-cat/hello/issues', { title: '' }, 400],
    ] as const) {
      const res = await call(emu, 'POST', path, { json: body });
      assert.equal(res.status, status, `${path} ${JSON.stringify(body)}`);
    }
    assert.equal(
      (await call(emu, 'GET', '/_emulator/github/users')).json.length,
      1,
      'nothing half-made',
    );
  } finally {
    await emu.close();
  }
});

test('admin API: grant revocation, counters (GitHub under github) and their reset, the index', async () => {
  const emu = await startEmulator();
  try {
    emu.addGithubApp({
      clientId: 'Iv1.a',
      clientSecret: 's',
      name: 'A',
      callbackUrls: ['http://localhost:3000/cb'],
    });
    emu.addGithubUser({ login: 'octo' });
    const consent = await emu.githubConsent({
      authorizeUrl: '/login/oauth/authorize?client_id=Iv1.a',
      decision: 'approve',
    });
    const code = new URL(consent.location!).searchParams.get('code')!;
    const t = await ghToken(emu, { client_id: 'Iv1.a', client_secret: 's', code });
    const revoke = await call(emu, 'POST', '/_emulator/github/grants/revoke', {
      json: { login: 'octo', client_id: 'Iv1.a' },
    });
    assert.deepEqual(revoke.json, { revoked: true });
    const refresh = await ghToken(emu, {
      client_id: 'Iv1.a',
      client_secret: 's',
      grant_type: 'refresh_token',
      refresh_token: String(t.body.refresh_token),
    });
    tokenError('bad_refresh_token')(refresh.body);
    const bad = await call(emu, 'POST', '/_emulator/github/grants/revoke', {
      json: { login: 'octo' },
    });
    assert.equal(bad.status, 400);

    const counters = await call(emu, 'GET', '/_emulator/counters');
    assert.deepEqual(counters.json, emu.counters());
    assert.equal(counters.json.github.codeExchanges, 1);
    assert.equal(counters.json.github.grantsRevoked, 1);
    assert.deepEqual(counters.json.github.tokenErrors, { bad_refresh_token: 1 });
    const reset = await call(emu, 'POST', '/_emulator/counters/reset');
    assert.equal(reset.json.github.codeExchanges, 0);
    assert.deepEqual(reset.json.github.tokenErrors, {});

    const index = await call(emu, 'GET', '/_emulator');
    const routes = new Map(
      index.json.routes.map((r: { method: string; path: string; description: string | null }) => [
        `${r.method} ${r.path}`,
        r.description,
      ]),
    );
    for (const r of [
      'POST /_emulator/github/apps',
      'PUT /_emulator/github/apps/:clientId',
      'POST /_emulator/github/users',
      'POST /_emulator/github/consent',
      'POST /_emulator/github/grants/revoke',
    ]) {
      assert.ok(routes.get(r), r);
    }
    assert.ok(index.json.api.some((n: string) => n.includes('/login/oauth/access_token')));
  } finally {
    await emu.close();
  }
});

test('the demo seed: a GitHub app on the vault’s callback pattern, a user with repos and issues', async () => {
  const emu = await startEmulator();
  try {
    const callback = 'http://localhost:3000/v1/oauth/callback/*';
    const seed = seedDemo(emu, callback);
    const consent = await emu.githubConsent({
      authorizeUrl: `/login/oauth/authorize?client_id=Iv1.demo-github-app&redirect_uri=${encodeURIComponent('http://localhost:3000/v1/oauth/callback/ac_9')}&state=s`,
      decision: 'approve',
    });
    assert.equal(consent.status, 302);
    const code = new URL(consent.location!).searchParams.get('code')!;
    const t = await ghToken(emu, {
      client_id: 'Iv1.demo-github-app',
      client_secret: 'demo-github-client-secret',
      code,
    });
    const me = await call(emu, 'GET', '/user', { auth: String(t.body.access_token) });
    assert.equal(me.json.login, 'ada-lovelace');
    assert.equal(me.json.id, seed.github.user.id);
    const issues = await call(emu, 'GET', '/repos/ada-lovelace/analytical-engine/issues', {
      auth: String(t.body.access_token),
    });
    assert.equal(issues.json.length, seed.github.issueNumbers.length);

    const banner = demoBanner(emu, seed, callback);
    for (const s of [
      `GITHUB_URL=${emu.url} GITHUB_API_URL=${emu.url}`,
      'Iv1.demo-github-app',
      'demo-github-client-secret',
      'ada-lovelace/analytical-engine',
    ]) {
      assert.ok(banner.includes(s), s);
    }
  } finally {
    await emu.close();
  }
});
