// The proxy (docs/proxy.md) over real HTTP: a listening vault, its database, and the emulator's
// Jira and Confluence. What reached the provider is read from the emulator's request log.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { Readable } from 'node:stream';
import { test, type TestContext } from 'node:test';
import { gunzipSync } from 'node:zlib';
import type { Emulator } from '../../src/emulator/index.ts';
import { atlassianSetup, runFlow } from '../helpers/flow.ts';
import { readMetrics } from '../helpers/metrics.ts';
import { ownFlowFixture, refreshesPerFamily } from '../helpers/own-fixture.ts';
import { startTestVault, testMasterKey, type TestVault } from '../helpers/vault.ts';

const SCOPES = [
  'read:jira-work',
  'read:jira-user',
  'write:jira-work',
  'read:confluence-content.all',
  'write:confluence-content',
];

async function listen(t: TestContext, vault: TestVault) {
  const address = await vault.app.listen({ host: '127.0.0.1', port: 0 });
  t.after(() => vault.app.close());
  return address;
}

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  json: () => any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** An HTTP request with the path exactly as given (node:http sends it unnormalised). */
function call(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: Buffer | string | Readable,
): Promise<Answer> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: u.hostname, port: u.port, method, path, headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => {
        const b = Buffer.concat(parts);
        resolve({
          status: res.statusCode!,
          headers: res.headers,
          body: b,
          json: () => JSON.parse(b.toString()),
        });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    if (body instanceof Readable) body.pipe(req);
    else req.end(body);
  });
}

/** The status line of a request written byte for byte (for paths no HTTP client would send). */
function rawStatus(base: string, requestLine: string, key: string): Promise<number> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const s = connect(Number(u.port), u.hostname, () => {
      s.write(
        `${requestLine}\r\nHost: ${u.host}\r\nAuthorization: Bearer ${key}\r\nConnection: close\r\n\r\n`,
      );
    });
    let got = '';
    s.on('data', (c) => (got += String(c)));
    s.on('end', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(got)?.[1] ?? 0)));
    s.on('error', reject);
  });
}

/** A tenant with an Atlassian config (Jira and Confluence), one connected user, a listening vault. */
async function world(t: TestContext, env: Record<string, string> = {}) {
  const masterKeys = testMasterKey();
  const fx = await ownFlowFixture(t, { env: { VAULT_MASTER_KEYS: masterKeys, ...env } });
  const base = await listen(t, fx.vault);
  const s = await atlassianSetup(fx.vault, fx.emu, {
    scopes: SCOPES,
    products: ['jira', 'confluence'],
  });
  const run = await runFlow(
    fx.vault,
    fx.emu,
    s.adminKey,
    { auth_config_id: s.configId, user_id: 'u1' },
    { decision: 'approve', accountId: s.user.accountId },
  );
  assert.equal(run.final.status, 200, run.final.text);
  const accountId = run.accountId;
  const account = await fx.vault.call('GET', `/v1/connected-accounts/${accountId}`, s.adminKey);
  const cloudId = account.body.sites[0].cloud_id as string;
  const prefix = `/v1/connected-accounts/${accountId}/proxy`;
  const auth = { authorization: `Bearer ${s.adminKey}` };
  const token = async () =>
    (await fx.vault.call('POST', `/v1/connected-accounts/${accountId}/token`, s.adminKey)).body
      .access_token as string;
  return { ...fx, ...s, base, accountId, cloudId, prefix, auth, token, masterKeys };
}

const lastRequest = (emu: Emulator) => emu.requests(1)[0]!;

