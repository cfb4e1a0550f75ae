import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { DecryptError } from '../../src/crypto/envelope.ts';
import { databaseAsText } from '../helpers/credentials.ts';
import { PUBLIC_HOST, atlassianConfig } from '../helpers/fixtures.ts';
import { startTestVault, type TestVault } from '../helpers/vault.ts';

let vault: TestVault;
before(async () => {
  vault = await startTestVault({ env: { AUTH_FAILURES_PER_IP: '100000' } });
});
after(() => vault.close());

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT';
type Role = 'operator' | 'admin' | 'service';
interface Route {
  method: Method;
  path: string;
  roles: Role[];
}

/**
 * Every authenticated route with the roles it admits, read from the generated OpenAPI document
 * (`x-roles` is derived from each route's declared roles; a route declaring neither roles nor
 * `public` does not even register), so new routes are covered without a hand-kept list.
 */
function protectedRoutes(): Route[] {
  const doc = vault.app.swagger() as {
    paths: Record<string, Record<string, { security?: unknown[]; 'x-roles'?: Role[] }>>;
  };
  return Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops)
      .filter(([, op]) => op['x-roles']?.length)
      .map(([m, op]) => {
        assert.deepEqual(op.security, [{ apiKey: [] }], `${m} ${path} declares the API key`);
        return { method: m.toUpperCase() as Method, path, roles: op['x-roles']! };
      }),
  );
}

const fill = (path: string, ids: Record<string, string>) =>
  path.replace(/\{id\}/, () => {
    const prefix = path.includes('/import-jobs/') ? 'import-jobs' : path.split('/')[2];
    const key =
      {
        'auth-configs': 'ac',
        'api-keys': 'key',
        tenants: 'tn',
        'connected-accounts': 'ca',
        'webhook-endpoints': 'we',
        'operator-keys': 'key',
        events: 'ev',
        'trusted-issuers': 'ti',
        'import-jobs': 'ij',
      }[prefix ?? ''] ?? '';
    return ids[key] ?? 'x';
  });

/** Every table's rows as text: tables read from the catalog (test/helpers/credentials.ts). */
const rowsAsText = async () => Object.values(await databaseAsText(vault)).join('\n');

