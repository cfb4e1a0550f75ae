import assert from 'node:assert/strict';
import { test } from 'node:test';
import { call } from './helpers.ts';
import {
  GH_CALLBACK,
  GH_CLIENT_ID,
  ghAuthorizeUrl,
  ghClickThrough,
  ghFormFields,
  s256,
  setupGithub,
} from './github-helpers.ts';

test('the consent page names the app (escaped), the account and where it redirects', async () => {
  const { emu } = await setupGithub();
  try {
    const page = await fetch(ghAuthorizeUrl(emu));
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type')!, /^text\/html/);
    assert.match(page.headers.get('content-security-policy')!, /frame-ancestors 'none'/);
    assert.equal(page.headers.get('cache-control'), 'no-store');
    const html = await page.text();
    assert.ok(html.includes('Authorize Test &lt;App&gt; &amp; Co'));
    assert.ok(!html.includes('<App>'));
    assert.ok(html.includes('Signed in as <strong>octo-ada (Ada Octo)</strong>'));
    assert.ok(html.includes(`<code>${GH_CALLBACK}</code>`));
    assert.ok(html.includes('action="/login/oauth/authorize"'));
    assert.deepEqual(Object.keys(ghFormFields(html)).sort(), ['login', 'request_id']);
  } finally {
    await emu.close();
  }
});

test('approve redirects to the callback with a 20-hex code and the state; the request is spent', async () => {
  const { emu } = await setupGithub();
  try {
    const page = await fetch(ghAuthorizeUrl(emu));
    const fields = ghFormFields(await page.text());
    const post = () =>
      fetch(`${emu.url}/login/oauth/authorize`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ ...fields, decision: 'approve' }).toString(),
        redirect: 'manual',
      });
    const res = await post();
    assert.equal(res.status, 302);
    const loc = new URL(res.headers.get('location')!);
    assert.equal(`${loc.origin}${loc.pathname}`, GH_CALLBACK);
    assert.match(loc.searchParams.get('code')!, /^[0-9a-f]{20}$/);
    assert.equal(loc.searchParams.get('state'), 'st-gh');
    const again = await post();
    assert.equal(again.status, 400);
    assert.equal(again.headers.get('location'), null);
  } finally {
    await emu.close();
  }
});

test('deny redirects with access_denied, a description, the error_uri and the state', async () => {
  const { emu } = await setupGithub();
  try {
    const res = await ghClickThrough(emu, 'deny');
    assert.equal(res.status, 302);
    const loc = new URL(res.headers.get('location')!);
    assert.equal(`${loc.origin}${loc.pathname}`, GH_CALLBACK);
    assert.equal(loc.searchParams.get('error'), 'access_denied');
    assert.equal(
      loc.searchParams.get('error_description'),
      'The user has denied your application access.',
    );
    assert.match(
      loc.searchParams.get('error_uri')!,
      /^https:\/\/docs\.github\.com\/.*#access-denied$/,
    );
    assert.equal(loc.searchParams.get('state'), 'st-gh');
    assert.equal(loc.searchParams.get('code'), null);
  } finally {
    await emu.close();
  }
});

test('an unknown client or a redirect_uri that is not the app’s: an error page, never a redirect', async () => {
  const { emu } = await setupGithub();
  try {
    for (const [params, status, text] of [
      [{ client_id: 'Iv1.nope' }, 404, 'Invalid client_id'],
      [{ client_id: undefined }, 404, 'Invalid client_id'],
      [{ redirect_uri: 'https://evil.example/cb' }, 400, 'redirect_uri is not associated'],
      [{ redirect_uri: `${GH_CALLBACK}/extra` }, 400, 'redirect_uri is not associated'],
      [{ redirect_uri: `${GH_CALLBACK}?x=1` }, 400, 'redirect_uri is not associated'],
    ] as const) {
      const res = await fetch(ghAuthorizeUrl(emu, params), { redirect: 'manual' });
      assert.equal(res.status, status, JSON.stringify(params));
      assert.equal(res.headers.get('location'), null);
      assert.ok((await res.text()).includes(text), JSON.stringify(params));
      const viaApi = await emu.githubConsent({
        authorizeUrl: ghAuthorizeUrl(emu, params),
        decision: 'deny',
      });
      assert.equal(viaApi.status, status);
      assert.equal(viaApi.location, undefined, 'not even a denial is redirected');
    }
  } finally {
    await emu.close();
  }
});

