import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CALLBACK, authorizeUrl, clickThrough, formFields, setup } from './helpers.ts';

async function expectErrorPage(url: string, text?: string): Promise<string> {
  const res = await fetch(url, { redirect: 'manual' });
  assert.equal(res.status, 400);
  assert.equal(res.headers.get('location'), null);
  assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
  const html = await res.text();
  if (text) assert.ok(html.includes(text), html);
  return html;
}

test('authorize error pages never redirect', async () => {
  const { emu } = await setup();
  try {
    await expectErrorPage(
      authorizeUrl(emu, { scope: 'read:jira-work manage:jira-project' }),
      'This app has requested scopes that have not been added to the app',
    );
    await expectErrorPage(
      authorizeUrl(emu, { scope: '' }),
      'This app has not requested any supported Atlassian scopes.',
    );
    await expectErrorPage(
      authorizeUrl(emu, { scope: undefined }),
      'This app has not requested any supported Atlassian scopes.',
    );
    await expectErrorPage(authorizeUrl(emu, { redirect_uri: `${CALLBACK}/` }), 'redirect_uri');
    await expectErrorPage(authorizeUrl(emu, { redirect_uri: 'http://evil.example/cb' }));
    await expectErrorPage(authorizeUrl(emu, { client_id: 'nope' }), 'client_id');
    await expectErrorPage(authorizeUrl(emu, { state: undefined }), 'state');
    await expectErrorPage(authorizeUrl(emu, { response_type: 'token' }));
    await expectErrorPage(authorizeUrl(emu, { audience: 'evil.example' }));
    // offline_access and read:me need no registration; audience is optional
    const ok = await fetch(
      authorizeUrl(emu, { scope: 'offline_access read:me', audience: undefined }),
    );
    assert.equal(ok.status, 200);
  } finally {
    await emu.close();
  }
});

test('consent page shows app name (escaped), scopes and Approve/Deny with a CSP', async () => {
  const { emu, user } = await setup();
  try {
    const res = await fetch(authorizeUrl(emu));
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'none'/);
    const html = await res.text();
    assert.ok(html.includes('Test &lt;App&gt; &amp; Co'));
    assert.ok(!html.includes('Test <App>'));
    for (const s of [
      'read:jira-work',
      'read:jira-user',
      'read:confluence-content.all',
      'offline_access',
    ]) {
      assert.ok(html.includes(`<code>${s}</code>`), s);
    }
    assert.ok(html.includes('<form method="post" action="/authorize/decision">'));
    assert.ok(html.includes('<button name="decision" value="approve">Approve</button>'));
    assert.ok(html.includes('<button name="decision" value="deny">Deny</button>'));
    const fields = formFields(html);
    assert.ok(fields.request_id);
    assert.equal(fields.account_id, user.accountId);
    assert.equal(fields.site_id, user.sites[0]!.id);
    assert.ok(!html.includes('<select'), 'one user with one site: no pickers');
  } finally {
    await emu.close();
  }
});

test('consent page has user and site pickers when there are several', async () => {
  const { emu, user } = await setup();
  try {
    const site2 = emu.addSite(user.accountId, {
      name: 'ada-labs',
      url: 'https://ada-labs.atlassian.net',
    });
    let html = await (await fetch(authorizeUrl(emu))).text();
    assert.ok(html.includes('<select id="site_id" name="site_id"'));
    assert.ok(html.includes(site2.id) && html.includes('ada-labs'));
    const bob = emu.addUser({
      email: 'bob@example.com',
      name: 'Bob',
      sites: [{ name: 'bob-site', url: 'https://bob.atlassian.net' }],
    });
    html = await (await fetch(authorizeUrl(emu))).text();
    assert.ok(html.includes('<select id="account_id" name="account_id"'));
    assert.ok(html.includes(bob.accountId) && html.includes(bob.sites[0]!.id));
    // choosing Bob with Ada's site is refused; Bob with his own site works
    let res = await clickThrough(emu, 'approve', {}, { account_id: bob.accountId });
    assert.equal(res.status, 400);
    res = await clickThrough(
      emu,
      'approve',
      {},
      {
        account_id: bob.accountId,
        site_id: bob.sites[0]!.id,
      },
    );
    assert.equal(res.status, 302);
    assert.ok(new URL(res.headers.get('location')!).searchParams.get('code'));
  } finally {
    await emu.close();
  }
});

test('deny redirects with access_denied and the state', async () => {
  const { emu } = await setup();
  try {
    const res = await clickThrough(emu, 'deny', { state: 'a b&c' });
    assert.equal(res.status, 302);
    const loc = res.headers.get('location')!;
    assert.ok(
      loc.startsWith(
        `${CALLBACK}?error=access_denied&error_description=User%20did%20not%20authorize%20the%20request&state=`,
      ),
      loc,
    );
    assert.equal(new URL(loc).searchParams.get('state'), 'a b&c');
    assert.equal(new URL(loc).searchParams.get('code'), null);
  } finally {
    await emu.close();
  }
});

test('a request_id is single-use; unknown ones get an error page', async () => {
  const { emu } = await setup();
  try {
    const html = await (await fetch(authorizeUrl(emu))).text();
    const body = new URLSearchParams({ ...formFields(html), decision: 'approve' }).toString();
    const post = () =>
      fetch(`${emu.url}/authorize/decision`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
        redirect: 'manual',
      });
    assert.equal((await post()).status, 302);
    const again = await post();
    assert.equal(again.status, 400);
    assert.equal(again.headers.get('location'), null);
  } finally {
    await emu.close();
  }
});

test('code API consent() approves and denies without a browser', async () => {
  const { emu, user } = await setup();
  try {
    const ok = await emu.consent({ authorizeUrl: authorizeUrl(emu), decision: 'approve' });
    assert.equal(ok.status, 302);
    assert.ok(new URL(ok.location!).searchParams.get('code'));
    const no = await emu.consent({
      authorizeUrl: authorizeUrl(emu),
      accountId: user.accountId,
      decision: 'deny',
    });
    assert.equal(new URL(no.location!).searchParams.get('error'), 'access_denied');
    const bad = await emu.consent({
      authorizeUrl: authorizeUrl(emu, { scope: '' }),
      decision: 'approve',
    });
    assert.equal(bad.status, 400);
    assert.equal(bad.location, undefined);
    assert.ok(bad.body?.includes('not requested any supported Atlassian scopes'));
  } finally {
    await emu.close();
  }
});