test('GET, POST, PUT and DELETE reach Jira and Confluence with the token and nothing of the vault’s', async (t) => {
  const w = await world(t);
  const vaultHeaders = {
    ...w.auth,
    cookie: 'cv_session=should-not-travel',
    'x-forwarded-for': '203.0.113.9',
    forwarded: 'for=203.0.113.9',
    'x-vault-cloud-id': w.cloudId,
    'content-type': 'application/json',
    accept: 'application/json',
    'x-custom-header': 'kept',
  };
  const created = await call(
    w.base,
    'POST',
    `${w.prefix}/jira/rest/api/3/issue`,
    vaultHeaders,
    JSON.stringify({
      fields: {
        project: { key: 'KAN' },
        summary: 'through the vault',
        issuetype: { name: 'Task' },
      },
    }),
  );
  assert.equal(created.status, 201, created.body.toString());
  const key = created.json().key as string;
  const seen = lastRequest(w.emu);
  assert.equal(seen.method, 'POST');
  assert.equal(seen.path, `/ex/jira/${w.cloudId}/rest/api/3/issue`);
  assert.equal(seen.headers.authorization, `Bearer ${await w.token()}`);
  assert.equal(seen.headers['x-custom-header'], 'kept');
  assert.equal(seen.headers['content-type'], 'application/json');
  for (const h of ['cookie', 'x-forwarded-for', 'forwarded', 'x-vault-cloud-id'])
    assert.equal(seen.headers[h], undefined, `${h} must not reach the provider`);
  assert.ok(!JSON.stringify(seen.rawHeaders).includes(w.adminKey), 'the vault key stays home');

  const q = 'fields=summary%2Cstatus&expand=names';
  const got = await call(w.base, 'GET', `${w.prefix}/jira/rest/api/3/issue/${key}?${q}`, w.auth);
  assert.equal(got.status, 200);
  assert.equal(got.json().fields.summary, 'through the vault');
  assert.equal(lastRequest(w.emu).query, q, 'the query string arrives as sent');

  const jql = `jql=${encodeURIComponent('project = KAN ORDER BY created DESC')}&maxResults=5`;
  const search = await call(w.base, 'GET', `${w.prefix}/jira/rest/api/3/search/jql?${jql}`, w.auth);
  assert.equal(search.status, 200, search.body.toString());
  assert.deepEqual(
    search.json().issues.map((i: { key: string }) => i.key),
    [key],
  );
  assert.equal(lastRequest(w.emu).query, jql);

  const put = await call(
    w.base,
    'PUT',
    `${w.prefix}/jira/rest/api/3/issue/${key}`,
    { ...w.auth, 'content-type': 'application/json' },
    JSON.stringify({ fields: { summary: 'renamed' } }),
  );
  assert.equal(put.status, 204);
  const renamed = await call(w.base, 'GET', `${w.prefix}/jira/rest/api/3/issue/${key}`, w.auth);
  assert.equal(renamed.json().fields.summary, 'renamed');
  const del = await call(w.base, 'DELETE', `${w.prefix}/jira/rest/api/3/issue/${key}`, w.auth);
  assert.equal(del.status, 204);
  assert.equal(
    (await call(w.base, 'GET', `${w.prefix}/jira/rest/api/3/issue/${key}`, w.auth)).status,
    404,
    'the provider’s own 404 comes back',
  );

  // Confluence through the auth config route, choosing the account by user id.
  const byConfig = `/v1/auth-configs/${w.configId}/proxy`;
  const spaceId = '1';
  const page = await call(
    w.base,
    'POST',
    `${byConfig}/confluence/wiki/api/v2/pages`,
    { ...w.auth, 'x-vault-user-id': 'u1', 'content-type': 'application/json' },
    JSON.stringify({
      spaceId,
      title: 'Proxied page',
      status: 'current',
      body: { representation: 'storage', value: '<p>hello</p>' },
    }),
  );
  assert.equal(page.status, 200, page.body.toString());
  assert.equal(lastRequest(w.emu).path, `/ex/confluence/${w.cloudId}/wiki/api/v2/pages`);
  const pages = await call(w.base, 'GET', `${byConfig}/confluence/wiki/api/v2/pages?limit=10`, {
    ...w.auth,
    'x-vault-connected-account-id': w.accountId,
  });
  assert.equal(pages.status, 200);
  assert.ok(pages.json().results.some((p: { title: string }) => p.title === 'Proxied page'));

  const head = await call(w.base, 'HEAD', `${w.prefix}/jira/rest/api/3/myself`, w.auth);
  assert.equal(head.status, 200);
  assert.equal(head.body.length, 0);
  assert.equal(lastRequest(w.emu).method, 'HEAD');

  const m = await readMetrics(w.vault, { gauges: false });
  assert.equal(m.value('cv_proxy_requests_total', { status_class: '2xx' }), 9);
  assert.equal(m.value('cv_proxy_requests_total', { status_class: '4xx' }), 1);
  // Audited like token reads: one aggregated row per key, account and minute.
  await w.vault.deps.services.auditWriter.flush();
  const audited = await w.vault.call(
    'GET',
    `/v1/audit-events?action=proxy.request&resource_id=${w.accountId}`,
    w.adminKey,
  );
  assert.equal(audited.status, 200, audited.text);
  assert.deepEqual(
    audited.body.data.map((e: { count: number; actor_role: string }) => [e.count, e.actor_role]),
    [[10, 'admin']],
    'every proxied call of this test, the refused 404 too, in one row',
  );
  // Neither the token nor a body is ever logged.
  const token = await w.token();
  assert.ok(!w.vault.logs.join('').includes(token));
  assert.ok(!w.vault.logs.join('').includes('through the vault'));
});

