import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startEmulator } from '../../src/emulator/index.ts';
import {
  CALLBACK,
  CLIENT_ID,
  authorizeUrl,
  call,
  clickThrough,
  exchange,
  setup,
} from './helpers.ts';

const PATTERN = 'http://localhost:3000/v1/oauth/callback/*';

async function expectErrorPage(url: string): Promise<void> {
  const res = await fetch(url, { redirect: 'manual' });
  assert.equal(res.status, 400, url);
  assert.equal(res.headers.get('location'), null);
  assert.ok((await res.text()).includes('redirect_uri'));
}

test('exact callback: only the registered URL, trailing slash and case included', async () => {
  const { emu } = await setup();
  try {
    assert.equal((await fetch(authorizeUrl(emu))).status, 200);
    for (const redirect of [
      `${CALLBACK}/`,
      `${CALLBACK}/ac_1`,
      `${CALLBACK}?x=1`,
      CALLBACK.toUpperCase(),
      CALLBACK.replace('localhost', '127.0.0.1'),
    ]) {
      await expectErrorPage(authorizeUrl(emu, { redirect_uri: redirect }));
    }
  } finally {
    await emu.close();
  }
});

test('a /* pattern matches exactly one more non-empty path segment', async () => {
  const { emu } = await setup({}, { callbackUrl: PATTERN });
  try {
    const base = 'http://localhost:3000/v1/oauth/callback';
    for (const ok of [`${base}/ac_123`, `${base}/ac_x-Y.z~9`]) {
      const res = await clickThrough(emu, 'approve', { redirect_uri: ok });
      assert.equal(res.status, 302, ok);
      const loc = new URL(res.headers.get('location')!);
      assert.equal(`${loc.origin}${loc.pathname}`, ok);
      // the code is bound to the redirect_uri it was issued for
      const code = loc.searchParams.get('code')!;
      assert.equal((await exchange(emu, code, { redirect_uri: `${base}/ac_other` })).status, 403);
    }
    const code = new URL(
      (await clickThrough(emu, 'approve', { redirect_uri: `${base}/ac_9` })).headers.get(
        'location',
      )!,
    ).searchParams.get('code')!;
    assert.equal((await exchange(emu, code, { redirect_uri: `${base}/ac_9` })).status, 200);

    for (const bad of [
      `${base}/`,
      base,
      `${base}/a/b`,
      `${base}/ac_1?x`,
      `${base}/ac_1#f`,
      `${base}/..`,
      `${base}/.`,
      `http://localhost:3000/v1/oauth/callbackX/ac_1`,
      `http://localhost:3001/v1/oauth/callback/ac_1`,
      `https://localhost:3000/v1/oauth/callback/ac_1`,
    ]) {
      await expectErrorPage(authorizeUrl(emu, { redirect_uri: bad }));
    }
    // the pattern itself is not a redirect_uri
    await expectErrorPage(authorizeUrl(emu, { redirect_uri: PATTERN }));
  } finally {
    await emu.close();
  }
});

test('invalid callback URLs and patterns are refused', async () => {
  const emu = await startEmulator();
  try {
    const app = { clientId: 'c', clientSecret: 's', name: 'n', scopes: [] };
    for (const callbackUrl of [
      'not a url',
      '/relative/*',
      'http://x/*/a',
      'http://x/a*',
      'http://x/a?q=1/*',
      'ftp://x/cb/*',
      '',
    ]) {
      assert.throws(() => emu.addApp({ ...app, callbackUrl }), /callbackUrl/, callbackUrl);
    }
    emu.addApp({ ...app, callbackUrl: 'http://x/cb' });
    assert.throws(() => emu.setAppCallback('c', 'http://x/*/y'), /callbackUrl/);
    assert.throws(() => emu.setAppCallback('nope', 'http://x/cb'), /unknown app/);
  } finally {
    await emu.close();
  }
});

test('setAppCallback and PUT /_emulator/apps/:clientId change the callback as the console does', async () => {
  const { emu } = await setup();
  try {
    emu.setAppCallback(CLIENT_ID, `${CALLBACK}/`);
    await expectErrorPage(authorizeUrl(emu));
    assert.equal((await fetch(authorizeUrl(emu, { redirect_uri: `${CALLBACK}/` }))).status, 200);

    const put = await call(emu, 'PUT', `/_emulator/apps/${CLIENT_ID}`, {
      json: { callback_url: PATTERN },
    });
    assert.equal(put.status, 200);
    assert.equal(put.json.callbackUrl, PATTERN);
    assert.equal(put.json.clientSecret, undefined);
    const ok = authorizeUrl(emu, { redirect_uri: `${CALLBACK}/ac_1` });
    assert.equal((await fetch(ok)).status, 200);
    const camel = await call(emu, 'PUT', `/_emulator/apps/${CLIENT_ID}`, {
      json: { callbackUrl: CALLBACK },
    });
    assert.equal(camel.status, 200);
    assert.equal((await fetch(authorizeUrl(emu))).status, 200);
    assert.equal(
      (await call(emu, 'PUT', '/_emulator/apps/nope', { json: { callbackUrl: CALLBACK } })).status,
      404,
    );
    assert.equal(
      (await call(emu, 'PUT', `/_emulator/apps/${CLIENT_ID}`, { json: {} })).status,
      400,
    );
    const listed = await call(emu, 'GET', '/_emulator/apps');
    assert.deepEqual(
      listed.json.map((a: { clientId: string; callbackUrl: string }) => [
        a.clientId,
        a.callbackUrl,
      ]),
      [[CLIENT_ID, CALLBACK]],
    );
  } finally {
    await emu.close();
  }
});

test('a consent page opened before the callback changed never redirects to the old URL', async () => {
  const { emu } = await setup();
  try {
    for (const decision of ['approve', 'deny']) {
      emu.setAppCallback(CLIENT_ID, CALLBACK);
      const page = await fetch(authorizeUrl(emu));
      const html = await page.text();
      emu.setAppCallback(CLIENT_ID, 'http://localhost:3000/v1/oauth/callback2');
      const requestId = /name="request_id" value="([^"]+)"/.exec(html)![1]!;
      const res = await fetch(`${emu.url}/authorize/decision`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ request_id: requestId, decision }).toString(),
        redirect: 'manual',
      });
      assert.equal(res.status, 400, decision);
      assert.equal(res.headers.get('location'), null);
    }
  } finally {
    await emu.close();
  }
});
