import assert from 'node:assert/strict';
import { test } from 'node:test';
import { basicAuth, call, login, setup } from './helpers.ts';

async function confluenceSetup(scopes = ['read:page:confluence', 'write:page:confluence']) {
  const s = await setup({}, { scopes });
  const token = (await login(s.emu, { scope: scopes.join(' ') })).access_token;
  const cloudId = s.user.sites[0]!.id;
  return { ...s, token, cloudId, base: `/ex/confluence/${cloudId}/wiki/api/v2` };
}

const page = (title: string, spaceId = '123') => ({
  spaceId,
  title,
  body: { representation: 'storage', value: `<p>${title}</p>` },
});

test('pages: create, read, update (versioned), delete', async () => {
  const { emu, token, base } = await confluenceSetup();
  try {
    const created = await call(emu, 'POST', `${base}/pages`, { auth: token, json: page('Hello') });
    assert.equal(created.status, 200, created.text);
    const id = created.json.id as string;
    assert.equal(created.json.title, 'Hello');
    assert.equal(created.json.spaceId, '123');
    assert.equal(created.json.status, 'current');
    assert.equal(created.json.version.number, 1);
    assert.deepEqual(created.json.body.storage, {
      representation: 'storage',
      value: '<p>Hello</p>',
    });

    const plain = await call(emu, 'GET', `${base}/pages/${id}`, { auth: token });
    assert.equal(plain.status, 200);
    assert.deepEqual(plain.json.body, {}, 'no body-format, no body');
    const withBody = await call(emu, 'GET', `${base}/pages/${id}?body-format=storage`, {
      auth: token,
    });
    assert.equal(withBody.json.body.storage.value, '<p>Hello</p>');

    const dupe = await call(emu, 'POST', `${base}/pages`, { auth: token, json: page('Hello') });
    assert.equal(dupe.status, 400);
    assert.equal(dupe.json.errors[0].status, 400);
    const update = (number: number, title = 'Hello again') =>
      call(emu, 'PUT', `${base}/pages/${id}`, {
        auth: token,
        json: {
          id,
          status: 'current',
          title,
          body: { representation: 'storage', value: '<p>v2</p>' },
          version: { number },
        },
      });
    assert.equal((await update(1)).status, 409, 'the version must be incremented');
    assert.equal((await update(3)).status, 409);
    const updated = await update(2);
    assert.equal(updated.status, 200, updated.text);
    assert.equal(updated.json.version.number, 2);
    assert.equal(updated.json.title, 'Hello again');
    assert.equal(updated.json.body.storage.value, '<p>v2</p>');

    assert.equal((await call(emu, 'DELETE', `${base}/pages/${id}`, { auth: token })).status, 204);
    const gone = await call(emu, 'GET', `${base}/pages/${id}`, { auth: token });
    assert.equal(gone.status, 404);
    assert.equal(gone.json.errors[0].code, 'NOT_FOUND');
    assert.equal((await call(emu, 'DELETE', `${base}/pages/${id}`, { auth: token })).status, 404);
    for (const bad of [
      {},
      { spaceId: '1' },
      { title: 't' },
      { spaceId: '1', title: 't', body: { representation: 'html', value: '' } },
    ]) {
      assert.equal(
        (await call(emu, 'POST', `${base}/pages`, { auth: token, json: bad })).status,
        400,
        JSON.stringify(bad),
      );
    }
  } finally {
    await emu.close();
  }
});

test('pages list: limit and cursor through _links.next, space-id filter', async () => {
  const { emu, token, cloudId, base } = await confluenceSetup();
  try {
    for (let i = 1; i <= 5; i++) emu.addConfluencePage(cloudId, page(`P${i}`, i % 2 ? '1' : '2'));
    const titles: string[] = [];
    let next: string | undefined = `${base}/pages?limit=2`;
    let pages = 0;
    while (next) {
      const r = await call(emu, 'GET', next, { auth: token });
      assert.equal(r.status, 200, r.text);
      titles.push(...r.json.results.map((p: { title: string }) => p.title));
      assert.ok(r.json.results.length <= 2);
      // _links.next is relative to the site, like Confluence's (/wiki/api/v2/...)
      next = r.json._links.next ? `/ex/confluence/${cloudId}${r.json._links.next}` : undefined;
      pages++;
    }
    assert.deepEqual(titles, ['P1', 'P2', 'P3', 'P4', 'P5']);
    assert.equal(pages, 3);
    const space = await call(emu, 'GET', `${base}/pages?space-id=2`, { auth: token });
    assert.deepEqual(
      space.json.results.map((p: { title: string }) => p.title),
      ['P2', 'P4'],
    );
    assert.equal(space.json._links.next, undefined);
    assert.equal((await call(emu, 'GET', `${base}/pages?cursor=bad`, { auth: token })).status, 400);
    assert.equal((await call(emu, 'GET', `${base}/pages?limit=0`, { auth: token })).status, 400);
  } finally {
    await emu.close();
  }
});

test('Confluence scopes: classic or granular write scope for writes, a read scope for reads', async () => {
  const scopes = ['read:confluence-content.all', 'write:confluence-content', 'read:jira-work'];
  const { emu, token, base, user } = await confluenceSetup(scopes);
  try {
    assert.equal(
      (await call(emu, 'POST', `${base}/pages`, { auth: token, json: page('Classic') })).status,
      200,
    );
    const readOnly = (await login(emu, { scope: 'read:confluence-content.all' })).access_token;
    assert.equal((await call(emu, 'GET', `${base}/pages`, { auth: readOnly })).status, 200);
    assert.equal(
      (await call(emu, 'POST', `${base}/pages`, { auth: readOnly, json: page('No') })).status,
      403,
    );
    const jiraOnly = (await login(emu, { scope: 'read:jira-work' })).access_token;
    const r = await call(emu, 'GET', `${base}/pages`, { auth: jiraOnly });
    assert.equal(r.status, 403);
    assert.equal(r.json.errors[0].status, 403);
    // the site form with a classic API token: the same handlers
    const apiToken = emu.addApiToken({ accountId: user.accountId, scoped: false });
    const viaSite = await call(emu, 'GET', `/site/ada-team/wiki/api/v2/pages`, {
      auth: basicAuth('ada@example.com', apiToken),
    });
    assert.equal(viaSite.status, 200);
    assert.deepEqual(
      viaSite.json.results.map((p: { title: string }) => p.title),
      ['Classic'],
    );
  } finally {
    await emu.close();
  }
});