test('a revoked token: one refresh, one retry that succeeds; a 401 that persists goes back and changes nothing', async (t) => {
  const w = await world(t);
  const before = await w.token();
  // A token issued in the last minute is never refreshed for a 401 (proxy-rejections.test.ts).
  w.clock.advance(120);
  assert.ok(w.emu.revokeAccessTokens(w.user.accountId, w.clientId));
  const me = await call(w.base, 'GET', `${w.prefix}/jira/rest/api/3/myself`, w.auth);
  assert.equal(me.status, 200, me.body.toString());
  assert.equal(me.json().accountId, w.user.accountId);
  assert.deepEqual(refreshesPerFamily(w.emu), [1], 'exactly one refresh');
  const after = await w.token();
  assert.notEqual(after, before);
  assert.equal(lastRequest(w.emu).headers.authorization, `Bearer ${after}`);

  // A provider that refuses every token: a second vault on the same database whose API URL
  // answers 401 to everything, while tokens still come from the emulator. Past the cool-down of
  // the refresh above, its 401 may cause one refresh again.
  w.clock.advance(301);
  let attempts = 0;
  const refusing = createServer((_req, res) => {
    attempts++;
    res.writeHead(401, { 'content-type': 'application/json', 'x-provider': 'refusing' });
    res.end(JSON.stringify({ code: 401, message: 'Unauthorized; scope does not match' }));
  });
  await new Promise<void>((r) => refusing.listen(0, '127.0.0.1', r));
  t.after(() => new Promise((r) => refusing.close(r)));
  const other = await startTestVault({
    shareDatabaseOf: w.vault,
    clock: w.clock,
    env: {
      VAULT_MASTER_KEYS: w.masterKeys,
      ATLASSIAN_AUTH_URL: w.emu.url,
      ATLASSIAN_API_URL: `http://127.0.0.1:${(refusing.address() as AddressInfo).port}`,
    },
  });
  t.after(() => other.close());
  const otherBase = await other.app.listen({ host: '127.0.0.1', port: 0 });
  const refused = await call(otherBase, 'GET', `${w.prefix}/jira/rest/api/3/myself`, w.auth);
  assert.equal(refused.status, 401);
  assert.equal(refused.headers['x-provider'], 'refusing', 'the provider’s own answer');
  assert.match(refused.body.toString(), /scope does not match/);
  assert.equal(attempts, 2, 'the call and one retry, no more');
  assert.deepEqual(refreshesPerFamily(w.emu), [2], 'one more refresh for the refused token');
  const account = await w.vault.call('GET', `/v1/connected-accounts/${w.accountId}`, w.adminKey);
  assert.equal(account.body.status, 'ACTIVE', 'an API 401 never changes the status');
  await other.app.close();
});

test('429 with Retry-After and rate-limit headers passes through; gzip comes back as sent', async (t) => {
  const w = await world(t);
  w.emu.setFaults({ target: 'api', status: 429, count: 1, retryAfterSeconds: 7 });
  const limited = await call(w.base, 'GET', `${w.prefix}/jira/rest/api/3/myself`, w.auth);
  assert.equal(limited.status, 429);
  assert.equal(limited.headers['retry-after'], '7');
  assert.equal(limited.headers['x-ratelimit-remaining'], '0');
  assert.ok(limited.headers['x-ratelimit-reset']);
  assert.ok(limited.headers['ratelimit-reason']);
  assert.equal(w.emu.requests().length > 0, true);

  for (let i = 0; i < 12; i++)
    w.emu.addJiraIssue(w.cloudId, {
      projectKey: 'KAN',
      summary: `issue ${i} ${'x'.repeat(100)}`,
    } as never);
  const zipped = await call(
    w.base,
    'GET',
    `${w.prefix}/jira/rest/api/3/search/jql?jql=project%20%3D%20KAN&fields=summary`,
    { ...w.auth, 'accept-encoding': 'gzip' },
  );
  assert.equal(zipped.status, 200);
  assert.equal(zipped.headers['content-encoding'], 'gzip');
  const parsed = JSON.parse(gunzipSync(zipped.body).toString());
  assert.equal(parsed.issues.length, 12);
});

