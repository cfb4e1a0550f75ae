import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startEmulator } from '../../src/emulator/index.ts';

async function call<T = Record<string, unknown>>(
  base: string,
  method: string,
  path: string,
  body?: unknown,
) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: (text ? JSON.parse(text) : undefined) as T };
}

test('admin HTTP API round trip: app, user, site, consent, tokens, clock, faults, counters, revoke', async () => {
  const emu = await startEmulator();
  const u = emu.url;
  try {
    const app = await call(u, 'POST', '/_emulator/apps', {
      client_id: 'http-client',
      client_secret: 'http-secret',
      name: 'HTTP App',
      callback_url: 'http://127.0.0.1:9/cb',
      scopes: ['read:jira-work', 'read:confluence-content.all'],
      access_token_ttl_seconds: 900,
    });
    assert.equal(app.status, 201);
    assert.equal(app.json.clientId, 'http-client');
    assert.equal(app.json.clientSecret, undefined);

    const user = await call<{ accountId: string; sites: { id: string }[] }>(
      u,
      'POST',
      '/_emulator/users',
      {
        email: 'grace@example.com',
        name: 'Grace Hopper',
        sites: [{ name: 'grace', url: 'https://grace.atlassian.net', products: ['jira'] }],
      },
    );
    assert.equal(user.status, 201);
    const accountId = user.json.accountId as string;
    assert.ok(accountId);
    assert.equal(user.json.sites.length, 1);
    const site = await call<{ id: string }>(
      u,
      'POST',
      `/_emulator/users/${encodeURIComponent(accountId)}/sites`,
      {
        id: '11111111-2222-3333-4444-555555555555',
        name: 'grace-wiki',
        url: 'https://grace-wiki.atlassian.net',
        products: ['confluence'],
      },
    );
    assert.equal(site.status, 201);
    assert.equal(site.json.id, '11111111-2222-3333-4444-555555555555');
    assert.equal(
      (await call(u, 'POST', '/_emulator/users/nobody/sites', { name: 'x', url: 'y' })).status,
      404,
    );
    assert.equal((await call(u, 'POST', '/_emulator/apps', { name: 'broken' })).status, 400);

    const authorizeUrl =
      `${u}/authorize?client_id=http-client&redirect_uri=${encodeURIComponent('http://127.0.0.1:9/cb')}` +
      '&response_type=code&state=s1&scope=read%3Ajira-work%20read%3Aconfluence-content.all%20offline_access';
    const consent = await call<{ status: number; location: string }>(
      u,
      'POST',
      '/_emulator/consent',
      {
        authorize_url: authorizeUrl,
        account_id: accountId,
        site_ids: [user.json.sites[0]!.id, site.json.id],
        decision: 'approve',
      },
    );
    assert.equal(consent.json.status, 302);
    const code = new URL(consent.json.location).searchParams.get('code')!;
    const tokens = await call<Record<string, string | number>>(u, 'POST', '/oauth/token', {
      grant_type: 'authorization_code',
      client_id: 'http-client',
      client_secret: 'http-secret',
      code,
      redirect_uri: 'http://127.0.0.1:9/cb',
    });
    assert.equal(tokens.status, 200);
    assert.equal(tokens.json.expires_in, 900);
    const res = await fetch(`${u}/oauth/token/accessible-resources`, {
      headers: { authorization: `Bearer ${tokens.json.access_token}` },
    });
    const resources = (await res.json()) as { id: string; scopes: string[] }[];
    assert.deepEqual(
      resources.map((r) => [r.id, r.scopes]),
      [
        [user.json.sites[0]!.id, ['read:jira-work']],
        [site.json.id, ['read:confluence-content.all']],
      ],
    );

    const before = (await call<{ now_ms: number }>(u, 'GET', '/_emulator/clock')).json.now_ms;
    const advanced = await call<{ now_ms: number }>(u, 'POST', '/_emulator/clock', {
      advance_seconds: 3600,
    });
    assert.ok(advanced.json.now_ms - before >= 3600_000);
    assert.deepEqual((await call(u, 'POST', '/_emulator/clock', { now_ms: 1_000 })).json, {
      now_ms: 1_000,
    });
    const reset = await call<{ now_ms: number }>(u, 'POST', '/_emulator/clock', { reset: true });
    assert.ok(Math.abs(reset.json.now_ms - Date.now()) < 5_000);
    assert.equal((await call(u, 'POST', '/_emulator/clock', {})).status, 400);

    const faults = await call(u, 'PUT', '/_emulator/faults', { status: 502, count: 1 });
    assert.deepEqual(faults.json, { faults: { status: 502, count: 1 } });
    assert.equal((await call(u, 'PUT', '/_emulator/faults', { status: 418 })).status, 400);
    const refreshBody = {
      grant_type: 'refresh_token',
      client_id: 'http-client',
      client_secret: 'http-secret',
      refresh_token: tokens.json.refresh_token,
    };
    assert.equal((await call(u, 'POST', '/oauth/token', refreshBody)).status, 502);
    await call(u, 'PUT', '/_emulator/faults', { status: 503 });
    await call(u, 'DELETE', '/_emulator/faults');
    const refreshed = await call<{ refresh_token: string }>(u, 'POST', '/oauth/token', refreshBody);
    assert.equal(refreshed.status, 200);

    const counters = (await call(u, 'GET', '/_emulator/counters')).json;
    assert.equal(counters.tokenRequests, 3);
    assert.equal(counters.codeExchanges, 1);
    assert.equal(counters.refreshes, 1);
    assert.equal(counters.faultsInjected, 1);
    assert.deepEqual(counters, emu.counters(), 'HTTP and code API share one state');

    const revoked = await call(u, 'POST', '/_emulator/grants/revoke', {
      account_id: accountId,
      client_id: 'http-client',
    });
    assert.deepEqual(revoked.json, { revoked: true });
    const dead = await call(u, 'POST', '/oauth/token', {
      ...refreshBody,
      refresh_token: refreshed.json.refresh_token,
    });
    assert.equal(dead.status, 403);
    assert.equal(dead.json.error, 'invalid_grant');

    const zero = await call(u, 'POST', '/_emulator/counters/reset');
    assert.equal(zero.json.tokenRequests, 0);
    assert.deepEqual(zero.json.refreshesByFamily, {});
  } finally {
    await emu.close();
  }
});