describe('security', () => {
  test('the route list covers the tenant, key and auth-config routes', () => {
    const paths = new Set(protectedRoutes().map((r) => `${r.method} ${r.path}`));
    for (const p of [
      'POST /v1/auth-configs',
      'GET /v1/auth-configs/{id}',
      'DELETE /v1/api-keys/{id}',
      'POST /v1/tenants',
    ]) {
      assert.ok(paths.has(p), `${p} missing from ${[...paths].join(', ')}`);
    }
  });

  test('every route rejects a missing, malformed, unknown or revoked key', async () => {
    const { adminKey } = await vault.newTenant();
    const revoked = await vault.call('POST', '/v1/api-keys', adminKey, {
      name: 'soon revoked',
      role: 'admin',
    });
    await vault.call('DELETE', `/v1/api-keys/${revoked.body.id}`, adminKey);
    const unknownKey = `cvk_${'0'.repeat(26)}_${'A'.repeat(43)}`;
    const wrongSecret = `${revoked.body.key.slice(0, 31)}${'B'.repeat(43)}`;
    const ids = {
      ac: 'ac_00000000000000000000000000',
      key: 'key_00000000000000000000000000',
      tn: 'tn_00000000000000000000000000',
      ca: 'ca_00000000000000000000000000',
    };
    for (const r of protectedRoutes()) {
      const url = fill(r.path, ids);
      for (const key of [undefined, 'not-a-key', unknownKey, wrongSecret, revoked.body.key]) {
        const res = await vault.call(
          r.method,
          url,
          key,
          r.method === 'GET' || r.method === 'DELETE' ? undefined : {},
        );
        assert.equal(
          res.status,
          401,
          `${r.method} ${url} with ${key ? key.slice(0, 12) : 'no key'}: ${res.text}`,
        );
        assert.equal(res.body.code, 'unauthorized');
      }
    }
  });

  test('a key of tenant A gets 404 for every id of tenant B on every route, and changes nothing', async () => {
    const a = await vault.newTenant();
    const b = await vault.newTenant();
    const cfg = (await vault.call('POST', '/v1/auth-configs', b.adminKey, atlassianConfig())).body;
    const key = (
      await vault.call('POST', '/v1/api-keys', b.adminKey, { name: 'b svc', role: 'service' })
    ).body;
    const acct = (
      await vault.call('POST', '/v1/connected-accounts', b.adminKey, {
        auth_config_id: cfg.id,
        user_id: 'b-user',
      })
    ).body;
    const hook = (
      await vault.call('POST', '/v1/webhook-endpoints', b.adminKey, {
        url: `https://${PUBLIC_HOST}/b`,
      })
    ).body;
    const gone = (
      await vault.call('POST', '/v1/connected-accounts', b.adminKey, {
        auth_config_id: cfg.id,
        user_id: 'gone',
      })
    ).body;
    await vault.call('DELETE', `/v1/connected-accounts/${gone.id}`, b.adminKey);
    const event = (await vault.call('GET', '/v1/events', b.adminKey)).body.data[0];
    assert.equal(event.type, 'connected_account.deleted');
    const issuer = (
      await vault.call('POST', '/v1/trusted-issuers', b.adminKey, {
        name: 'b idp',
        kind: 'user',
        issuer: 'https://idp.b.example.com',
        jwks: {
          keys: [
            {
              kty: 'EC',
              crv: 'P-256',
              x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU',
              y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0',
              kid: 'b',
            },
          ],
        },
        audience: ['vault'],
      })
    ).body;
    const job = (await vault.call('POST', '/v1/connected-accounts/import-jobs', b.adminKey, []))
      .body;
    const ids = {
      ...{ ac: cfg.id, key: key.id, ca: acct.id, we: hook.id, ev: event.id, ti: issuer.id },
      ij: job.id,
    };
    const bodies: Record<string, Record<string, unknown>> = {
      '/v1/auth-configs/{id}': { name: 'hijacked', client_secret: 'stolen!' },
      '/v1/connected-accounts/{id}': { selected_cloud_id: 'x' },
      '/v1/api-keys/{id}': { policy: null, name: 'hijacked' },
      '/v1/trusted-issuers/{id}': { status: 'disabled', audience: ['mine'] },
    };
    let checked = 0;
    for (const r of protectedRoutes().filter(
      (x) => x.path.includes('{id}') && x.roles.includes('admin'),
    )) {
      const url = fill(r.path, ids);
      const body = r.method === 'PATCH' ? bodies[r.path] : r.method === 'POST' ? {} : undefined;
      const res = await vault.call(r.method, url, a.adminKey, body);
      assert.equal(res.status, 404, `${r.method} ${url}: ${res.text}`);
      assert.ok(!res.text.includes(cfg.client_id));
      checked++;
    }
    assert.ok(checked >= 12, `only ${checked} routes checked`);
    const still = await vault.call('GET', `/v1/auth-configs/${cfg.id}`, b.adminKey);
    assert.equal(still.body.name, cfg.name);
    assert.equal(still.body.status, 'enabled');
    assert.equal(still.body.client_secret.updated_at, cfg.client_secret.updated_at);
    const keyStill = await vault.call('GET', `/v1/api-keys/${key.id}`, b.adminKey);
    assert.equal(keyStill.body.revoked_at, null);
    assert.equal(keyStill.body.name, 'b svc');
    const issuerStill = await vault.call('GET', `/v1/trusted-issuers/${issuer.id}`, b.adminKey);
    assert.deepEqual(issuerStill.body, issuer);
    const acctStill = await vault.call('GET', `/v1/connected-accounts/${acct.id}`, b.adminKey);
    assert.deepEqual(
      acctStill.body,
      (({ redirect_url: _r, redirect_url_expires_at: _e, ...rest }) => rest)(acct),
    );
    assert.deepEqual((await vault.call('GET', '/v1/auth-configs', a.adminKey)).body.data, []);
    assert.deepEqual((await vault.call('GET', '/v1/connected-accounts', a.adminKey)).body.data, []);
    const foreignCreate = await vault.call('POST', '/v1/connected-accounts', a.adminKey, {
      auth_config_id: cfg.id,
      user_id: 'x',
    });
    assert.equal(foreignCreate.status, 400);
    assert.equal(foreignCreate.body.code, 'auth_config_not_found');
  });

  test('every route refuses, with 403 forbidden, each role it does not declare', async () => {
    const { adminKey } = await vault.newTenant();
    const cfg = (await vault.call('POST', '/v1/auth-configs', adminKey, atlassianConfig())).body;
    const svc = (
      await vault.call('POST', '/v1/api-keys', adminKey, {
        name: 'svc',
        role: 'service',
        auth_config_ids: [cfg.id],
      })
    ).body;
    assert.deepEqual(svc.auth_config_ids, [cfg.id]);
    const keys: Record<Role, string> = {
      operator: vault.operatorKey,
      admin: adminKey,
      service: svc.key,
    };
    const routes = protectedRoutes();
    let refused = 0;
    for (const r of routes) {
      for (const role of (['operator', 'admin', 'service'] as const).filter(
        (x) => !r.roles.includes(x),
      )) {
        const res = await vault.call(
          r.method,
          fill(r.path, { ac: cfg.id, key: svc.id, tn: 'tn_00000000000000000000000000' }),
          keys[role],
          r.method === 'GET' || r.method === 'DELETE' ? undefined : {},
        );
        assert.equal(res.status, 403, `${role} on ${r.method} ${r.path}: ${res.text}`);
        assert.equal(res.body.code, 'forbidden');
        refused++;
      }
    }
    // Every role is refused somewhere, and the routes a service key may use are the token and
    // proxy routes (and the one that mints proxy tokens).
    assert.ok(refused >= routes.length);
    assert.deepEqual(
      [...new Set(routes.filter((r) => r.roles.includes('service')).map((r) => r.path))].sort(),
      [
        '/v1/auth-configs/{id}/proxy-token',
        '/v1/auth-configs/{id}/proxy/{*}',
        '/v1/auth-configs/{id}/token',
        '/v1/connected-accounts/{id}/proxy-token',
        '/v1/connected-accounts/{id}/proxy/{*}',
        '/v1/connected-accounts/{id}/token',
      ],
    );
    assert.equal((await vault.call('GET', `/v1/auth-configs/${cfg.id}`, adminKey)).status, 200);
  });

  test('a service key may only be limited to configs of its own tenant', async () => {
    const a = await vault.newTenant();
    const b = await vault.newTenant();
    const cfgB = (await vault.call('POST', '/v1/auth-configs', b.adminKey, atlassianConfig())).body;
    const res = await vault.call('POST', '/v1/api-keys', a.adminKey, {
      name: 'svc',
      role: 'service',
      auth_config_ids: [cfgB.id],
    });
    assert.equal(res.status, 400);
    assert.equal(res.body.code, 'auth_config_not_found');
  });

  test('the client secret never appears in a response, a log line, or the database in plaintext', async () => {
    const { adminKey } = await vault.newTenant();
    const body = atlassianConfig();
    const rotated = `${body.client_secret}-rotated`;
    const logsFrom = vault.logs.length;
    const texts: string[] = [];
    const created = await vault.call('POST', '/v1/auth-configs', adminKey, body);
    texts.push(created.text);
    texts.push((await vault.call('GET', `/v1/auth-configs/${created.body.id}`, adminKey)).text);
    texts.push((await vault.call('GET', '/v1/auth-configs', adminKey)).text);
    texts.push(
      (
        await vault.call('PATCH', `/v1/auth-configs/${created.body.id}`, adminKey, {
          client_secret: rotated,
        })
      ).text,
    );
    texts.push(
      (
        await vault.call('PATCH', `/v1/auth-configs/${created.body.id}`, adminKey, {
          client_secret: rotated,
          bogus: 1,
        })
      ).text,
    );
    texts.push(
      (await vault.call('POST', '/v1/auth-configs', adminKey, { ...body, scopes: ['nope:x'] }))
        .text,
    );
    texts.push(
      (
        await vault.call('POST', '/v1/auth-configs', adminKey, {
          ...body,
          client_secret: 7,
          name: body.client_secret,
        })
      ).text,
    );
    const ownLogs = vault.logs.slice(logsFrom);
    const haystacks = {
      responses: texts.join('\n'),
      logs: vault.logs.join(''),
      database: await rowsAsText(),
    };
    // The search means something only if this test's requests were logged (the bodies included).
    assert.ok(
      ownLogs.some((l) => l.includes(created.body.id)),
      "this test's requests are in the log",
    );
    assert.ok(ownLogs.length >= texts.length, 'a log line per request at least');
    for (const [where, text] of Object.entries(haystacks)) {
      for (const secret of [body.client_secret, rotated])
        assert.ok(!text.includes(secret), `secret found in ${where}`);
    }
    // API key secrets are not stored either: only their hash.
    assert.ok(!haystacks.database.includes(adminKey));
    assert.ok(!haystacks.logs.includes(adminKey.slice(31)));
  });

  test('a tampered ciphertext, or one moved to another row or tenant, fails to decrypt', async () => {
    const a = await vault.newTenant();
    const b = await vault.newTenant();
    const c1 = (await vault.call('POST', '/v1/auth-configs', a.adminKey, atlassianConfig())).body;
    const c2 = (await vault.call('POST', '/v1/auth-configs', a.adminKey, atlassianConfig())).body;
    const c3 = (await vault.call('POST', '/v1/auth-configs', b.adminKey, atlassianConfig())).body;
    const svc = vault.deps.services.authConfigs;
    const db = vault.deps.database.db;
    const enc = async (id: string) => {
      const r = await db.execute(sql`select client_secret_enc from auth_configs where id = ${id}`);
      return (r as unknown as { rows: { client_secret_enc: string }[] }).rows[0]!.client_secret_enc;
    };
    const setEnc = (id: string, v: string) =>
      db.execute(sql`update auth_configs set client_secret_enc = ${v} where id = ${id}`);
    const secretOf = async (tenantId: string, id: string) =>
      svc.clientSecret(await svc.get(tenantId, id));
    const original1 = await enc(c1.id);
    assert.match(
      original1,
      /^v1\.dk_[0-9a-z]{26}\./,
      'the data key id is stored beside the ciphertext',
    );

    // Flip one bit of the ciphertext part.
    const parts = original1.split('.');
    const ct = Buffer.from(parts[3]!, 'base64url');
    ct[0]! ^= 1;
    parts[3] = ct.toString('base64url');
    await setEnc(c1.id, parts.join('.'));
    await assert.rejects(secretOf(a.tenantId, c1.id), DecryptError);

    // Move c2's valid ciphertext onto c1 (same tenant, other row).
    await setEnc(c1.id, await enc(c2.id));
    await assert.rejects(secretOf(a.tenantId, c1.id), DecryptError);

    // Move tenant B's ciphertext into tenant A's row.
    await setEnc(c1.id, await enc(c3.id));
    await assert.rejects(secretOf(a.tenantId, c1.id), DecryptError);

    // Restored, it decrypts again; the untouched rows were never affected.
    await setEnc(c1.id, original1);
    assert.match(await secretOf(a.tenantId, c1.id), /^cs-/);
    assert.match(await secretOf(b.tenantId, c3.id), /^cs-/);
  });

  test('errors are problem+json with a request id that echoes a valid x-request-id', async () => {
    const res = await vault.app.inject({
      method: 'GET',
      url: '/v1/nope',
      headers: { 'x-request-id': 'trace-12345678' },
    });
    assert.equal(res.statusCode, 404);
    assert.equal(res.headers['x-request-id'], 'trace-12345678');
    assert.equal(res.json().request_id, 'trace-12345678');
    assert.equal(res.json().code, 'route_not_found');
  });
});
