import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import {
  CALLBACK,
  CLIENT_ID,
  CLIENT_SECRET,
  api,
  authorizeUrl,
  exchange,
  getCode,
  postToken,
  refresh,
  setup,
} from './helpers.ts';

test('code exchange with a JSON body, then refresh rotates', async () => {
  const { emu } = await setup();
  try {
    const res = await exchange(emu, await getCode(emu));
    assert.equal(res.status, 200);
    assert.equal(res.json.token_type, 'Bearer');
    assert.equal(res.json.expires_in, 3600);
    assert.equal(
      res.json.scope,
      'read:jira-work read:jira-user read:confluence-content.all offline_access read:me',
    );
    assert.equal(typeof res.json.access_token, 'string');
    assert.equal(typeof res.json.refresh_token, 'string');
    const r1 = await refresh(emu, res.json.refresh_token as string);
    assert.equal(r1.status, 200);
    assert.notEqual(r1.json.refresh_token, res.json.refresh_token);
    assert.notEqual(r1.json.access_token, res.json.access_token);
    const r2 = await refresh(emu, r1.json.refresh_token as string);
    assert.equal(r2.status, 200);
    const c = emu.counters();
    assert.equal(c.codeExchanges, 1);
    assert.equal(c.refreshes, 2);
    assert.deepEqual(Object.values(c.refreshesByFamily), [2]);
    assert.equal(c.tokenRequests, 3);
  } finally {
    await emu.close();
  }
});

test('code exchange with a form body and with HTTP Basic client auth', async () => {
  const { emu } = await setup();
  try {
    const form = await postToken(
      emu,
      {
        grant_type: 'authorization_code',
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        code: await getCode(emu),
        redirect_uri: CALLBACK,
      },
      true,
    );
    assert.equal(form.status, 200, JSON.stringify(form.json));
    assert.ok(form.json.refresh_token);
    const basic = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;
    const viaBasic = await postToken(
      emu,
      { grant_type: 'authorization_code', code: await getCode(emu), redirect_uri: CALLBACK },
      true,
      { authorization: basic },
    );
    assert.equal(viaBasic.status, 200, JSON.stringify(viaBasic.json));
  } finally {
    await emu.close();
  }
});

test('no refresh token without offline_access', async () => {
  const { emu } = await setup();
  try {
    const res = await exchange(emu, await getCode(emu, { scope: 'read:jira-work' }));
    assert.equal(res.status, 200);
    assert.equal(res.json.refresh_token, undefined);
    assert.equal(res.json.scope, 'read:jira-work');
  } finally {
    await emu.close();
  }
});

test('client authentication errors', async () => {
  const { emu } = await setup();
  try {
    const code = await getCode(emu);
    const wrong = await exchange(emu, code, { client_secret: 'nope' });
    assert.equal(wrong.status, 401);
    assert.deepEqual(wrong.json, { error: 'access_denied', error_description: 'Unauthorized' });
    const unknown = await exchange(emu, code, { client_id: 'who' });
    assert.equal(unknown.status, 401);
    assert.equal(unknown.json.error, 'unauthorized_client');
    const missing = await postToken(emu, {
      grant_type: 'authorization_code',
      client_id: CLIENT_ID,
    });
    assert.equal(missing.status, 400);
    assert.equal(missing.json.error, 'invalid_request');
    const noGrant = await postToken(emu, { client_id: CLIENT_ID, client_secret: CLIENT_SECRET });
    assert.equal(noGrant.json.error, 'invalid_request');
    const weird = await postToken(emu, {
      grant_type: 'password',
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
    });
    assert.equal(weird.status, 400);
    assert.equal(weird.json.error, 'unsupported_grant_type');
    // the code survived the failed attempts
    assert.equal((await exchange(emu, code)).status, 200);
  } finally {
    await emu.close();
  }
});

