import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startEmulator } from '../../src/emulator/index.ts';
import { call, postToken } from './helpers.ts';

const SA = {
  clientId: 'sa-client',
  clientSecret: 'sa-secret',
  scopes: ['read:jira-work', 'write:jira-work', 'read:jira-user'],
  name: 'Build Bot',
};

async function withServiceAccount() {
  const emu = await startEmulator();
  const owner = emu.addUser({
    email: 'ada@example.com',
    name: 'Ada Lovelace',
    sites: [{ name: 'ada-team', url: 'https://ada-team.atlassian.net', products: ['jira'] }],
  });
  const site = owner.sites[0]!;
  const sa = emu.addServiceAccount({ ...SA, siteIds: [site.id] });
  return { emu, site, sa };
}

const ccBody = (secret = SA.clientSecret) => ({
  grant_type: 'client_credentials',
  client_id: SA.clientId,
  client_secret: secret,
});

test('client_credentials (JSON and form) returns a 60-minute Bearer token and no refresh token', async () => {
  const { emu } = await withServiceAccount();
  try {
    for (const form of [false, true]) {
      const r = await postToken(emu, ccBody(), form);
      assert.equal(r.status, 200, JSON.stringify(r.json));
      assert.deepEqual(Object.keys(r.json).sort(), [
        'access_token',
        'expires_in',
        'scope',
        'token_type',
      ]);
      assert.equal(r.json.expires_in, 3600);
      assert.equal(r.json.token_type, 'Bearer');
      assert.equal(r.json.scope, 'read:jira-work write:jira-work read:jira-user');
      assert.equal(r.headers.get('cache-control'), 'no-store');
    }
    const c = emu.counters();
    assert.equal(c.clientCredentialsRequests, 2);
    assert.equal(c.clientCredentialsIssued, 2);
    assert.equal(c.tokenRequests, 2);
    assert.equal(c.codeExchanges + c.refreshes, 0);
  } finally {
    await emu.close();
  }
});

test('wrong secret, unknown client, revoked credential: 401 invalid_client', async () => {
  const { emu } = await withServiceAccount();
  try {
    const expectInvalid = async (body: Record<string, string>) => {
      const r = await postToken(emu, body);
      assert.equal(r.status, 401, JSON.stringify(body));
      assert.equal(r.json.error, 'invalid_client');
      assert.equal(r.json.access_token, undefined);
    };
    await expectInvalid(ccBody('wrong'));
    await expectInvalid({ ...ccBody(), client_id: 'nobody' });
    const { client_secret: _s, ...noSecret } = ccBody();
    await expectInvalid(noSecret);
    const t = (await postToken(emu, ccBody())).json.access_token as string;
    assert.equal((await call(emu, 'GET', '/me', { auth: t })).status, 200);
    assert.equal(emu.revokeServiceAccountCredential(SA.clientId), true);
    assert.equal(emu.revokeServiceAccountCredential(SA.clientId), false);
    await expectInvalid(ccBody());
    assert.equal((await call(emu, 'GET', '/me', { auth: t })).status, 401, 'its tokens died');
    const c = emu.counters();
    assert.equal(c.invalidClient, 4);
    assert.equal(c.clientCredentialsRequests, 5);
    assert.equal(c.clientCredentialsIssued, 1);
    assert.throws(() => emu.setServiceAccountSecret(SA.clientId, 'x'), /revoked/);
  } finally {
    await emu.close();
  }
});

test('a 3LO app may not use client_credentials, a credential may not use 3LO grants', async () => {
  const { emu } = await withServiceAccount();
  try {
    emu.addApp({
      clientId: 'app',
      clientSecret: 'app-secret',
      name: 'App',
      callbackUrl: 'http://localhost/cb',
      scopes: ['read:jira-work'],
    });
    const r = await postToken(emu, {
      grant_type: 'client_credentials',
      client_id: 'app',
      client_secret: 'app-secret',
    });
    assert.equal(r.status, 400);
    assert.equal(r.json.error, 'unauthorized_client');
    const refresh = await postToken(emu, {
      grant_type: 'refresh_token',
      client_id: SA.clientId,
      client_secret: SA.clientSecret,
      refresh_token: 'x',
    });
    assert.equal(refresh.status, 401);
    assert.throws(() => emu.addServiceAccount({ ...SA, clientId: 'app' }), /already exists/);
    assert.throws(
      () =>
        emu.addApp({
          clientId: SA.clientId,
          clientSecret: 'x',
          name: 'x',
          callbackUrl: 'http://localhost/cb',
          scopes: [],
        }),
      /service-account/,
    );
  } finally {
    await emu.close();
  }
});