test('a 5 MB upload and a 5 MB download stream through intact', async (t) => {
  const w = await world(t);
  const issue = w.emu.addJiraIssue(w.cloudId, { projectKey: 'KAN', summary: 'files' } as never);
  const bytes = randomBytes(5 * 1024 * 1024);
  const sha = createHash('sha256').update(bytes).digest('hex');
  const rss0 = process.memoryUsage().rss;
  // Sent in 64 KiB chunks without a length, as a streaming client would.
  const chunks = function* () {
    for (let i = 0; i < bytes.length; i += 65536) yield bytes.subarray(i, i + 65536);
  };
  const up = await call(
    w.base,
    'POST',
    `${w.prefix}/jira/rest/api/3/issue/${issue.key}/attachments`,
    {
      ...w.auth,
      'x-atlassian-token': 'no-check',
      'content-type': 'application/octet-stream',
      'content-disposition': 'attachment; filename="big.bin"',
      'transfer-encoding': 'chunked',
    },
    Readable.from(chunks()),
  );
  assert.equal(up.status, 200, up.body.toString());
  const [stored] = up.json() as { id: string; size: number; sha256: string }[];
  assert.equal(stored!.size, bytes.length);
  assert.equal(stored!.sha256, sha, 'the upload arrived byte for byte');
  assert.equal(lastRequest(w.emu).bodySha256, sha);
  // The same with a declared length: it travels on, and the body streams as before.
  const declared = await call(
    w.base,
    'POST',
    `${w.prefix}/jira/rest/api/3/issue/${issue.key}/attachments`,
    {
      ...w.auth,
      'x-atlassian-token': 'no-check',
      'content-type': 'application/octet-stream',
      'content-length': String(bytes.length),
    },
    bytes,
  );
  assert.equal(declared.status, 200, declared.body.toString());
  assert.equal(lastRequest(w.emu).headers['content-length'], String(bytes.length));
  assert.equal(lastRequest(w.emu).bodySha256, sha);

  const down = await call(
    w.base,
    'GET',
    `${w.prefix}/jira/rest/api/3/attachment/content/${stored!.id}`,
    w.auth,
  );
  assert.equal(down.status, 200);
  assert.equal(down.headers['content-length'], String(bytes.length));
  assert.equal(createHash('sha256').update(down.body).digest('hex'), sha);
  const grew = (process.memoryUsage().rss - rss0) / 1024 / 1024;
  // Reported, not asserted: this process also holds the test's own 5 MB copies and the emulator.
  t.diagnostic(
    `RSS of the test process (vault + emulator + test) grew ${grew.toFixed(1)} MB over 10 MB proxied`,
  );
});

test('hostile paths are refused before anything leaves the vault', async (t) => {
  const w = await world(t);
  const p = w.prefix;
  const paths = [
    `${p}/jira/../../../oauth/token`,
    `${p}/jira/rest/../../confluence/x`,
    `${p}/jira/%2e%2e/%2e%2e/x`,
    `${p}/jira/%2E%2E/x`,
    `${p}/jira/.%2e/x`,
    `${p}/jira/./rest/api/3/myself`,
    `${p}/jira/rest%2fapi/3/myself`,
    `${p}/jira/rest%2Fapi%2F3`,
    `${p}/jira/rest%5capi`,
    `${p}/jira/rest\\api\\3`,
    `${p}/jira//rest/api/3/myself`,
    `${p}//evil.example/x`,
    `${p}/http://evil.example/x`,
    `${p}/https:%2F%2Fevil.example`,
    `${p}/jira/rest/api/3/user@evil.example`,
    `${p}/jira/%40evil.example`,
    `${p}/jira/%252e%252e/x`,
    `${p}/jira/%00`,
    `${p}/jira/%0d%0aHost:%20evil`,
    `${p}/jira`,
    `${p}/`,
    `${p}/wiki/rest/api/content`,
    `${p}/jira/%zz`,
    // Dot segments servlet containers and normalising servers would see, and path parameters.
    `${p}/jira/..;/..;/oauth/token`,
    `${p}/jira/rest/.;/api`,
    `${p}/jira/%2e%2e;x/y`,
    `${p}/jira/%EF%BC%8E%EF%BC%8E/x`,
    `${p}/jira/%E2%80%A5/x`,
    `${p}/jira/%EF%B9%92%EF%B9%92/x`,
    `${p}/jira/rest/api/3/myself;jsessionid=x`,
    `${p}/jira/rest%3Bx/api`,
    `${p}/jira/rest%EF%BC%8Fapi`,
  ];
  w.emu.clearRequests();
  for (const path of paths) {
    const status = await rawStatus(w.base, `GET ${path} HTTP/1.1`, w.adminKey);
    assert.equal(status, 400, `${path} → ${status}`);
  }
  const named = await call(w.base, 'GET', `${p}/jira/%2e%2e/x`, w.auth);
  assert.equal(named.json().code, 'proxy_path_invalid');
  const param = await call(w.base, 'GET', `${p}/jira/rest;v=1/api`, w.auth);
  assert.equal(param.json().code, 'proxy_path_invalid');
  assert.match(param.json().detail, /';' \(path parameters are not passed on\)/);
  assert.deepEqual(w.emu.requests(), [], 'the emulator saw no request at all');
});

