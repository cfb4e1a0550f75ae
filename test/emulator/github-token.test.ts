import assert from 'node:assert/strict';
import { test } from 'node:test';
import { call } from './helpers.ts';
import {
  basic,
  GH_CALLBACK,
  GH_CLIENT_ID,
  GH_SECRET,
  ghCode,
  ghExchange,
  ghToken,
  s256,
  setupGithub,
  tokenError,
} from './github-helpers.ts';

const VERIFIER = 'a-verifier-of-enough-length-0123456789-abcdefgh';

test('code exchange: ghu_ access token, 8 h, ghr_ refresh token, ~6 months, empty scope, bearer', async () => {
  const { emu } = await setupGithub();
  try {
    const res = await ghExchange(emu, await ghCode(emu));
    assert.equal(res.status, 200);
    assert.match(res.contentType, /^application\/json/);
    const b = res.body;
    assert.deepEqual(Object.keys(b), [
      'access_token',
      'expires_in',
      'refresh_token',
      'refresh_token_expires_in',
      'scope',
      'token_type',
    ]);
    assert.match(String(b.access_token), /^ghu_[A-Za-z0-9]{36}$/);
    assert.match(String(b.refresh_token), /^ghr_[A-Za-z0-9]{76}$/);
    assert.equal(b.expires_in, 28800);
    assert.equal(b.refresh_token_expires_in, 15897600);
    assert.equal(b.scope, '');
    assert.equal(b.token_type, 'bearer');
    const me = await call(emu, 'GET', '/user', { auth: String(b.access_token) });
    assert.equal(me.status, 200);
    const c = emu.counters().github;
    assert.equal(c.tokenRequests, 1);
    assert.equal(c.codeExchanges, 1);
  } finally {
    await emu.close();
  }
});

test('the answer is JSON only with Accept: application/json, form-encoded otherwise (errors too)', async () => {
  const { emu } = await setupGithub();
  try {
    const params = (code: string) => ({
      client_id: GH_CLIENT_ID,
      client_secret: GH_SECRET,
      code,
      redirect_uri: GH_CALLBACK,
    });
    for (const accept of [null, '*/*', 'application/vnd.github+json', 'application/json;q=0']) {
      const res = await ghToken(emu, params(await ghCode(emu)), { accept, form: true });
      assert.equal(res.status, 200);
      assert.match(res.contentType, /^application\/x-www-form-urlencoded/, String(accept));
      assert.match(String(res.body.access_token), /^ghu_/);
      assert.equal(res.body.expires_in, '28800');
      assert.equal(res.body.scope, '');
    }
    const json = await ghToken(emu, params(await ghCode(emu)), {
      accept: 'text/html, application/json;q=0.5',
      form: true,
    });
    assert.match(json.contentType, /^application\/json/);
    const formError = await ghToken(emu, params('nope'), { accept: null });
    assert.equal(formError.status, 200);
    assert.match(formError.contentType, /^application\/x-www-form-urlencoded/);
    tokenError('bad_verification_code')(formError.body);
  } finally {
    await emu.close();
  }
});

test('client credentials: body, Basic or query string; wrong ones answer 200 incorrect_client_credentials', async () => {
  const { emu } = await setupGithub();
  try {
    const basicRes = await ghToken(
      emu,
      { code: await ghCode(emu), redirect_uri: GH_CALLBACK },
      { headers: { authorization: basic(GH_CLIENT_ID, GH_SECRET) } },
    );
    assert.match(String(basicRes.body.access_token), /^ghu_/);

    const q = new URLSearchParams({
      client_id: GH_CLIENT_ID,
      client_secret: GH_SECRET,
      code: await ghCode(emu),
    });
    const viaQuery = await fetch(`${emu.url}/login/oauth/access_token?${q}`, {
      method: 'POST',
      headers: { accept: 'application/json' },
    });
    assert.match(
      String(((await viaQuery.json()) as { access_token: string }).access_token),
      /^ghu_/,
    );

    const code = await ghCode(emu);
    for (const creds of [
      { client_id: GH_CLIENT_ID, client_secret: 'wrong' } as Record<string, string>,
      { client_id: 'Iv1.unknown', client_secret: GH_SECRET },
      { client_id: GH_CLIENT_ID },
      {},
    ]) {
      const res = await ghToken(emu, { ...creds, code });
      assert.equal(res.status, 200);
      tokenError('incorrect_client_credentials')(res.body);
    }
    assert.match(String((await ghExchange(emu, code)).body.access_token), /^ghu_/, 'code unspent');
    assert.equal(emu.counters().github.tokenErrors.incorrect_client_credentials, 4);
  } finally {
    await emu.close();
  }
});

