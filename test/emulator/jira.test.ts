import assert from 'node:assert/strict';
import { test } from 'node:test';
import { authorizeUrl, call, login, setup } from './helpers.ts';

const SCOPES = [
  'read:jira-work',
  'write:jira-work',
  'read:jira-user',
  'read:confluence-content.all',
];
const ALL = `${SCOPES.join(' ')} offline_access read:me`;

async function jiraSetup() {
  const s = await setup({}, { scopes: SCOPES });
  const t = await login(s.emu, { scope: ALL });
  const cloudId = s.user.sites[0]!.id;
  return { ...s, token: t.access_token, cloudId, base: `/ex/jira/${cloudId}/rest/api/3` };
}

const newIssue = (key: string, summary: string, extra: Record<string, unknown> = {}) => ({
  fields: { project: { key }, summary, issuetype: { name: 'Task' }, ...extra },
});

test('create, read, update and delete an issue', async () => {
  const { emu, token, base } = await jiraSetup();
  try {
    const description = { type: 'doc', version: 1, content: [] };
    const created = await call(emu, 'POST', `${base}/issue`, {
      auth: token,
      json: newIssue('DEMO', 'First', { description }),
    });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.json.key, 'DEMO-1');
    assert.match(created.json.id, /^\d+$/);
    assert.equal(created.json.self, `${emu.url}${base}/issue/${created.json.id}`);
    const second = await call(emu, 'POST', `${base}/issue`, {
      auth: token,
      json: newIssue('DEMO', 'Second'),
    });
    assert.equal(second.json.key, 'DEMO-2');

    for (const idOrKey of [created.json.id, 'DEMO-1', 'demo-1']) {
      const got = await call(emu, 'GET', `${base}/issue/${idOrKey}`, { auth: token });
      assert.equal(got.status, 200, idOrKey);
      assert.equal(got.json.key, 'DEMO-1');
      assert.equal(got.json.fields.summary, 'First');
      assert.deepEqual(got.json.fields.description, description);
      assert.equal(got.json.fields.issuetype.name, 'Task');
      assert.equal(got.json.fields.project.key, 'DEMO');
      assert.match(got.json.fields.created, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
    }
    const some = await call(emu, 'GET', `${base}/issue/DEMO-1?fields=summary`, { auth: token });
    assert.deepEqual(some.json.fields, { summary: 'First' });

    const put = await call(emu, 'PUT', `${base}/issue/DEMO-1`, {
      auth: token,
      json: { fields: { summary: 'Renamed' } },
    });
    assert.equal(put.status, 204);
    const after = await call(emu, 'GET', `${base}/issue/DEMO-1`, { auth: token });
    assert.equal(after.json.fields.summary, 'Renamed');
    const badPut = await call(emu, 'PUT', `${base}/issue/DEMO-1`, {
      auth: token,
      json: { fields: { summary: '' } },
    });
    assert.equal(badPut.status, 400);
    assert.ok(badPut.json.errors.summary);

    // a JSON content type with no body is accepted (as Jira does)
    const del = await call(emu, 'DELETE', `${base}/issue/DEMO-1`, {
      auth: token,
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(del.status, 204, del.text);
    for (const [method, json] of [
      ['GET', undefined],
      ['PUT', { fields: { summary: 'x' } }],
      ['DELETE', undefined],
    ] as const) {
      const gone = await call(emu, method, `${base}/issue/DEMO-1`, { auth: token, json });
      assert.equal(gone.status, 404, method);
      assert.equal(gone.json.errorMessages.length, 1);
    }
    assert.equal((await call(emu, 'GET', `${base}/issue/NOPE-9`, { auth: token })).status, 404);
  } finally {
    await emu.close();
  }
});

test('POST /issue validates its fields the way Jira reports it', async () => {
  const { emu, token, base } = await jiraSetup();
  try {
    const bad = await call(emu, 'POST', `${base}/issue`, {
      auth: token,
      json: { fields: { project: { key: 'lower' }, summary: ' ' } },
    });
    assert.equal(bad.status, 400);
    assert.deepEqual(Object.keys(bad.json.errors).sort(), ['issuetype', 'project', 'summary']);
    assert.deepEqual(bad.json.errorMessages, []);
    assert.equal((await call(emu, 'POST', `${base}/issue`, { auth: token, json: {} })).status, 400);
    assert.equal(
      (
        await call(emu, 'POST', `${base}/issue`, {
          auth: token,
          body: '{nope',
          headers: { 'content-type': 'application/json' },
        })
      ).status,
      400,
    );
  } finally {
    await emu.close();
  }
});

test('search/jql: project filter, ORDER BY created DESC, fields, paging with nextPageToken', async () => {
  const { emu, token, base, cloudId } = await jiraSetup();
  try {
    for (let i = 1; i <= 5; i++) {
      emu.addJiraIssue(cloudId, { projectKey: 'DEMO', summary: `demo ${i}` });
      emu.clock.advance(1);
    }
    emu.addJiraIssue(cloudId, { projectKey: 'OPS', summary: 'ops 1' });
    const get = (q: Record<string, string>) =>
      call(emu, 'GET', `${base}/search/jql?${new URLSearchParams(q).toString()}`, { auth: token });

    const all = await get({ jql: 'assignee = currentUser()' });
    assert.equal(all.status, 200);
    assert.equal(all.json.issues.length, 6, 'unsupported JQL returns every issue of the site');
    assert.equal(all.json.isLast, true);
    assert.equal(all.json.nextPageToken, undefined);
    assert.deepEqual(
      Object.keys(all.json.issues[0]).sort(),
      ['id', 'key', 'self'],
      'default fields: none',
    );

    const desc = await get({
      jql: 'project = DEMO ORDER BY created DESC',
      fields: 'summary,status',
    });
    assert.deepEqual(
      desc.json.issues.map((i: { key: string }) => i.key),
      ['DEMO-5', 'DEMO-4', 'DEMO-3', 'DEMO-2', 'DEMO-1'],
    );
    assert.deepEqual(Object.keys(desc.json.issues[0].fields).sort(), ['status', 'summary']);
    const asc = await get({ jql: 'project = "ops"' });
    assert.deepEqual(
      asc.json.issues.map((i: { key: string }) => i.key),
      ['OPS-1'],
    );

    // paging, GET and POST alike
    const seen: string[] = [];
    let pageToken: string | undefined;
    for (let page = 0; page < 10; page++) {
      const body: Record<string, unknown> = {
        jql: 'project = DEMO ORDER BY created DESC',
        maxResults: 2,
        fields: ['summary'],
      };
      if (pageToken) body.nextPageToken = pageToken;
      const r = await call(emu, 'POST', `${base}/search/jql`, { auth: token, json: body });
      assert.equal(r.status, 200, r.text);
      seen.push(
        ...r.json.issues.map((i: { key: string; fields: { summary: string } }) => i.fields.summary),
      );
      if (r.json.isLast) {
        assert.equal(r.json.nextPageToken, undefined);
        break;
      }
      assert.equal(typeof r.json.nextPageToken, 'string');
      pageToken = r.json.nextPageToken;
    }
    assert.deepEqual(seen, ['demo 5', 'demo 4', 'demo 3', 'demo 2', 'demo 1']);
    const first = await get({ jql: 'project = DEMO', maxResults: '3' });
    const next = await get({
      jql: 'project = DEMO',
      maxResults: '3',
      nextPageToken: first.json.nextPageToken,
    });
    assert.deepEqual(
      next.json.issues.map((i: { key: string }) => i.key),
      ['DEMO-4', 'DEMO-5'],
    );
    // a token belongs to its query
    assert.equal(
      (await get({ jql: 'project = OPS', nextPageToken: first.json.nextPageToken })).status,
      400,
    );
    assert.equal((await get({ jql: 'project = DEMO', nextPageToken: 'garbage' })).status, 400);
    assert.equal((await get({ jql: '', maxResults: 'x' })).status, 400);
  } finally {
    await emu.close();
  }
});

test('scopes: reads need a Jira read scope, writes need write:jira-work', async () => {
  const { emu, base } = await jiraSetup();
  try {
    const readOnly = (await login(emu, { scope: 'read:jira-work offline_access' })).access_token;
    assert.equal((await call(emu, 'GET', `${base}/search/jql`, { auth: readOnly })).status, 200);
    for (const [method, path, json] of [
      ['POST', '/issue', newIssue('DEMO', 'x')],
      ['PUT', '/issue/DEMO-1', { fields: { summary: 'x' } }],
      ['DELETE', '/issue/DEMO-1', undefined],
    ] as const) {
      const r = await call(emu, method, `${base}${path}`, { auth: readOnly, json });
      assert.equal(r.status, 403, `${method} ${path}`);
    }
    const confluenceOnly = (await login(emu, { scope: 'read:confluence-content.all' }))
      .access_token;
    assert.equal(
      (await call(emu, 'GET', `${base}/search/jql`, { auth: confluenceOnly })).status,
      403,
    );
    assert.equal(
      (await call(emu, 'GET', `${base}/issue/DEMO-1`, { auth: confluenceOnly })).status,
      403,
    );
    // /myself needs no particular scope
    assert.equal((await call(emu, 'GET', `${base}/myself`, { auth: confluenceOnly })).status, 200);
  } finally {
    await emu.close();
  }
});

test('sites outside the grant and sites without Jira answer 404; answers carry rate-limit headers', async () => {
  const { emu, user, token, base } = await jiraSetup();
  try {
    const wiki = emu.addSite(user.accountId, {
      name: 'wiki',
      url: 'https://wiki.atlassian.net',
      products: ['confluence'],
    });
    const notGranted = emu.addSite(user.accountId, {
      name: 'other',
      url: 'https://other.atlassian.net',
    });
    // the grant now covers the Confluence-only site too
    const consent = await emu.consent({
      authorizeUrl: authorizeUrl(emu, { scope: ALL }),
      decision: 'approve',
      siteIds: [wiki.id],
    });
    assert.equal(consent.status, 302);
    const wikiPages = await call(emu, 'GET', `/ex/confluence/${wiki.id}/wiki/api/v2/pages`, {
      auth: token,
    });
    assert.equal(wikiPages.status, 200, 'the site is in the grant');
    for (const id of [wiki.id, notGranted.id, 'no-such-cloud']) {
      const r = await call(emu, 'GET', `/ex/jira/${id}/rest/api/3/search/jql`, { auth: token });
      assert.equal(r.status, 404, id);
      assert.deepEqual(r.json.errorMessages, ['Site not found']);
    }
    const ok = await call(emu, 'GET', `${base}/search/jql`, { auth: token });
    const limit = Number(ok.headers.get('x-ratelimit-limit'));
    const remaining = Number(ok.headers.get('x-ratelimit-remaining'));
    assert.ok(limit > 0);
    assert.ok(remaining >= 0 && remaining < limit);
    const again = await call(emu, 'GET', `${base}/search/jql`, { auth: token });
    assert.equal(Number(again.headers.get('x-ratelimit-remaining')), remaining - 1);
    assert.equal((await call(emu, 'GET', `${base}/search/jql`)).status, 401);
  } finally {
    await emu.close();
  }
});
