// Proxy tokens over real HTTP: minted by a service key or a token exchange, accepted by the proxy
// routes of their one account and within their policies, and nowhere else; dead once expired or
// once their key, issuer or account is no longer trusted. What reached the emulator is counted.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import type { Emulator } from '../../src/emulator/index.ts';
import { manualClock } from '../../src/lib/clock.ts';
import { RETURN_URL, atlassianSetup, runFlow, startFlowFixture } from '../helpers/flow.ts';
import { TOKEN_EXCHANGE, TT, b64, startKeyIssuer, type KeyIssuer } from '../helpers/identity.ts';
import { openOwnDatabase } from '../helpers/own-database.ts';
import type { TestVault } from '../helpers/vault.ts';

let emu: Emulator;
let vault: TestVault;
let base: string;
let users: KeyIssuer;
let workloads: KeyIssuer;
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
  users = await startKeyIssuer({ alg: 'RS256' });
  workloads = await startKeyIssuer({ alg: 'ES256' });
  close = async () => {
    await vault.app.close();
    await Promise.all([users.close(), workloads.close()]);
    await fx.close();
  };
});
after(() => close());

/** A tenant with Ada's and Ben's accounts of one config, and a second config with Ada's. */
async function world() {
  const s = await atlassianSetup(vault, emu);
  const connect = async (configId: string, userId: string, accountId: string) => {
    const run = await runFlow(
      vault,
      emu,
      s.adminKey,
      { auth_config_id: configId, user_id: userId, return_url: RETURN_URL },
      { accountId, decision: 'approve' },
    );
    assert.equal(run.final.status, 302, run.final.text);
    return run.accountId;
  };
  const tag = randomBytes(3).toString('hex');
  const ben = emu.addUser({
    email: `ben-${tag}@example.com`,
    name: 'Ben',
    sites: [{ name: 'Ben site', url: `https://ben-${tag}.atlassian.net` }],
  });
  const ada = await connect(s.configId, 'ada', s.user.accountId);
  const benAccount = await connect(s.configId, 'ben', ben.accountId);
  const post = async (path: string, body: unknown, key = s.adminKey) => {
    const r = await vault.call('POST', path, key, body);
    assert.equal(r.status < 300, true, `${path}: ${r.status} ${r.text}`);
    return r.body;
  };
  const issue = emu.addJiraIssue(s.user.sites[0]!.id, { projectKey: 'DEMO', summary: 'pt' });
  /** A call with a bearer value; what the emulator received. */
  const proxy = async (bearer: string, method: string, path: string, accountId = ada) => {
    emu.clearRequests();
    const res = await fetch(`${base}/v1/connected-accounts/${accountId}/proxy/${path}`, {
      method,
      headers: { authorization: `Bearer ${bearer}` },
    });
    const text = await res.text();
    return {
      status: res.status,
      body: text ? JSON.parse(text) : {},
      upstream: emu.requests().length,
    };
  };
  return { ...s, ada, ben: benAccount, post, proxy, issue };
}