test('bad_verification_code: unknown, reused, expired (emulator clock), another app’s code', async () => {
  const { emu } = await setupGithub();
  try {
    emu.addGithubApp({
      clientId: 'Iv1.other',
      clientSecret: 'other-secret',
      name: 'Other',
      callbackUrls: [GH_CALLBACK],
    });
    assert.equal(
      (await ghExchange(emu, 'ffffffffffffffffffff')).body.error,
      'bad_verification_code',
    );

    const code = await ghCode(emu);
    const first = await ghExchange(emu, code);
    assert.match(String(first.body.access_token), /^ghu_/);
    const reuse = await ghExchange(emu, code);
    assert.equal(reuse.status, 200);
    tokenError('bad_verification_code')(reuse.body);
    const stillAlive = await call(emu, 'GET', '/user', { auth: String(first.body.access_token) });
    assert.equal(stillAlive.status, 200, 'a replayed code does not revoke what it gave');

    const late = await ghCode(emu);
    emu.clock.advance(601);
    tokenError('bad_verification_code')((await ghExchange(emu, late)).body);

    const theirs = await ghCode(emu);
    const other = await ghToken(emu, {
      client_id: 'Iv1.other',
      client_secret: 'other-secret',
      code: theirs,
    });
    tokenError('bad_verification_code')(other.body);
    assert.equal(emu.counters().github.tokenErrors.bad_verification_code, 4);
  } finally {
    await emu.close();
  }
});

test('redirect_uri at the exchange: may be left out; if sent it must be the authorize request’s', async () => {
  const { emu } = await setupGithub({}, { callbackUrls: [GH_CALLBACK, 'http://localhost:3000/b'] });
  try {
    const code = await ghCode(emu);
    const mismatch = await ghExchange(emu, code, { redirect_uri: 'http://localhost:3000/b' });
    tokenError('redirect_uri_mismatch')(mismatch.body);
    const omitted = await ghToken(emu, { client_id: GH_CLIENT_ID, client_secret: GH_SECRET, code });
    assert.match(String(omitted.body.access_token), /^ghu_/);
  } finally {
    await emu.close();
  }
});

test('PKCE: the right verifier passes; a wrong or missing one fails; none is asked without a challenge', async () => {
  const { emu } = await setupGithub();
  try {
    const pkce = { code_challenge: s256(VERIFIER), code_challenge_method: 'S256' };
    const code = await ghCode(emu, pkce);
    tokenError('bad_verification_code')(
      (await ghExchange(emu, code, { code_verifier: 'wrong' })).body,
    );
    tokenError('bad_verification_code')((await ghExchange(emu, code)).body);
    const right = await ghExchange(emu, code, { code_verifier: VERIFIER });
    assert.match(String(right.body.access_token), /^ghu_/, 'failed attempts do not spend the code');

    const plain = await ghCode(emu);
    const downgrade = await ghExchange(emu, plain, { code_verifier: VERIFIER });
    tokenError('bad_verification_code')(downgrade.body);
    assert.match(String((await ghExchange(emu, plain)).body.access_token), /^ghu_/);
  } finally {
    await emu.close();
  }
});

test('unverified_user_email: a user whose primary email is not verified gets no token', async () => {
  const { emu } = await setupGithub();
  try {
    emu.addGithubUser({ login: 'unverified', emailVerified: false });
    const res = await emu.githubConsent({
      authorizeUrl: `/login/oauth/authorize?client_id=${GH_CLIENT_ID}&redirect_uri=${encodeURIComponent(GH_CALLBACK)}`,
      decision: 'approve',
      login: 'unverified',
    });
    const code = new URL(res.location!).searchParams.get('code')!;
    tokenError('unverified_user_email')((await ghExchange(emu, code)).body);
  } finally {
    await emu.close();
  }
});

test('an unknown grant_type is a 200 error; authorization_code is accepted as well as none', async () => {
  const { emu } = await setupGithub();
  try {
    const code = await ghCode(emu);
    tokenError('unsupported_grant_type')(
      (await ghExchange(emu, code, { grant_type: 'client_credentials' })).body,
    );
    const ok = await ghExchange(emu, code, { grant_type: 'authorization_code' });
    assert.match(String(ok.body.access_token), /^ghu_/);
  } finally {
    await emu.close();
  }
});

test('an app without expiring tokens: no refresh_token, no expires_in, and the token lives on', async () => {
  const { emu } = await setupGithub({}, { expiringTokens: false });
  try {
    const res = await ghExchange(emu, await ghCode(emu));
    assert.deepEqual(Object.keys(res.body), ['access_token', 'scope', 'token_type']);
    emu.clock.advance(400 * 86_400);
    const me = await call(emu, 'GET', '/user', { auth: String(res.body.access_token) });
    assert.equal(me.status, 200);
  } finally {
    await emu.close();
  }
});

test('token lifetimes can be shortened per app for tests', async () => {
  const { emu } = await setupGithub({}, { accessTokenTtlSeconds: 60, refreshTokenTtlSeconds: 120 });
  try {
    const res = await ghExchange(emu, await ghCode(emu));
    assert.equal(res.body.expires_in, 60);
    assert.equal(res.body.refresh_token_expires_in, 120);
  } finally {
    await emu.close();
  }
});