test('isolation and status: tenant B 404, a service key outside its configs 403, a disabled account 409', async (t) => {
  const w = await world(t);
  const path = `${w.prefix}/jira/rest/api/3/myself`;
  const other = await w.vault.newTenant();
  const b = await call(w.base, 'GET', path, { authorization: `Bearer ${other.adminKey}` });
  assert.equal(b.status, 404);
  const viaConfig = await call(w.base, 'GET', `/v1/auth-configs/${w.configId}/proxy/jira/x/y`, {
    authorization: `Bearer ${other.adminKey}`,
    'x-vault-user-id': 'u1',
  });
  assert.equal(viaConfig.status, 404);

  const second = await w.vault.call('POST', '/v1/auth-configs', w.adminKey, {
    name: 'other app',
    provider: 'atlassian',
    client_id: `other-${randomBytes(4).toString('hex')}`,
    client_secret: randomBytes(24).toString('hex'),
    scopes: ['read:jira-work'],
  });
  assert.equal(second.status, 201, second.text);
  const svc = await w.vault.call('POST', `/v1/api-keys`, w.adminKey, {
    name: 'narrow',
    role: 'service',
    auth_config_ids: [second.body.id],
  });
  assert.equal(svc.status, 201, svc.text);
  const narrow = await call(w.base, 'GET', path, { authorization: `Bearer ${svc.body.key}` });
  assert.equal(narrow.status, 403);

  w.emu.clearRequests();
  const disabled = await w.vault.call(
    'POST',
    `/v1/connected-accounts/${w.accountId}/disable`,
    w.adminKey,
  );
  assert.equal(disabled.status, 200, disabled.text);
  const off = await call(w.base, 'GET', path, w.auth);
  assert.equal(off.status, 409);
  assert.equal(off.json().code, 'connected_account_not_active');
  assert.equal(off.json().connected_account_status, 'DISABLED');
  assert.match(String(off.headers['content-type']), /problem\+json/);
  assert.deepEqual(w.emu.requests(), [], 'nothing was sent for a refused call');
});

test('limits: a body over PROXY_MAX_BODY_BYTES is 413; a provider slower than PROXY_TIMEOUT_MS is 504', async (t) => {
  const w = await world(t, { PROXY_MAX_BODY_BYTES: '100000', PROXY_TIMEOUT_MS: '300' });
  const issue = w.emu.addJiraIssue(w.cloudId, { projectKey: 'KAN', summary: 'limits' } as never);
  const url = `${w.prefix}/jira/rest/api/3/issue/${issue.key}/attachments`;
  const headers = { ...w.auth, 'x-atlassian-token': 'no-check' };
  w.emu.clearRequests();
  const declared = await call(
    w.base,
    'POST',
    url,
    { ...headers, 'content-length': '200000' },
    randomBytes(200_000),
  );
  assert.equal(declared.status, 413);
  assert.equal(declared.json().code, 'payload_too_large');
  assert.deepEqual(w.emu.requests(), [], 'a declared oversize body is refused before sending');
  const streamed = await call(
    w.base,
    'POST',
    url,
    { ...headers, 'transfer-encoding': 'chunked' },
    Readable.from([randomBytes(60_000), randomBytes(60_000)]),
  );
  assert.equal(streamed.status, 413);

  // An answer declared larger than the limit is not relayed.
  const big = await fetch(
    `${w.emu.url}/ex/jira/${w.cloudId}/rest/api/3/issue/${issue.key}/attachments`,
    {
      method: 'POST',
      headers: { authorization: `Bearer ${await w.token()}`, 'x-atlassian-token': 'no-check' },
      body: randomBytes(150_000),
    },
  );
  assert.equal(big.status, 200);
  const [file] = (await big.json()) as { id: string }[];
  const relayed = await call(
    w.base,
    'GET',
    `${w.prefix}/jira/rest/api/3/attachment/content/${file!.id}`,
    w.auth,
  );
  assert.equal(relayed.status, 502);
  assert.equal(relayed.json().code, 'provider_response_too_large');

  w.emu.setFaults({ target: 'api', latencyMs: 2000, count: 1 });
  const slow = await call(w.base, 'GET', `${w.prefix}/jira/rest/api/3/myself`, w.auth);
  assert.equal(slow.status, 504);
  assert.equal(slow.json().code, 'provider_timeout');
  assert.match(String(slow.headers['content-type']), /problem\+json/);
});

