import assert from 'node:assert/strict';
import { test } from 'node:test';
import { basicAuth, call, login, refresh, setup } from './helpers.ts';

async function faultSetup() {
  const scopes = [
    'read:jira-work',
    'write:jira-work',
    'read:page:confluence',
    'write:page:confluence',
  ];
  const s = await setup({}, { scopes });
  const t = await login(s.emu, { scope: `${scopes.join(' ')} offline_access read:me` });
  const site = s.user.sites[0]!;
  const issue = s.emu.addJiraIssue(site.id, { projectKey: 'DEMO', summary: 's' });
  const apiToken = s.emu.addApiToken({ accountId: s.user.accountId, scoped: false });
  return { ...s, t, site, issue, basic: basicAuth('ada@example.com', apiToken) };
}

test('API 429: Retry-After, X-RateLimit-Limit/Remaining/Reset and RateLimit-Reason', async () => {
  const { emu, t, site } = await faultSetup();
  try {
    emu.setFaults({ target: 'api', status: 429, retryAfterSeconds: 30 });
    const before = emu.clock.now();
    const r = await call(emu, 'GET', `/ex/jira/${site.id}/rest/api/3/search/jql`, {
      auth: t.access_token,
    });
    assert.equal(r.status, 429);
    assert.equal(r.headers.get('retry-after'), '30');
    assert.ok(Number(r.headers.get('x-ratelimit-limit')) > 0);
    assert.equal(r.headers.get('x-ratelimit-remaining'), '0');
    assert.equal(r.headers.get('ratelimit-reason'), 'jira-quota-global-based');
    const reset = Date.parse(r.headers.get('x-ratelimit-reset')!);
    assert.match(r.headers.get('x-ratelimit-reset')!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.ok(reset >= before + 30_000 && reset < before + 35_000);

    const c = await call(emu, 'GET', `/ex/confluence/${site.id}/wiki/api/v2/pages`, {
      auth: t.access_token,
    });
    assert.equal(c.headers.get('ratelimit-reason'), 'confluence-quota-global-based');
    emu.setFaults({ target: 'api', status: 429, rateLimitReason: 'jira-burst-based' });
    const custom = await call(emu, 'GET', `/ex/jira/${site.id}/rest/api/3/myself`, {
      auth: t.access_token,
    });
    assert.equal(custom.headers.get('ratelimit-reason'), 'jira-burst-based');
    assert.equal(custom.headers.get('retry-after'), '1', 'API 429s always carry Retry-After');
    assert.throws(() => emu.setFaults({ rateLimitReason: '' }), /rateLimitReason/);
    // the token endpoint's 429 is as before: no rate-limit headers
    emu.setFaults({ status: 429 });
    const tok = await refresh(emu, t.refresh_token);
    assert.equal(tok.status, 429);
    assert.equal(tok.headers.get('x-ratelimit-remaining'), null);
    assert.equal(tok.headers.get('retry-after'), null);
  } finally {
    await emu.close();
  }
});

test('API 503 carries Retry-After', async () => {
  const { emu, t, site } = await faultSetup();
  try {
    emu.setFaults({ target: 'api', status: 503, count: 1 });
    const r = await call(emu, 'GET', `/ex/jira/${site.id}/rest/api/3/myself`, {
      auth: t.access_token,
    });
    assert.equal(r.status, 503);
    assert.equal(r.headers.get('retry-after'), '1');
    assert.equal(r.headers.get('ratelimit-reason'), null);
    const ok = await call(emu, 'GET', `/ex/jira/${site.id}/rest/api/3/myself`, {
      auth: t.access_token,
    });
    assert.equal(ok.status, 200);
    assert.ok(ok.headers.get('x-ratelimit-limit'));
    assert.ok(ok.headers.get('x-ratelimit-remaining'));
  } finally {
    await emu.close();
  }
});

test('API faults hit every API route, in both forms, before authentication', async () => {
  const { emu, t, site, issue, basic } = await faultSetup();
  try {
    const gw = `/ex/jira/${site.id}/rest/api/3`;
    const wiki = `/ex/confluence/${site.id}/wiki/api/v2`;
    const routes: [string, string, string | undefined, unknown?][] = [
      ['GET', '/oauth/token/accessible-resources', t.access_token],
      ['GET', '/me', t.access_token],
      ['GET', `${gw}/myself`, t.access_token],
      ['GET', `${gw}/search/jql`, t.access_token],
      ['POST', `${gw}/search/jql`, t.access_token, { jql: '' }],
      ['POST', `${gw}/issue`, t.access_token, { fields: {} }],
      ['GET', `${gw}/issue/${issue.key}`, t.access_token],
      ['PUT', `${gw}/issue/${issue.key}`, t.access_token, { fields: {} }],
      ['DELETE', `${gw}/issue/${issue.key}`, t.access_token],
      ['POST', `${gw}/issue/${issue.key}/attachments`, t.access_token],
      ['GET', `${gw}/attachment/content/1`, t.access_token],
      ['GET', `${wiki}/pages`, t.access_token],
      ['POST', `${wiki}/pages`, t.access_token, {}],
      ['GET', `${wiki}/pages/1`, t.access_token],
      ['PUT', `${wiki}/pages/1`, t.access_token, {}],
      ['DELETE', `${wiki}/pages/1`, t.access_token],
      ['GET', '/site/ada-team/rest/api/3/myself', basic],
      ['GET', '/site/ada-team/rest/api/3/search/jql', basic],
      ['POST', `/site/ada-team/rest/api/3/issue/${issue.key}/attachments`, basic],
      ['GET', '/site/ada-team/wiki/api/v2/pages', basic],
      ['GET', '/site/ada-team/rest/api/3/myself', undefined],
    ];
    emu.setFaults({ target: 'api', status: 429 });
    for (const [method, path, auth, json] of routes) {
      const r = await call(emu, method, path, {
        auth,
        json,
        body: json === undefined && method === 'POST' ? 'bytes' : undefined,
        headers: { 'x-atlassian-token': 'no-check' },
      });
      assert.equal(r.status, 429, `${method} ${path}`);
      assert.equal(r.headers.get('x-ratelimit-remaining'), '0', `${method} ${path}`);
    }
    emu.clearFaults();
    assert.equal(emu.counters().faultsInjected, routes.length);
    // nothing was changed by the faulted writes
    const still = await call(emu, 'GET', `${gw}/issue/${issue.key}`, { auth: t.access_token });
    assert.equal(still.status, 200);
  } finally {
    await emu.close();
  }
});
