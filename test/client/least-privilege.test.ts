// The client's and the CLI's least-privilege helpers against a real vault process: trusted issuers
// and policies managed as an admin does, exchange() as a service and as a keyless agent with a
// workload identity, and fetch() with the proxy token it got.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createVaultClient, VaultError } from '../../clients/typescript/src/index.ts';
import { startKeyIssuer, type KeyIssuer } from '../helpers/identity.ts';
import { buildCli, runCli } from './cli-runner.ts';
import { startClientFixture, type ClientFixture, type ConnectedFixture } from './setup.ts';

const BOT = 'system:serviceaccount:agents:jira-bot';

describe('least privilege from the client and the CLI', () => {
  let fx: ClientFixture;
  let bin: string;
  let users: KeyIssuer;
  let workloads: KeyIssuer;
  let acct: ConnectedFixture;
  const cv = (args: string[]) => runCli(bin, args, { CV_URL: fx.url, CV_KEY: fx.adminKey });

  before(async () => {
    [fx, bin, users, workloads] = await Promise.all([
      startClientFixture({ postgres: true }),
      buildCli(),
      startKeyIssuer({ alg: 'RS256' }),
      startKeyIssuer({ alg: 'ES256' }),
    ]);
    acct = await fx.connectAccount({ userId: 'ada' });
  });
  after(async () => {
    await Promise.all([users?.close(), workloads?.close()]);
    await fx?.close();
  });

  test('admin helpers: issuers and policies; exchange() and fetch() with a proxy token', async () => {
    const userIssuer = await fx.admin.trustedIssuers.create({
      name: 'users',
      kind: 'user',
      issuer: users.iss,
      jwks_uri: users.jwksUri,
      audience: ['vault'],
      algorithms: ['RS256'],
    });
    const listed = [];
    for await (const i of fx.admin.trustedIssuers.list({ kind: 'user' })) listed.push(i.id);
    assert.ok(listed.includes(userIssuer.id));

    const svc = await fx.admin.apiKeys.create({ name: 'agent backend', role: 'service' });
    const policed = await fx.admin.apiKeys.setPolicy(svc.id, {
      token: false,
      proxy: ['jira:read'],
    });
    assert.equal(policed.effective_policy.token, false);
    const service = fx.client({ apiKey: svc.key });
    const subjectToken = await users.sign({ sub: 'ada', aud: 'vault' });

    // proxy only: the exchange for a raw token is refused, with the vault's code
    await assert.rejects(
      service.exchange({ subjectToken, authConfigId: acct.configId }),
      (e: unknown) =>
        e instanceof VaultError && e.code === 'policy_denied' && e.status === 400 && !!e.detail,
    );
    const pt = await service.exchange({
      subjectToken,
      authConfigId: acct.configId,
      requestedTokenType: 'proxy',
    });
    assert.equal(pt.connected_account_id, acct.accountId);
    // the proxy token, not the key: a keyless client can use it
    const agent = createVaultClient({ url: fx.url });
    const sel = { connectedAccountId: pt.connected_account_id };
    const me = await agent.fetch(sel, 'jira/rest/api/3/myself', { proxyToken: pt.access_token });
    assert.equal(me.status, 200);
    assert.equal(((await me.json()) as { accountId: string }).accountId, acct.emuUser.accountId);
    const del = await agent.fetch(sel, 'jira/rest/api/3/issue/X-1', {
      method: 'DELETE',
      proxyToken: pt.access_token,
    });
    assert.equal(del.status, 403);
    assert.equal((await VaultError.fromResponse(del)).code, 'policy_denied');

    // a proxy token minted by the key itself
    const minted = await service.proxyToken(
      { authConfigId: acct.configId, userId: 'ada' },
      { ttlSeconds: 120 },
    );
    assert.equal(minted.expires_in, 120);
    const again = await agent.fetch(sel, 'jira/rest/api/3/myself', {
      proxyToken: minted.access_token,
    });
    assert.equal(again.status, 200);
    await fx.admin.apiKeys.setPolicy(svc.id, null);
    const raw = await service.exchange({ subjectToken, authConfigId: acct.configId, minTtl: 120 });
    assert.equal(raw.issued_token_type, 'urn:ietf:params:oauth:token-type:access_token');
    assert.equal(
      raw.access_token,
      (await fx.admin.token({ connectedAccountId: acct.accountId })).access_token,
    );
  });

  test('a keyless agent exchanges with its workload token alone', async () => {
    const workload = await fx.admin.trustedIssuers.create({
      name: 'cluster',
      kind: 'workload',
      issuer: workloads.iss,
      jwks_uri: workloads.jwksUri,
      audience: ['credential-vault'],
      algorithms: ['ES256'],
      required_claims: { sub: [BOT] },
      policy: { proxy: ['jira:read'] },
    });
    const agent = createVaultClient({ url: fx.url });
    const pt = await agent.exchange({
      subjectToken: await users.sign({ sub: 'ada', aud: 'vault' }),
      actorToken: await workloads.sign({ sub: BOT, aud: 'credential-vault' }),
      authConfigId: acct.configId,
      requestedTokenType: 'proxy',
    });
    const res = await agent.fetch(
      { connectedAccountId: pt.connected_account_id },
      'jira/rest/api/3/myself',
      {
        proxyToken: pt.access_token,
      },
    );
    assert.equal(res.status, 200);
    await fx.admin.trustedIssuers.update(workload.id, { status: 'disabled' });
    await assert.rejects(
      agent.exchange({
        subjectToken: await users.sign({ sub: 'ada', aud: 'vault' }),
        actorToken: await workloads.sign({ sub: BOT, aud: 'credential-vault' }),
        authConfigId: acct.configId,
      }),
      (e: unknown) =>
        e instanceof VaultError && e.status === 401 && e.code === 'actor_token_invalid',
    );
  });

  test('the CLI: policies set, get and clear; issuers create, list, disable and delete', async () => {
    const svc = await fx.admin.apiKeys.create({ name: 'cli svc', role: 'service' });
    const set = await cv([
      'policies',
      'set',
      svc.id,
      '--proxy-only',
      '--preset',
      'jira:read',
      '--allow',
      'PUT jira/rest/api/3/issue/*',
      '--budget',
      '500/3600',
    ]);
    assert.equal(set.code, 0, set.stderr);
    assert.match(set.stdout, /raw tokens\s+refused \(proxy only\)/);
    assert.match(set.stdout, /PUT jira\/rest\/api\/3\/issue\/\*/);
    assert.match(set.stdout, /500 per 3600 s/);
    const got = await cv(['policies', 'get', svc.id, '--json']);
    assert.deepEqual(JSON.parse(got.stdout).policy, {
      token: false,
      proxy: ['jira:read', { methods: ['PUT'], paths: ['jira/rest/api/3/issue/*'] }],
      budget: { requests: 500, window_seconds: 3600 },
    });
    const bad = await cv(['policies', 'set', svc.id, '--preset', 'jira:write']);
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, /must be one of jira:read, confluence:read, github:read/);
    assert.equal((await cv(['policies', 'clear', svc.id])).code, 0);
    assert.equal((await fx.admin.apiKeys.get(svc.id)).policy, null);

    const created = await cv([
      'issuers',
      'create',
      '--kind',
      'workload',
      '--name',
      'ci',
      '--issuer',
      'https://token.actions.example.com',
      '--jwks-uri',
      workloads.jwksUri,
      '--audience',
      'credential-vault',
      '--alg',
      'ES256',
      '--require',
      'repository=acme/agent',
      '--preset',
      'jira:read',
      '--proxy-only',
    ]);
    assert.equal(created.code, 0, created.stderr);
    const id = created.stdout.trim();
    assert.match(id, /^ti_/);
    const issuer = await fx.admin.trustedIssuers.get(id);
    assert.deepEqual(issuer.required_claims, { repository: ['acme/agent'] });
    assert.deepEqual(issuer.policy, { token: false, proxy: ['jira:read'], budget: null });
    const list = await cv(['issuers', 'list']);
    assert.match(list.stdout, new RegExp(`${id}\\s+workload\\s+ci`));
    assert.equal(
      (await cv(['issuers', 'disable', id])).stdout.trim(),
      `trusted issuer ${id} disabled`,
    );
    const hmac = await cv([
      'issuers',
      'create',
      '--kind',
      'user',
      '--issuer',
      'https://x.example.com',
      '--jwks-uri',
      users.jwksUri,
      '--audience',
      'v',
      '--alg',
      'HS256',
    ]);
    assert.equal(hmac.code, 2, hmac.stderr);
    assert.equal((await cv(['issuers', 'delete', id, '--yes'])).code, 0);
    assert.equal((await cv(['issuers', 'get', id])).code, 4);
  });
});