test('redirect_uri: any registered callback or /* pattern; none sent = the first (exact) one', async () => {
  const { emu } = await setupGithub(
    {},
    { callbackUrls: ['http://localhost:3000/first', 'http://localhost:4000/v1/oauth/callback/*'] },
  );
  try {
    const approve = (params: Record<string, string | undefined>) =>
      emu.githubConsent({ authorizeUrl: ghAuthorizeUrl(emu, params), decision: 'approve' });
    const patterned = await approve({
      redirect_uri: 'http://localhost:4000/v1/oauth/callback/ac_7',
    });
    assert.ok(patterned.location!.startsWith('http://localhost:4000/v1/oauth/callback/ac_7?code='));
    const deeper = await approve({ redirect_uri: 'http://localhost:4000/v1/oauth/callback/a/b' });
    assert.equal(deeper.status, 400);
    const none = await approve({ redirect_uri: undefined, state: undefined });
    assert.match(none.location!, /^http:\/\/localhost:3000\/first\?code=[0-9a-f]{20}$/);

    emu.setGithubAppCallbacks(GH_CLIENT_ID, ['http://localhost:4000/v1/oauth/callback/*']);
    const patternFirst = await approve({ redirect_uri: undefined });
    assert.equal(patternFirst.status, 400);
    assert.ok(patternFirst.body!.includes('redirect_uri is required'));
  } finally {
    await emu.close();
  }
});

test('a callback removed while the consent page is open: the decision shows an error page', async () => {
  const { emu } = await setupGithub();
  try {
    const page = await fetch(ghAuthorizeUrl(emu));
    const fields = ghFormFields(await page.text());
    emu.setGithubAppCallbacks(GH_CLIENT_ID, ['http://localhost:3000/other']);
    const res = await fetch(`${emu.url}/login/oauth/authorize`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...fields, decision: 'deny' }).toString(),
      redirect: 'manual',
    });
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('location'), null);
  } finally {
    await emu.close();
  }
});

test('PKCE parameters: S256 with a 43-character challenge only', async () => {
  const { emu } = await setupGithub();
  try {
    const good = s256('a-verifier-of-enough-length-0123456789-abcdefgh');
    const ok = await fetch(
      ghAuthorizeUrl(emu, { code_challenge: good, code_challenge_method: 'S256' }),
    );
    assert.equal(ok.status, 200);
    for (const params of [
      { code_challenge: good, code_challenge_method: 'plain' },
      { code_challenge: good },
      { code_challenge: 'short', code_challenge_method: 'S256' },
      { code_challenge_method: 'S256' },
    ]) {
      const res = await fetch(ghAuthorizeUrl(emu, params), { redirect: 'manual' });
      assert.equal(res.status, 400, JSON.stringify(params));
      assert.match(await res.text(), /code_challenge/);
    }
  } finally {
    await emu.close();
  }
});

test('several users: a picker, or the login hint signs the page in; the chosen user gets the code', async () => {
  const { emu } = await setupGithub();
  try {
    emu.addGithubUser({ login: 'grace', name: 'Grace H' });
    const picker = await (await fetch(ghAuthorizeUrl(emu))).text();
    assert.match(picker, /<select id="login" name="login" required>/);
    const hinted = await (await fetch(ghAuthorizeUrl(emu, { login: 'GRACE' }))).text();
    assert.ok(hinted.includes('Signed in as <strong>grace (Grace H)</strong>'));
    assert.doesNotMatch(hinted, /<select/);

    // The code belongs to the user who approved (checked through the token's /user).
    const res = await ghClickThrough(emu, 'approve', { login: 'grace' });
    const code = new URL(res.headers.get('location')!).searchParams.get('code')!;
    const tokens = await call(emu, 'POST', '/login/oauth/access_token', {
      json: { client_id: GH_CLIENT_ID, client_secret: 'gh-test-secret', code },
      headers: { accept: 'application/json' },
    });
    const me = await call(emu, 'GET', '/user', { auth: tokens.json.access_token });
    assert.equal(me.json.login, 'grace');

    const unknown = await ghClickThrough(emu, 'approve', {}, { login: 'nobody' });
    assert.equal(unknown.status, 400);
  } finally {
    await emu.close();
  }
});

test('POST /_emulator/github/consent approves or denies without a browser', async () => {
  const { emu } = await setupGithub();
  try {
    const approve = await call(emu, 'POST', '/_emulator/github/consent', {
      json: { authorize_url: ghAuthorizeUrl(emu), decision: 'approve', login: 'octo-ada' },
    });
    assert.equal(approve.status, 200);
    assert.equal(approve.json.status, 302);
    assert.match(approve.json.location, /\?code=[0-9a-f]{20}&state=st-gh$/);
    const deny = await call(emu, 'POST', '/_emulator/github/consent', {
      json: { authorizeUrl: ghAuthorizeUrl(emu), decision: 'deny' },
    });
    assert.match(deny.json.location, /\?error=access_denied&/);
    const bad = await call(emu, 'POST', '/_emulator/github/consent', {
      json: { authorize_url: ghAuthorizeUrl(emu), decision: 'maybe' },
    });
    assert.equal(bad.status, 400);
  } finally {
    await emu.close();
  }
});