test('bad, mismatched, expired and replayed codes get 403 invalid_grant', async () => {
  const { emu } = await setup({ authCodeTtlSeconds: 60 });
  try {
    const invalid = { error: 'invalid_grant', error_description: 'Invalid authorization code' };
    const bad = await exchange(emu, 'not-a-code');
    assert.equal(bad.status, 403);
    assert.deepEqual(bad.json, invalid);
    const code = await getCode(emu);
    assert.deepEqual((await exchange(emu, code, { redirect_uri: `${CALLBACK}/` })).json, invalid);
    const expiring = await getCode(emu);
    // replay: the second use fails and kills the tokens issued from the first
    const first = await exchange(emu, code);
    assert.equal(first.status, 200);
    assert.equal((await api(emu, '/me', first.json.access_token as string)).status, 200);
    emu.clock.advance(61);
    assert.deepEqual((await exchange(emu, expiring)).json, invalid);
    const replay = await exchange(emu, code);
    assert.equal(replay.status, 403);
    assert.deepEqual(replay.json, invalid);
    assert.equal((await api(emu, '/me', first.json.access_token as string)).status, 401);
    assert.equal((await refresh(emu, first.json.refresh_token as string)).status, 403);
    const c = emu.counters();
    assert.equal(c.familiesRevoked, 1);
    assert.equal(c.invalidGrant, 5);
  } finally {
    await emu.close();
  }
});

test('PKCE S256: the verifier must match the challenge', async () => {
  const { emu } = await setup();
  try {
    const verifier = 'a'.repeat(43) + 'verifier-0123456789';
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const pkce = { code_challenge: challenge, code_challenge_method: 'S256' };
    const code = await getCode(emu, pkce);
    assert.equal((await exchange(emu, code)).status, 403, 'missing verifier');
    assert.equal((await exchange(emu, code, { code_verifier: 'wrong' })).status, 403);
    const ok = await exchange(emu, code, { code_verifier: verifier });
    assert.equal(ok.status, 200, JSON.stringify(ok.json));
    // without a challenge, no verifier is needed
    assert.equal((await exchange(emu, await getCode(emu))).status, 200);
  } finally {
    await emu.close();
  }
});

test('PKCE plain: the verifier must equal the challenge exactly', async () => {
  const { emu } = await setup();
  try {
    const challenge = 'plain-challenge-0123456789-abcdefghijklmnopqrstuvw';
    for (const params of [
      { code_challenge: challenge, code_challenge_method: 'plain' },
      { code_challenge: challenge }, // RFC 7636: the method defaults to plain
    ]) {
      const code = await getCode(emu, params);
      assert.equal((await exchange(emu, code)).status, 403, 'missing verifier');
      for (const wrong of [challenge.toUpperCase(), `${challenge} `, challenge.slice(1)]) {
        const r = await exchange(emu, code, { code_verifier: wrong });
        assert.equal(r.status, 403);
        assert.equal(r.json.error, 'invalid_grant');
      }
      // a plain challenge is not S256 of the verifier
      const s256 = createHash('sha256').update(challenge).digest('base64url');
      assert.equal((await exchange(emu, code, { code_verifier: s256 })).status, 403);
      assert.equal((await exchange(emu, code, { code_verifier: challenge })).status, 200);
    }
  } finally {
    await emu.close();
  }
});

test('PKCE S256: the plain challenge as verifier fails; an unknown method is an error page', async () => {
  const { emu } = await setup();
  try {
    const verifier = 'v'.repeat(50);
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const code = await getCode(emu, { code_challenge: challenge, code_challenge_method: 'S256' });
    const r = await exchange(emu, code, { code_verifier: challenge });
    assert.deepEqual(r.json, {
      error: 'invalid_grant',
      error_description: 'Invalid authorization code',
    });
    assert.equal((await exchange(emu, code, { code_verifier: verifier })).status, 200);
    const page = await fetch(
      authorizeUrl(emu, { code_challenge: challenge, code_challenge_method: 'S512' }),
      { redirect: 'manual' },
    );
    assert.equal(page.status, 400);
  } finally {
    await emu.close();
  }
});

test('a code_verifier for a code issued without a challenge is refused (PKCE downgrade)', async () => {
  const { emu } = await setup();
  try {
    const code = await getCode(emu);
    const r = await exchange(emu, code, { code_verifier: 'v'.repeat(50) });
    assert.equal(r.status, 403);
    assert.equal(r.json.error, 'invalid_grant');
    // the refused attempt did not use the code up
    assert.equal((await exchange(emu, code)).status, 200);
  } finally {
    await emu.close();
  }
});

test('custom access token TTL from the app', async () => {
  const { emu } = await setup({}, { accessTokenTtlSeconds: 120 });
  try {
    const res = await exchange(emu, await getCode(emu));
    assert.equal(res.json.expires_in, 120);
    const at = res.json.access_token as string;
    assert.equal((await api(emu, '/me', at)).status, 200);
    emu.clock.advance(121);
    assert.equal((await api(emu, '/me', at)).status, 401);
  } finally {
    await emu.close();
  }
});
