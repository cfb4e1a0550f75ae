// Policies on service keys over real HTTP: a listening vault, its database, the emulator's Jira
// and Confluence. What reached the provider is read from the emulator's request log, so "nothing
// was sent" is a count, not a belief.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import type { Emulator } from '../../src/emulator/index.ts';
import { manualClock } from '../../src/lib/clock.ts';
import { RETURN_URL, atlassianSetup, runFlow, startFlowFixture } from '../helpers/flow.ts';
import { readMetrics } from '../helpers/metrics.ts';
import { openOwnDatabase } from '../helpers/own-database.ts';
import type { TestVault } from '../helpers/vault.ts';

const SCOPES = [
  'read:jira-work',
  'read:jira-user',
  'write:jira-work',
  'read:confluence-content.all',
  'write:confluence-content',
];

let emu: Emulator;
let vault: TestVault;
let base: string;
let close: () => Promise<void>;
const clock = manualClock();

before(async () => {
  const fx = await startFlowFixture({
    clock,
    database: await openOwnDatabase(),
    env: { ALLOW_PRIVATE_EGRESS: 'true' },
  });
  ({ emu, vault } = fx);
  base = await vault.app.listen({ host: '127.0.0.1', port: 0 });
  close = async () => {
    await vault.app.close();
    await fx.close();
  };
});
after(() => close());

/** A tenant with one connected Jira + Confluence account, an issue in it, and its admin key. */
async function world() {
  const s = await atlassianSetup(vault, emu, { scopes: SCOPES, products: ['jira', 'confluence'] });
  const userId = `u-${randomBytes(3).toString('hex')}`;
  const run = await runFlow(
    vault,
    emu,
    s.adminKey,
    { auth_config_id: s.configId, user_id: userId, return_url: RETURN_URL },
    { accountId: s.user.accountId, decision: 'approve' },
  );
  assert.equal(run.final.status, 302, run.final.text);
  const cloudId = s.user.sites[0]!.id;
  const issue = emu.addJiraIssue(cloudId, { projectKey: 'DEMO', summary: 'policy test' });
  const key = async (policy?: unknown, name = 'svc') => {
    const r = await vault.call('POST', '/v1/api-keys', s.adminKey, {
      name,
      role: 'service',
      ...(policy === undefined ? {} : { policy }),
    });
    assert.equal(r.status, 201, r.text);
    return r.body as { id: string; key: string; policy: unknown; effective_policy: unknown };
  };
  /** A proxied call; what the emulator received (the requests it logged during the call). */
  const proxy = async (k: string, method: string, path: string, init: RequestInit = {}) => {
    emu.clearRequests();
    const res = await fetch(`${base}/v1/connected-accounts/${run.accountId}/proxy/${path}`, {
      ...init,
      method,
      headers: { authorization: `Bearer ${k}`, ...(init.headers as Record<string, string>) },
    });
    const text = await res.text();
    return {
      status: res.status,
      body: text ? (JSON.parse(text) as Record<string, any>) : {}, // eslint-disable-line @typescript-eslint/no-explicit-any
      upstream: emu.requests().length,
      headers: res.headers,
    };
  };
  return { ...s, userId, accountId: run.accountId, cloudId, issue, key, proxy };
}

test('a key without a policy keeps full access, and its answer says so', async () => {
  const w = await world();
  const k = await w.key();
  assert.equal(k.policy, null);
  assert.deepEqual(k.effective_policy, {
    token: true,
    proxy: [{ methods: ['*'], paths: ['**'] }],
    budget: null,
  });
  const tok = await vault.call('POST', `/v1/connected-accounts/${w.accountId}/token`, k.key, {});
  assert.equal(tok.status, 200, tok.text);
  const del = await w.proxy(k.key, 'DELETE', `jira/rest/api/3/issue/${w.issue.key}`);
  assert.equal(del.status, 204);
  assert.equal(del.upstream, 1);
});

