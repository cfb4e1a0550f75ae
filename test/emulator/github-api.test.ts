import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Emulator } from '../../src/emulator/index.ts';
import { call } from './helpers.ts';
import {
  basic,
  GH_CLIENT_ID,
  GH_SECRET,
  ghLogin,
  ghRefresh,
  setupGithub,
  tokenError,
} from './github-helpers.ts';

// One emulator for the read-mostly tests of this file; the clock is never moved here.
let emu: Emulator;
let token: string;

before(async () => {
  emu = (await setupGithub()).emu;
  emu.addGithubUser({
    login: 'grace',
    id: 7,
    repos: [{ name: 'cobol' }, { name: 'hidden', private: true }],
  });
  emu.addGithubIssue('grace', 'cobol', { title: 'Grace’s issue' });
  token = (await ghLogin(emu)).access_token;
});
after(() => emu.close());

test('GET /user: the token owner, with Bearer or GitHub’s older `token` scheme', async () => {
  for (const auth of [`Bearer ${token}`, `token ${token}`]) {
    const me = await call(emu, 'GET', '/user', { headers: { authorization: auth } });
    assert.equal(me.status, 200);
    assert.equal(me.json.id, 42);
    assert.equal(me.json.login, 'octo-ada');
    assert.equal(me.json.name, 'Ada Octo');
    assert.equal(me.json.email, 'ada@example.com');
    assert.equal(me.json.type, 'User');
    assert.equal(me.json.public_repos, 1);
    assert.match(me.json.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  }
});

test('GET /user: 401 Bad credentials for an unknown token, Requires authentication without one', async () => {
  const before = emu.counters().github.badCredentials;
  const bad = await call(emu, 'GET', '/user', { auth: 'ghu_000000000000000000000000000000000000' });
  assert.equal(bad.status, 401);
  assert.deepEqual(bad.json, {
    message: 'Bad credentials',
    documentation_url: 'https://docs.github.com/rest',
    status: '401',
  });
  const none = await call(emu, 'GET', '/user');
  assert.equal(none.status, 401);
  assert.equal(none.json.message, 'Requires authentication');
  assert.equal(emu.counters().github.badCredentials, before + 1, 'no token is not a bad one');
});

test('X-GitHub-Api-Version: 2022-11-28 is served; an unknown version is a 400', async () => {
  const ok = await call(emu, 'GET', '/user', {
    auth: token,
    headers: { 'x-github-api-version': '2022-11-28', accept: 'application/vnd.github+json' },
  });
  assert.equal(ok.status, 200);
  assert.equal(ok.headers.get('x-github-api-version-selected'), '2022-11-28');
  const bad = await call(emu, 'GET', '/user', {
    auth: token,
    headers: { 'x-github-api-version': '2099-01-01' },
  });
  assert.equal(bad.status, 400);
  assert.match(bad.json.message, /2099-01-01/);
});

test('GET /user/repos: the user’s repos (private ones included), paged with a Link header', async () => {
  const all = await call(emu, 'GET', '/user/repos', { auth: token });
  assert.equal(all.status, 200);
  assert.deepEqual(
    all.json.map((r: { full_name: string; private: boolean }) => [r.full_name, r.private]),
    [
      ['octo-ada/engine', false],
      ['octo-ada/secrets', true],
    ],
  );
  assert.equal(all.headers.get('link'), null);
  const gz = await call(emu, 'GET', '/user/repos', {
    auth: token,
    headers: { 'accept-encoding': 'gzip' },
  });
  assert.equal(gz.headers.get('content-encoding'), 'gzip', 'JSON above 1 KB is gzipped');
  assert.deepEqual(gz.json, all.json);
  const first = await call(emu, 'GET', '/user/repos?per_page=1', { auth: token });
  assert.equal(first.json.length, 1);
  const link = first.headers.get('link')!;
  assert.match(link, /<http:\/\/[^>]+\/user\/repos\?per_page=1&page=2>; rel="next"/);
  assert.match(link, /page=2>; rel="last"/);
  const second = await call(emu, 'GET', '/user/repos?per_page=1&page=2', { auth: token });
  assert.equal(second.json[0].name, 'secrets');
  assert.match(second.headers.get('link')!, /page=1>; rel="prev"/);
});

test('GET /repos/:owner/:repo: own (any), others’ public; others’ private and unknown are 404', async () => {
  const own = await call(emu, 'GET', '/repos/OCTO-ADA/secrets', { auth: token });
  assert.equal(own.status, 200, 'owner and name are case-insensitive');
  assert.equal(own.json.full_name, 'octo-ada/secrets');
  assert.equal(own.json.visibility, 'private');
  assert.equal(own.json.permissions.push, true);
  const theirs = await call(emu, 'GET', '/repos/grace/cobol', { auth: token });
  assert.equal(theirs.status, 200);
  assert.equal(theirs.json.owner.login, 'grace');
  assert.equal(theirs.json.permissions.push, false);
  for (const path of ['/repos/grace/hidden', '/repos/grace/none', '/repos/nobody/x']) {
    const res = await call(emu, 'GET', path, { auth: token });
    assert.equal(res.status, 404, path);
    assert.equal(res.json.message, 'Not Found');
  }
});

test('issues: create (201 + Location), get, list newest first with state filter', async () => {
  const created = await call(emu, 'POST', '/repos/octo-ada/engine/issues', {
    auth: token,
    json: { title: 'From the proxy', body: 'hello' },
  });
  assert.equal(created.status, 201);
  assert.equal(created.json.title, 'From the proxy');
  assert.equal(created.json.state, 'open');
  assert.equal(created.json.user.login, 'octo-ada');
  assert.equal(created.headers.get('location'), created.json.url);
  const n = created.json.number as number;
  const one = await call(emu, 'GET', `/repos/octo-ada/engine/issues/${n}`, { auth: token });
  assert.equal(one.status, 200);
  assert.equal(one.json.body, 'hello');
  const second = await call(emu, 'POST', '/repos/octo-ada/engine/issues', {
    auth: token,
    json: { title: 'Second' },
  });
  const list = await call(emu, 'GET', '/repos/octo-ada/engine/issues', { auth: token });
  assert.deepEqual(
    list.json.slice(0, 2).map((i: { number: number }) => i.number),
    [second.json.number, n],
  );
  const closed = await call(emu, 'GET', '/repos/octo-ada/engine/issues?state=closed', {
    auth: token,
  });
  assert.deepEqual(closed.json, []);
  const missing = await call(emu, 'GET', '/repos/octo-ada/engine/issues/999', { auth: token });
  assert.equal(missing.status, 404);
  const bad = await call(emu, 'GET', '/repos/octo-ada/engine/issues?state=weird', { auth: token });
  assert.equal(bad.status, 422);
});

test('issues: others’ repos are read-only for the app; bad bodies are 422 or 400', async () => {
  const theirs = await call(emu, 'GET', '/repos/grace/cobol/issues', { auth: token });
  assert.equal(theirs.json[0].title, 'Grace’s issue');
  const write = await call(emu, 'POST', '/repos/grace/cobol/issues', {
    auth: token,
    json: { title: 'nope' },
  });
  assert.equal(write.status, 403);
  assert.equal(write.json.message, 'Resource not accessible by integration');
  const noTitle = await call(emu, 'POST', '/repos/octo-ada/engine/issues', {
    auth: token,
    json: { body: 'no title' },
  });
  assert.equal(noTitle.status, 422);
  assert.match(noTitle.json.message, /"title" wasn't supplied/);
  const broken = await call(emu, 'POST', '/repos/octo-ada/engine/issues', {
    auth: token,
    body: '{"title":',
    headers: { 'content-type': 'application/json' },
  });
  assert.equal(broken.status, 400);
  assert.equal(broken.json.message, 'Problems parsing JSON');
  assert.equal(broken.json.status, '400');
});

// Last in the file: it revokes the grant the shared token belongs to.
test('DELETE /applications/:client_id/grant: the app revokes the user’s grant (Basic auth)', async () => {
  const t = await ghLogin(emu);
  const path = `/applications/${GH_CLIENT_ID}/grant`;
  const noAuth = await call(emu, 'DELETE', path, { json: { access_token: t.access_token } });
  assert.equal(noAuth.status, 401);
  const wrong = await call(emu, 'DELETE', path, {
    auth: basic(GH_CLIENT_ID, 'wrong'),
    json: { access_token: t.access_token },
  });
  assert.equal(wrong.status, 401);
  assert.equal(wrong.json.message, 'Bad credentials');
  const noToken = await call(emu, 'DELETE', path, {
    auth: basic(GH_CLIENT_ID, GH_SECRET),
    json: {},
  });
  assert.equal(noToken.status, 422);
  const unknown = await call(emu, 'DELETE', path, {
    auth: basic(GH_CLIENT_ID, GH_SECRET),
    json: { access_token: 'ghu_unknown' },
  });
  assert.equal(unknown.status, 404);
  emu.addGithubApp({
    clientId: 'Iv1.another',
    clientSecret: 'another-secret',
    name: 'Another',
    callbackUrls: ['http://localhost:3000/x'],
  });
  const foreign = await call(emu, 'DELETE', '/applications/Iv1.another/grant', {
    auth: basic(GH_CLIENT_ID, GH_SECRET),
    json: { access_token: t.access_token },
  });
  assert.equal(foreign.status, 404, 'an app revokes only its own grants');
  assert.equal((await call(emu, 'GET', '/user', { auth: t.access_token })).status, 200);

  const before = emu.counters().github.grantsRevoked;
  const done = await call(emu, 'DELETE', path, {
    auth: basic(GH_CLIENT_ID, GH_SECRET),
    json: { access_token: t.access_token },
  });
  assert.equal(done.status, 204);
  assert.equal(done.text, '');
  assert.equal((await call(emu, 'GET', '/user', { auth: t.access_token })).status, 401);
  assert.equal((await call(emu, 'GET', '/user', { auth: token })).status, 401, 'every token');
  tokenError('bad_refresh_token')((await ghRefresh(emu, t.refresh_token)).body);
  assert.equal(emu.counters().github.grantsRevoked, before + 1);
});