test('a service key mints a proxy token for an account it may use; the proxy takes it for that account only', async () => {
  const w = await world();
  const key = await w.post('/v1/api-keys', {
    name: 'agent',
    role: 'service',
    policy: { token: false, proxy: ['jira:read'] },
  });
  const pt = await w.post(`/v1/connected-accounts/${w.ada}/proxy-token`, {}, key.key);
  assert.equal(pt.token_type, 'Bearer');
  assert.equal(pt.issued_token_type, TT.proxy);
  assert.equal(pt.connected_account_id, w.ada);
  assert.equal(pt.expires_in, 300);
  assert.equal(pt.proxy_url, `http://vault.test/v1/connected-accounts/${w.ada}/proxy/`);

  const me = await w.proxy(pt.access_token, 'GET', 'jira/rest/api/3/myself');
  assert.equal(me.status, 200, JSON.stringify(me.body));
  assert.equal(me.body.accountId, w.user.accountId);
  assert.equal(me.upstream, 1);
  assert.notEqual(emu.requests()[0]!.headers.authorization, `Bearer ${pt.access_token}`);
  // the key's policy comes with it
  const del = await w.proxy(pt.access_token, 'DELETE', `jira/rest/api/3/issue/${w.issue.key}`);
  assert.equal(del.status, 403);
  assert.equal(del.body.code, 'policy_denied');
  assert.equal(del.upstream, 0);
  // another account of the same config, and the config route for it
  const ben = await w.proxy(pt.access_token, 'GET', 'jira/rest/api/3/myself', w.ben);
  assert.equal(ben.status, 403);
  assert.equal(ben.upstream, 0);
  const viaConfig = await fetch(
    `${base}/v1/auth-configs/${w.configId}/proxy/jira/rest/api/3/myself`,
    {
      headers: { authorization: `Bearer ${pt.access_token}`, 'x-vault-user-id': 'ben' },
    },
  );
  assert.equal(viaConfig.status, 403);
  const adaViaConfig = await fetch(
    `${base}/v1/auth-configs/${w.configId}/proxy/jira/rest/api/3/myself`,
    {
      headers: { authorization: `Bearer ${pt.access_token}`, 'x-vault-user-id': 'ada' },
    },
  );
  assert.equal(adaViaConfig.status, 200);
  // never on the token routes, nor any other route
  for (const [method, url, body] of [
    ['POST', `/v1/connected-accounts/${w.ada}/token`, {}],
    ['POST', `/v1/auth-configs/${w.configId}/token`, { user_id: 'ada' }],
    ['GET', '/v1/connected-accounts', undefined],
    ['POST', `/v1/connected-accounts/${w.ada}/proxy-token`, {}],
  ] as const) {
    const r = await vault.call(method, url, pt.access_token, body);
    assert.equal(r.status, 401, `${method} ${url}: ${r.text}`);
    assert.match(r.body.detail, /proxy routes only/);
  }
  // a proxy token is no key: forged or altered, it is refused
  const [h, p, s] = (pt.access_token as string).split('.');
  const claims = JSON.parse(Buffer.from(p!, 'base64url').toString());
  const altered = `${h}.${b64({ ...claims, sub: w.ben, pol: [] })}.${s}`;
  assert.equal((await w.proxy(altered, 'GET', 'jira/rest/api/3/myself', w.ben)).status, 401);
  const unsigned = `${b64({ alg: 'none', typ: 'cv-proxy+jwt' })}.${p}.`;
  assert.equal((await w.proxy(unsigned, 'GET', 'jira/rest/api/3/myself')).status, 401);
});

test('a proxy token expires (moved clock), and dies with its key or its account', async () => {
  const w = await world();
  const key = await w.post('/v1/api-keys', { name: 'agent', role: 'service' });
  const short = await w.post(
    `/v1/connected-accounts/${w.ada}/proxy-token`,
    { ttl_seconds: 60 },
    key.key,
  );
  assert.equal(short.expires_in, 60);
  const long = await w.post(
    `/v1/auth-configs/${w.configId}/proxy-token`,
    { user_id: 'ada' },
    key.key,
  );
  assert.equal(long.connected_account_id, w.ada);
  assert.equal((await w.proxy(short.access_token, 'GET', 'jira/rest/api/3/myself')).status, 200);
  clock.advance(61);
  const expired = await w.proxy(short.access_token, 'GET', 'jira/rest/api/3/myself');
  assert.equal(expired.status, 401);
  assert.equal(expired.upstream, 0);
  assert.equal((await w.proxy(long.access_token, 'GET', 'jira/rest/api/3/myself')).status, 200);

  // the account disabled: the proxy answers as for the key itself
  assert.equal(
    (await vault.call('POST', `/v1/connected-accounts/${w.ada}/disable`, w.adminKey)).status,
    200,
  );
  const disabled = await w.proxy(long.access_token, 'GET', 'jira/rest/api/3/myself');
  assert.equal(disabled.status, 409);
  assert.equal(disabled.upstream, 0);
  const mint = await vault.call('POST', `/v1/connected-accounts/${w.ada}/proxy-token`, key.key, {});
  assert.equal(mint.status, 409);
  assert.equal(mint.body.code, 'connected_account_not_active');
  await vault.call('POST', `/v1/connected-accounts/${w.ada}/enable`, w.adminKey);
  assert.equal((await w.proxy(long.access_token, 'GET', 'jira/rest/api/3/myself')).status, 200);

  // the key's policy narrowed: its tokens narrow with it
  await vault.call('PATCH', `/v1/api-keys/${key.id}`, w.adminKey, {
    policy: { proxy: [{ methods: ['GET'], paths: ['confluence/**'] }] },
  });
  const narrowed = await w.proxy(long.access_token, 'GET', 'jira/rest/api/3/myself');
  assert.equal(narrowed.status, 403);
  assert.deepEqual(narrowed.body.policy, { source: 'key', id: key.id });
  // the key revoked: its tokens are refused
  assert.equal((await vault.call('DELETE', `/v1/api-keys/${key.id}`, w.adminKey)).status, 200);
  const revoked = await w.proxy(long.access_token, 'GET', 'jira/rest/api/3/myself');
  assert.equal(revoked.status, 401);
  assert.match(revoked.body.detail, /no longer trusted/);
  assert.equal(revoked.upstream, 0);
  // a key limited to other configs cannot mint for this one
  const other = await w.post('/v1/auth-configs', {
    name: 'other',
    provider: 'atlassian',
    client_id: `c-${randomBytes(4).toString('hex')}`,
    client_secret: `s-${randomBytes(16).toString('hex')}`,
    scopes: ['read:jira-work'],
  });
  const limited = await w.post('/v1/api-keys', {
    name: 'l',
    role: 'service',
    auth_config_ids: [other.id],
  });
  assert.equal(
    (await vault.call('POST', `/v1/connected-accounts/${w.ada}/proxy-token`, limited.key, {}))
      .status,
    403,
  );
});