test('GET is allowed and DELETE on the same path is 403 policy_denied with nothing sent upstream', async () => {
  const w = await world();
  const k = await w.key({ proxy: [{ methods: ['GET'], paths: ['jira/rest/api/3/issue/*'] }] });
  assert.deepEqual(k.effective_policy, {
    token: true,
    proxy: [{ methods: ['GET'], paths: ['jira/rest/api/3/issue/*'] }],
    budget: null,
  });
  const get = await w.proxy(k.key, 'GET', `jira/rest/api/3/issue/${w.issue.key}`);
  assert.equal(get.status, 200, JSON.stringify(get.body));
  assert.equal(get.body.key, w.issue.key);
  assert.equal(get.upstream, 1);
  const head = await w.proxy(k.key, 'HEAD', `jira/rest/api/3/issue/${w.issue.key}`);
  assert.equal(head.status, 200, 'GET allows HEAD');

  const del = await w.proxy(k.key, 'DELETE', `jira/rest/api/3/issue/${w.issue.key}`);
  assert.equal(del.status, 403);
  assert.equal(del.headers.get('content-type'), 'application/problem+json; charset=utf-8');
  assert.equal(del.body.code, 'policy_denied');
  assert.deepEqual(del.body.policy, { source: 'key', id: k.id });
  assert.deepEqual(del.body.missing_rule, {
    methods: ['DELETE'],
    paths: [`jira/rest/api/3/issue/${w.issue.key}`],
  });
  assert.match(del.body.detail, /DELETE jira\/rest\/api\/3\/issue\//);
  assert.equal(del.upstream, 0, 'nothing reached the provider');
  // a path the rule does not cover, and one a level deeper than `*`
  assert.equal((await w.proxy(k.key, 'GET', 'jira/rest/api/3/myself')).status, 403);
  const deeper = await w.proxy(k.key, 'GET', `jira/rest/api/3/issue/${w.issue.key}/comment`);
  assert.equal(deeper.status, 403);
  assert.equal(deeper.upstream, 0);
  // a method override header does not smuggle a DELETE through a GET
  const smuggled = await w.proxy(k.key, 'GET', `jira/rest/api/3/issue/${w.issue.key}`, {
    headers: { 'x-http-method-override': 'DELETE' },
  });
  assert.equal(smuggled.status, 403);
  assert.deepEqual(smuggled.body.missing_rule.methods, ['DELETE']);
  assert.equal(smuggled.upstream, 0);
  // the issue is still there
  assert.equal((await w.proxy(k.key, 'GET', `jira/rest/api/3/issue/${w.issue.key}`)).status, 200);
});

test('presets: jira:read reads and searches Jira only; confluence:read reads Confluence only', async () => {
  const w = await world();
  const jira = await w.key({ proxy: ['jira:read'] });
  assert.equal((await w.proxy(jira.key, 'GET', 'jira/rest/api/3/myself')).status, 200);
  const search = await w.proxy(jira.key, 'POST', 'jira/rest/api/3/search/jql', {
    body: JSON.stringify({ jql: 'project = DEMO' }),
    headers: { 'content-type': 'application/json' },
  });
  assert.equal(search.status, 200, JSON.stringify(search.body));
  const create = await w.proxy(jira.key, 'POST', 'jira/rest/api/3/issue', {
    body: JSON.stringify({ fields: { summary: 'no' } }),
    headers: { 'content-type': 'application/json' },
  });
  assert.equal(create.status, 403);
  assert.equal(create.upstream, 0);
  for (const m of ['PUT', 'DELETE'])
    assert.equal((await w.proxy(jira.key, m, `jira/rest/api/3/issue/${w.issue.key}`)).status, 403);
  assert.equal((await w.proxy(jira.key, 'GET', 'confluence/wiki/api/v2/pages')).status, 403);

  const conf = await w.key({ proxy: ['confluence:read'] });
  assert.equal((await w.proxy(conf.key, 'GET', 'confluence/wiki/api/v2/pages')).status, 200);
  assert.equal((await w.proxy(conf.key, 'GET', 'jira/rest/api/3/myself')).status, 403);
  assert.equal(
    (await w.proxy(conf.key, 'POST', 'confluence/wiki/api/v2/pages', { body: '{}' })).status,
    403,
  );
  assert.deepEqual(conf.effective_policy, {
    token: true,
    proxy: [{ methods: ['GET'], paths: ['confluence/**'] }],
    budget: null,
  });
  // `**` at any depth, `*` one segment, several rules
  const mixed = await w.key({
    proxy: [
      { methods: ['GET'], paths: ['jira/**/myself'] },
      { methods: ['PUT'], paths: ['jira/rest/api/*/issue/*'] },
    ],
  });
  assert.equal((await w.proxy(mixed.key, 'GET', 'jira/rest/api/3/myself')).status, 200);
  const put = await w.proxy(mixed.key, 'PUT', `jira/rest/api/3/issue/${w.issue.key}`, {
    body: JSON.stringify({ fields: { summary: 'renamed' } }),
    headers: { 'content-type': 'application/json' },
  });
  assert.equal(put.status, 204);
  assert.equal(
    (await w.proxy(mixed.key, 'GET', `jira/rest/api/3/issue/${w.issue.key}`)).status,
    403,
  );
});

test('a proxy-only key (token: false) is refused on both token routes, and proxies', async () => {
  const w = await world();
  const k = await w.key({ token: false });
  const byAccount = await vault.call(
    'POST',
    `/v1/connected-accounts/${w.accountId}/token`,
    k.key,
    {},
  );
  assert.equal(byAccount.status, 403);
  assert.equal(byAccount.body.code, 'policy_denied');
  assert.deepEqual(byAccount.body.missing_rule, { token: true });
  assert.ok(!byAccount.text.includes('access_token'));
  const byConfig = await vault.call('POST', `/v1/auth-configs/${w.configId}/token`, k.key, {
    user_id: w.userId,
  });
  assert.equal(byConfig.status, 403);
  assert.equal(byConfig.body.code, 'policy_denied');
  const ok = await w.proxy(k.key, 'GET', 'jira/rest/api/3/myself');
  assert.equal(ok.status, 200);
});

test('a budget counts token reads and proxied calls per key, answers 429 when spent, renews with its window', async () => {
  const w = await world();
  const k = await w.key({ budget: { requests: 3, window_seconds: 60 } });
  const other = await w.key({ budget: { requests: 3, window_seconds: 60 } });
  // align to the start of a window, so that the three calls fall in one
  clock.set(new Date(Math.ceil(clock.now().getTime() / 60_000) * 60_000 + 1_000));
  assert.equal((await w.proxy(k.key, 'GET', 'jira/rest/api/3/myself')).status, 200);
  assert.equal(
    (await vault.call('POST', `/v1/connected-accounts/${w.accountId}/token`, k.key, {})).status,
    200,
  );
  assert.equal((await w.proxy(k.key, 'GET', 'jira/rest/api/3/myself')).status, 200);
  const spent = await w.proxy(k.key, 'GET', 'jira/rest/api/3/myself');
  assert.equal(spent.status, 429);
  assert.equal(spent.body.code, 'policy_budget_exhausted');
  assert.equal(spent.upstream, 0);
  assert.equal(spent.headers.get('retry-after'), '59');
  const tokenSpent = await vault.call(
    'POST',
    `/v1/connected-accounts/${w.accountId}/token`,
    k.key,
    {},
  );
  assert.equal(tokenSpent.status, 429);
  // another key's budget is its own
  assert.equal((await w.proxy(other.key, 'GET', 'jira/rest/api/3/myself')).status, 200);
  // a denied call does not spend it: rules are checked first
  clock.advance(60);
  assert.equal((await w.proxy(k.key, 'GET', 'jira/rest/api/3/myself')).status, 200);
});

test('a policy set or changed through PATCH applies at once; refused for admin keys and bad rules', async () => {
  const w = await world();
  const k = await w.key();
  assert.equal((await w.proxy(k.key, 'DELETE', 'jira/rest/api/3/issue/NOPE-1')).status, 404);
  const set = await vault.call('PATCH', `/v1/api-keys/${k.id}`, w.adminKey, {
    policy: { proxy: ['jira:read'], token: false },
  });
  assert.equal(set.status, 200, set.text);
  assert.deepEqual(set.body.policy, { token: false, proxy: ['jira:read'], budget: null });
  assert.equal(set.body.effective_policy.token, false);
  const denied = await w.proxy(k.key, 'DELETE', 'jira/rest/api/3/issue/NOPE-1');
  assert.equal(denied.status, 403);
  assert.equal(denied.upstream, 0);
  assert.deepEqual((await vault.call('GET', `/v1/api-keys/${k.id}`, w.adminKey)).body.policy, {
    token: false,
    proxy: ['jira:read'],
    budget: null,
  });
  const cleared = await vault.call('PATCH', `/v1/api-keys/${k.id}`, w.adminKey, { policy: null });
  assert.equal(cleared.body.policy, null);
  assert.equal((await w.proxy(k.key, 'DELETE', 'jira/rest/api/3/issue/NOPE-1')).status, 404);

  const admin = (await vault.call('GET', '/v1/api-keys', w.adminKey)).body.data.find(
    (x: { role: string }) => x.role === 'admin',
  );
  const onAdmin = await vault.call('PATCH', `/v1/api-keys/${admin.id}`, w.adminKey, {
    policy: { token: false },
  });
  assert.equal(onAdmin.status, 400);
  for (const policy of [
    { proxy: ['jira:write'] },
    { proxy: [{ methods: ['GET'], paths: ['/jira/**'] }] },
    { proxy: [{ methods: ['GET'], paths: ['jira/issue-*'] }] },
    { proxy: [{ methods: ['GET'], paths: ['jira/../admin'] }] },
    { proxy: [{ methods: ['BREW'], paths: ['jira/**'] }] },
    { budget: { requests: 0, window_seconds: 60 } },
    { tokens: false },
  ]) {
    const r = await vault.call('POST', '/v1/api-keys', w.adminKey, {
      name: 'x',
      role: 'service',
      policy,
    });
    assert.equal(r.status, 400, JSON.stringify(policy));
    assert.match(r.body.code, /invalid_policy|invalid_request/);
  }
  const revoked = await w.key();
  await vault.call('DELETE', `/v1/api-keys/${revoked.id}`, w.adminKey);
  const late = await vault.call('PATCH', `/v1/api-keys/${revoked.id}`, w.adminKey, { name: 'x' });
  assert.equal(late.status, 409);
  assert.equal(late.body.code, 'api_key_revoked');
});

test('the audit trail names the key, the user and the decision; denials are counted in metrics', async () => {
  const w = await world();
  const k = await w.key({ proxy: [{ methods: ['GET'], paths: ['jira/**'] }] });
  const before = await readMetrics(vault, { gauges: false });
  const denied0 = (() => {
    try {
      return before.value('cv_policy_decisions_total', { on: 'proxy', decision: 'denied' });
    } catch {
      return 0;
    }
  })();
  assert.equal((await w.proxy(k.key, 'GET', 'jira/rest/api/3/myself')).status, 200);
  assert.equal((await w.proxy(k.key, 'DELETE', 'jira/rest/api/3/issue/X-1')).status, 403);
  assert.equal((await w.proxy(k.key, 'DELETE', 'jira/rest/api/3/issue/X-1')).status, 403);
  await vault.deps.services.auditWriter.flush();
  const rows = (await vault.call('GET', `/v1/audit-events?actor_key_id=${k.id}`, w.adminKey)).body
    .data as {
    action: string;
    count: number;
    details: Record<string, unknown>;
    resource_id: string;
  }[];
  const allowed = rows.find((r) => r.action === 'proxy.request')!;
  assert.equal(allowed.resource_id, w.accountId);
  assert.equal(allowed.details.user_id, w.userId);
  assert.equal(allowed.details.decision, 'allowed');
  const denied = rows.find((r) => r.action === 'proxy.denied')!;
  assert.equal(denied.count, 2);
  assert.equal(denied.resource_id, w.accountId);
  assert.equal(denied.details.user_id, w.userId);
  assert.equal(denied.details.decision, 'denied');
  assert.equal(denied.details.code, 'policy_denied');
  assert.deepEqual(denied.details.missing_rule, {
    methods: ['DELETE'],
    paths: ['jira/rest/api/3/issue/X-1'],
  });
  const m = await readMetrics(vault, { gauges: false });
  assert.equal(
    m.value('cv_policy_decisions_total', { on: 'proxy', decision: 'denied' }),
    denied0 + 2,
  );
});