test('several granted sites: 409 until one is selected or named per call', async (t) => {
  const fx = await ownFlowFixture(t);
  const base = await listen(t, fx.vault);
  const s = await atlassianSetup(fx.vault, fx.emu, { sites: 2 });
  const run = await runFlow(
    fx.vault,
    fx.emu,
    s.adminKey,
    { auth_config_id: s.configId, user_id: 'multi' },
    { decision: 'approve', accountId: s.user.accountId, siteIds: s.user.sites.map((x) => x.id) },
  );
  const account = await fx.vault.call('GET', `/v1/connected-accounts/${run.accountId}`, s.adminKey);
  const sites = account.body.sites as { cloud_id: string }[];
  assert.equal(sites.length, 2);
  const path = `/v1/connected-accounts/${run.accountId}/proxy/jira/rest/api/3/myself`;
  const auth = { authorization: `Bearer ${s.adminKey}` };
  if (account.body.selected_cloud_id === null) {
    const none = await call(base, 'GET', path, auth);
    assert.equal(none.status, 409);
    assert.equal(none.json().code, 'site_ambiguous');
  }
  const named = await call(base, 'GET', path, { ...auth, 'x-vault-cloud-id': sites[1]!.cloud_id });
  assert.equal(named.status, 200, named.body.toString());
  assert.equal(fx.emu.requests(1)[0]!.path, `/ex/jira/${sites[1]!.cloud_id}/rest/api/3/myself`);
  const foreign = await call(base, 'GET', path, { ...auth, 'x-vault-cloud-id': 'not-granted' });
  assert.equal(foreign.status, 400);
  assert.equal(foreign.json().code, 'site_not_granted');
});

test('a generic oauth2 config’s api_base_url is held to the egress policy', async (t) => {
  const fx = await ownFlowFixture(t);
  const { adminKey } = await fx.vault.newTenant();
  const res = await fx.vault.call('POST', '/v1/auth-configs', adminKey, {
    name: 'generic',
    provider: 'oauth2',
    client_id: 'generic-client',
    client_secret: randomBytes(24).toString('hex'),
    scopes: ['read'],
    oauth2: {
      authorization_url: 'https://auth.example.com/authorize',
      token_url: 'https://auth.example.com/token',
      api_base_url: 'https://127.0.0.1/api',
    },
  });
  assert.equal(res.status, 400, res.text);
  assert.equal(res.body.code, 'egress_denied');
});

test('PROXY_RETRY_MAX_WAIT_SECONDS: an idempotent call waits out a short Retry-After once; a POST never does', async (t) => {
  const w = await world(t, { PROXY_RETRY_MAX_WAIT_SECONDS: '2' });
  w.emu.clearRequests();
  w.emu.setFaults({ target: 'api', status: 429, count: 1, retryAfterSeconds: 1 });
  const got = await call(w.base, 'GET', `${w.prefix}/jira/rest/api/3/myself`, w.auth);
  assert.equal(got.status, 200);
  assert.equal(w.emu.requests().length, 2, 'the 429, then the retry');

  w.emu.setFaults({ target: 'api', status: 429, count: 1, retryAfterSeconds: 1 });
  const post = await call(
    w.base,
    'POST',
    `${w.prefix}/jira/rest/api/3/search/jql`,
    { ...w.auth, 'content-type': 'application/json' },
    JSON.stringify({ jql: 'project = KAN' }),
  );
  assert.equal(post.status, 429, 'not idempotent: passed back as it is');

  w.emu.setFaults({ target: 'api', status: 429, count: 1, retryAfterSeconds: 30 });
  const long = await call(w.base, 'GET', `${w.prefix}/jira/rest/api/3/myself`, w.auth);
  assert.equal(long.status, 429, 'a wait beyond the budget is the caller’s to make');
  assert.equal(long.headers['retry-after'], '30');
});