test('secret rotation: the old secret stops working, issued tokens live on', async () => {
  const { emu } = await withServiceAccount();
  try {
    const before = (await postToken(emu, ccBody())).json.access_token as string;
    emu.setServiceAccountSecret(SA.clientId, 'rotated-secret');
    assert.equal((await postToken(emu, ccBody())).status, 401);
    assert.equal((await postToken(emu, ccBody('rotated-secret'))).status, 200);
    assert.equal((await call(emu, 'GET', '/me', { auth: before })).status, 200);
  } finally {
    await emu.close();
  }
});

test('the token works on accessible-resources, /me (app) and the gateway of its sites only', async () => {
  const { emu, site, sa } = await withServiceAccount();
  try {
    const other = emu.addUser({
      email: 'bob@example.com',
      name: 'Bob',
      sites: [{ name: 'bob', url: 'https://bob.atlassian.net' }],
    }).sites[0]!;
    const t = (await postToken(emu, ccBody())).json.access_token as string;
    const res = await call(emu, 'GET', '/oauth/token/accessible-resources', { auth: t });
    assert.equal(res.status, 200);
    assert.deepEqual(
      res.json.map((r: { id: string; scopes: string[] }) => [r.id, r.scopes]),
      [[site.id, SA.scopes]],
    );
    const me = await call(emu, 'GET', '/me', { auth: t });
    assert.equal(me.status, 200);
    assert.equal(me.json.account_type, 'app');
    assert.equal(me.json.account_id, sa.accountId);
    assert.equal(me.json.email, sa.email);
    assert.match(sa.email, /@serviceaccount\.atlassian\.com$/);
    const myself = await call(emu, 'GET', `/ex/jira/${site.id}/rest/api/3/myself`, { auth: t });
    assert.equal(myself.status, 200);
    assert.equal(myself.json.accountType, 'app');
    assert.equal(myself.json.accountId, sa.accountId);
    const created = await call(emu, 'POST', `/ex/jira/${site.id}/rest/api/3/issue`, {
      auth: t,
      json: {
        fields: { project: { key: 'OPS' }, summary: 'by a bot', issuetype: { name: 'Task' } },
      },
    });
    assert.equal(created.status, 201);
    assert.equal(created.json.key, 'OPS-1');
    const foreign = await call(emu, 'GET', `/ex/jira/${other.id}/rest/api/3/myself`, { auth: t });
    assert.equal(foreign.status, 404);
    // an OAuth token is not for the site form
    assert.equal(
      (await call(emu, 'GET', `/site/ada-team/rest/api/3/myself`, { auth: t })).status,
      401,
    );
  } finally {
    await emu.close();
  }
});

test('service accounts with new sites, custom TTL, and the admin routes', async () => {
  const emu = await startEmulator();
  try {
    const created = await call(emu, 'POST', '/_emulator/service-accounts', {
      json: {
        client_id: 'http-sa',
        client_secret: 'http-secret',
        scopes: ['read:confluence-content.all'],
        name: 'Wiki Bot',
        email: 'wiki-bot@serviceaccount.atlassian.com',
        account_id: 'sa-1',
        sites: [{ name: 'wiki', url: 'https://wiki.atlassian.net', products: ['confluence'] }],
        access_token_ttl_seconds: 600,
      },
    });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.json.accountId, 'sa-1');
    assert.equal(created.json.clientSecret, undefined);
    assert.equal(created.json.sites.length, 1);
    const site = created.json.sites[0];
    const body = {
      grant_type: 'client_credentials',
      client_id: 'http-sa',
      client_secret: 'http-secret',
    };
    const t = await postToken(emu, body);
    assert.equal(t.json.expires_in, 600);
    const at = t.json.access_token as string;
    const pages = await call(emu, 'GET', `/ex/confluence/${site.id}/wiki/api/v2/pages`, {
      auth: at,
    });
    assert.equal(pages.status, 200);
    emu.clock.advance(601);
    assert.equal((await call(emu, 'GET', '/me', { auth: at })).status, 401);

    const rotate = await call(emu, 'PUT', '/_emulator/service-accounts/http-sa', {
      json: { client_secret: 'new' },
    });
    assert.equal(rotate.status, 200);
    assert.equal((await postToken(emu, { ...body, client_secret: 'new' })).status, 200);
    const del = await call(emu, 'DELETE', '/_emulator/service-accounts/http-sa');
    assert.deepEqual(del.json, { revoked: true });
    assert.equal((await postToken(emu, { ...body, client_secret: 'new' })).status, 401);
    assert.equal(
      (await call(emu, 'PUT', '/_emulator/service-accounts/nope', { json: { client_secret: 'x' } }))
        .status,
      404,
    );
    assert.equal(
      (await call(emu, 'POST', '/_emulator/service-accounts', { json: { name: 'x' } })).status,
      400,
    );
    const dup = await call(emu, 'POST', '/_emulator/service-accounts', {
      json: {
        client_id: 'other',
        client_secret: 's',
        scopes: ['read:me'],
        name: 'x',
        account_id: 'sa-1',
      },
    });
    assert.equal(dup.status, 409);
  } finally {
    await emu.close();
  }
});