test('an exchanged proxy token carries every policy and dies with its issuer; the audit names who acted for whom', async () => {
  const w = await world();
  const ui = await w.post('/v1/trusted-issuers', {
    name: 'users',
    kind: 'user',
    issuer: users.iss,
    jwks_uri: users.jwksUri,
    audience: ['vault'],
    algorithms: ['RS256'],
  });
  const wi = await w.post('/v1/trusted-issuers', {
    name: 'agents',
    kind: 'workload',
    issuer: workloads.iss,
    jwks_uri: workloads.jwksUri,
    audience: ['cv'],
    algorithms: ['ES256'],
    policy: { proxy: ['jira:read'] },
  });
  const mint = async () => {
    const res = await vault.app.inject({
      method: 'POST',
      url: '/v1/oauth/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        grant_type: TOKEN_EXCHANGE,
        subject_token: await users.sign({ sub: 'ada', aud: 'vault' }, { now: clock.now() }),
        subject_token_type: TT.idToken,
        actor_token: await workloads.sign({ sub: 'agent-7', aud: 'cv' }, { now: clock.now() }),
        actor_token_type: TT.jwt,
        audience: w.configId,
        requested_token_type: TT.proxy,
      }).toString(),
    });
    assert.equal(res.statusCode, 200, res.body);
    return res.json().access_token as string;
  };
  const pt = await mint();
  assert.equal((await w.proxy(pt, 'GET', 'jira/rest/api/3/myself')).status, 200);
  const del = await w.proxy(pt, 'DELETE', `jira/rest/api/3/issue/${w.issue.key}`);
  assert.equal(del.status, 403);
  assert.deepEqual(del.body.policy, { source: 'workload_issuer', id: wi.id });
  assert.equal(del.upstream, 0);

  await vault.deps.services.auditWriter.flush();
  const rows = (await vault.call('GET', `/v1/audit-events?actor_key_id=${wi.id}`, w.adminKey)).body
    .data as { action: string; details: Record<string, any> }[]; // eslint-disable-line @typescript-eslint/no-explicit-any
  const call = rows.find((r) => r.action === 'proxy.request')!;
  assert.equal(call.details.via, 'proxy_token');
  assert.deepEqual(call.details.workload, { issuer_id: wi.id, subject: 'agent-7' });
  assert.deepEqual(call.details.user, { issuer_id: ui.id, subject: 'ada' });
  assert.equal(call.details.user_id, 'ada');
  assert.equal(call.details.decision, 'allowed');
  const denied = rows.find((r) => r.action === 'proxy.denied')!;
  assert.equal(denied.details.decision, 'denied');
  assert.deepEqual(denied.details.workload, { issuer_id: wi.id, subject: 'agent-7' });
  assert.ok(rows.some((r) => r.action === 'proxy_token.issued'));

  // the workload issuer disabled, then the user issuer deleted: its tokens stop
  await vault.call('PATCH', `/v1/trusted-issuers/${wi.id}`, w.adminKey, { status: 'disabled' });
  assert.equal((await w.proxy(pt, 'GET', 'jira/rest/api/3/myself')).status, 401);
  await vault.call('PATCH', `/v1/trusted-issuers/${wi.id}`, w.adminKey, { status: 'enabled' });
  const again = await mint();
  assert.equal((await w.proxy(again, 'GET', 'jira/rest/api/3/myself')).status, 200);
  assert.equal(
    (await vault.call('DELETE', `/v1/trusted-issuers/${ui.id}`, w.adminKey)).status,
    204,
  );
  const gone = await w.proxy(again, 'GET', 'jira/rest/api/3/myself');
  assert.equal(gone.status, 401);
  assert.equal(gone.upstream, 0);
});
