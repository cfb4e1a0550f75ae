import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PUBLIC_HOST, atlassianConfig, uniqueSecret } from '../helpers/fixtures.ts';
import { readMetrics } from '../helpers/metrics.ts';
import { pathOf } from '../helpers/flow.ts';
import { startTestVault } from '../helpers/vault.ts';

/** The security review's smaller findings (item 5), each through the HTTP API. */
describe('hardening', () => {
  test('a secret tail is shown only for secrets of 16+ characters', async (t) => {
    const vault = await startTestVault();
    t.after(() => vault.close());
    const { adminKey } = await vault.newTenant();
    const short = await vault.call('POST', '/v1/auth-configs', adminKey, {
      ...atlassianConfig(),
      client_secret: 'abcd',
    });
    assert.equal(short.status, 201, short.text);
    assert.equal(short.body.client_secret.last4, null);
    assert.ok(!short.text.includes('abcd'));
    const long = atlassianConfig();
    const created = await vault.call('POST', '/v1/auth-configs', adminKey, long);
    assert.equal(created.body.client_secret.last4, long.client_secret.slice(-4));
    // Rotating to a short secret: neither tail nor previous tail gives the short one away.
    const rotated = await vault.call('PATCH', `/v1/auth-configs/${created.body.id}`, adminKey, {
      client_secret: 'xyz1',
    });
    assert.equal(rotated.body.client_secret.last4, null);
    assert.equal(rotated.body.client_secret.previous.last4, long.client_secret.slice(-4));
  });

  test('a connect link (a bearer JWT) never appears in the logs', async (t) => {
    const vault = await startTestVault();
    t.after(() => vault.close());
    const { adminKey } = await vault.newTenant();
    const cfg = (await vault.call('POST', '/v1/auth-configs', adminKey, atlassianConfig())).body;
    const acct = await vault.call('POST', '/v1/connected-accounts', adminKey, {
      auth_config_id: cfg.id,
      user_id: 'u',
    });
    const jwt = acct.body.redirect_url.split('/v1/connect/')[1];
    assert.equal((await vault.call('GET', pathOf(acct.body.redirect_url))).status, 302);
    const forged = await vault.call('GET', `/v1/connect/${jwt.slice(0, -3)}abc`);
    assert.equal(forged.status, 400);
    const logs = vault.logs.join('');
    assert.match(logs, /\/v1\/connect\/\[redacted\]/, 'the requests were logged');
    assert.ok(!logs.includes(jwt.split('.')[2]!), 'no link signature in any log line');
    assert.ok(!logs.includes(jwt.split('.')[1]!), 'no link payload in any log line');
  });

  test('/metrics is not on the API port; its gauges are computed on an interval, not per scrape', async (t) => {
    const vault = await startTestVault();
    t.after(() => vault.close());
    const onApi = await vault.call('GET', '/metrics');
    assert.equal(onApi.status, 404);
    const { adminKey } = await vault.newTenant();
    const cfg = (await vault.call('POST', '/v1/auth-configs', adminKey, atlassianConfig())).body;
    const before = await readMetrics(vault);
    const initiated = () => {
      const hit = before.samples.find(
        (s) => s.name === 'cv_connected_accounts' && s.labels.status === 'INITIATED',
      );
      return hit?.value ?? 0;
    };
    const n = initiated();
    await vault.call('POST', '/v1/connected-accounts', adminKey, {
      auth_config_id: cfg.id,
      user_id: 'one-more',
    });
    const scraped = await readMetrics(vault, { gauges: false });
    assert.equal(
      scraped.samples.find(
        (s) => s.name === 'cv_connected_accounts' && s.labels.status === 'INITIATED',
      )?.value ?? 0,
      n,
      'a scrape reads the last computed value',
    );
    const computed = await readMetrics(vault);
    assert.equal(computed.value('cv_connected_accounts', { status: 'INITIATED' }), n + 1);
  });

  test('tenant-supplied URLs must be https outside development', async (t) => {
    const vault = await startTestVault();
    t.after(() => vault.close());
    const { adminKey } = await vault.newTenant();
    const generic = (oauth2: Record<string, string>) =>
      vault.call('POST', '/v1/auth-configs', adminKey, {
        name: 'g',
        provider: 'oauth2',
        client_id: 'c',
        client_secret: uniqueSecret(),
        scopes: ['s'],
        oauth2,
      });
    for (const [body, field] of [
      [
        { authorization_url: 'http://idp.example.com/a', token_url: 'https://idp.example.com/t' },
        'authorization_url',
      ],
      [
        { authorization_url: 'https://idp.example.com/a', token_url: 'http://idp.example.com/t' },
        'token_url',
      ],
    ] as const) {
      const res = await generic(body);
      assert.equal(res.status, 400, res.text);
      assert.equal(res.body.code, 'insecure_url');
      assert.match(res.body.detail, new RegExp(`body\\.oauth2\\.${field} must be an https URL`));
    }
    const ret = await vault.call('POST', '/v1/auth-configs', adminKey, {
      ...atlassianConfig(),
      allowed_return_urls: ['http://app.example.com/back'],
    });
    assert.equal(ret.body.code, 'insecure_url');
    const hook = await vault.call('POST', '/v1/webhook-endpoints', adminKey, {
      url: 'http://hooks.example.com/in',
    });
    assert.equal(hook.body.code, 'insecure_url');
    const list = await vault.call('GET', '/v1/auth-configs', adminKey);
    assert.equal(list.body.data.length, 0, 'nothing was written');
    const dev = await startTestVault({ env: { ALLOW_PRIVATE_EGRESS: 'true' } });
    t.after(() => dev.close());
    const d = await dev.newTenant();
    const ok = await dev.call('POST', '/v1/auth-configs', d.adminKey, {
      ...atlassianConfig(),
      allowed_return_urls: ['http://localhost:8080/back'],
    });
    assert.equal(ok.status, 201, 'private egress allowed: plain http too');
    // NODE_ENV=development (what `npm start` runs by default) allows http; private egress stays off.
    const devEnv = await startTestVault({ env: { NODE_ENV: 'development' } });
    t.after(() => devEnv.close());
    const e = await devEnv.newTenant();
    const httpOk = await devEnv.call('POST', '/v1/auth-configs', e.adminKey, {
      ...atlassianConfig(),
      allowed_return_urls: ['http://app.example.com/back'],
    });
    assert.equal(httpOk.status, 201, httpOk.text);
  });

  test('operators read their own trail; a tenant sees what operators did to it', async (t) => {
    const vault = await startTestVault();
    t.after(() => vault.close());
    const a = await vault.newTenant(); // operator: tenant + admin key
    const b = await vault.newTenant();
    await vault.call('POST', '/v1/auth-configs', a.adminKey, atlassianConfig());
    await vault.deps.services.auditWriter.flush();
    const trailA = (await vault.call('GET', '/v1/audit-events', a.adminKey)).body.data as {
      action: string;
      actor_role: string;
      tenant_id: string;
    }[];
    assert.deepEqual(trailA.map((e) => [e.actor_role, e.action]).reverse(), [
      ['operator', 'POST /v1/tenants'],
      ['operator', 'POST /v1/tenants/:id/api-keys'],
      ['admin', 'POST /v1/auth-configs'],
    ]);
    assert.ok(trailA.every((e) => e.tenant_id === a.tenantId));
    const ops = await vault.call('GET', '/v1/audit-events', vault.operatorKey);
    assert.equal(ops.status, 200, ops.text);
    const opTrail = ops.body.data as { actor_role: string; tenant_id: string }[];
    assert.equal(opTrail.length, 4, 'two tenants, each with a key');
    assert.ok(opTrail.every((e) => e.actor_role === 'operator'));
    assert.deepEqual(new Set(opTrail.map((e) => e.tenant_id)), new Set([a.tenantId, b.tenantId]));
  });

  test('docs have a CSP and cannot be framed; new secrets are no-store; request ids are checked', async (t) => {
    const vault = await startTestVault();
    t.after(() => vault.close());
    const docs = await vault.call('GET', '/docs/');
    assert.equal(docs.status, 200);
    assert.match(String(docs.headers['content-security-policy']), /frame-ancestors 'none'/);
    assert.equal(docs.headers['x-frame-options'], 'DENY');
    assert.equal(docs.headers['x-content-type-options'], 'nosniff');

    const { tenantId, adminKey } = await vault.newTenant();
    const cfg = (await vault.call('POST', '/v1/auth-configs', adminKey, atlassianConfig())).body;
    const secretBearing = [
      await vault.call('POST', '/v1/api-keys', adminKey, { name: 'k', role: 'service' }),
      await vault.call('POST', `/v1/tenants/${tenantId}/api-keys`, vault.operatorKey, {
        name: 'k2',
        role: 'admin',
      }),
      await vault.call('POST', '/v1/operator-keys', vault.operatorKey, { name: 'o' }),
      await vault.call('POST', '/v1/webhook-endpoints', adminKey, {
        url: `https://${PUBLIC_HOST}/x`,
      }),
      await vault.call('POST', '/v1/connected-accounts', adminKey, {
        auth_config_id: cfg.id,
        user_id: 'u',
      }),
    ];
    for (const r of secretBearing) {
      assert.equal(r.status, 201, r.text);
      assert.equal(r.headers['cache-control'], 'no-store', r.text.slice(0, 80));
    }

    const echo = async (id: string) =>
      (await vault.call('GET', '/healthz', undefined, undefined, { 'x-request-id': id })).headers[
        'x-request-id'
      ];
    assert.equal(await echo('trace-0123456789'), 'trace-0123456789');
    for (const bad of ['x'.repeat(65), 'short', 'has space 0123', 'semi;colon01', 'ünïcode-0123']) {
      const got = String(await echo(bad));
      assert.notEqual(got, bad);
      assert.match(got, /^req_[0-9a-f]{8}[0-9a-z]{6,}$/);
    }
  });
});
