// Every mutating admin route in the OpenAPI document writes exactly one audit row when it succeeds
// (the row of that very request: its action, resource and status) and none when it fails; a change
// whose audit row cannot be written is not made at all; a route that does not say how it is
// audited stops the app at boot.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'drizzle-orm';
import Fastify from 'fastify';
import { exportJWK, generateKeyPair } from 'jose';
import { registerAuditedChanges } from '../../src/features/audit/hook.ts';
import { newId, type IdPrefix } from '../../src/lib/ids.ts';
import { PUBLIC_HOST, atlassianConfig, uniqueSecret } from '../helpers/fixtures.ts';
import { startFlowFixture } from '../helpers/flow.ts';
import { openOwnDatabase } from '../helpers/own-database.ts';
import type { Res } from '../helpers/vault.ts';

type Fx = Awaited<ReturnType<typeof startFlowFixture>>;
let fx: Fx;

before(async () => {
  fx = await startFlowFixture({ database: await openOwnDatabase() });
});
after(() => fx?.close());

interface AuditRow {
  action: string;
  tenant_id: string | null;
  actor_role: string | null;
  resource_id: string | null;
  details: { status?: number; request_id?: string };
}

async function rowsOf(requestId: string): Promise<AuditRow[]> {
  const r = (await fx.vault.deps.database.db.execute(
    sql`select action, tenant_id, actor_role, resource_id, details from audit_events
         where details->>'request_id' = ${requestId}`,
  )) as unknown as { rows: AuditRow[] };
  return r.rows;
}

const missing = (prefix: IdPrefix) => newId(prefix, new Date());
/** `{id}` in an OpenAPI path filled in; `:id` as the audit trail names the route. */
const fill = (path: string, id?: string) => (id ? path.replace('{id}', id) : path);
const routed = (op: string) => op.replace('{id}', ':id');

const covered = new Set<string>();

/**
 * `op` ("METHOD /v1/path/{id}") called with a request id of its own: it must answer `status`, and
 * the trail must hold exactly one row for that request (2xx) or none (anything else).
 */
async function call(
  op: string,
  p: { id?: string; key: string; body?: unknown; status: number },
): Promise<{ body: Res['body']; row?: AuditRow }> {
  const [method, path] = op.split(' ') as ['POST' | 'PATCH' | 'DELETE', string];
  const requestId = `audit-${randomBytes(8).toString('hex')}`;
  const res = await fx.vault.call(method, fill(path, p.id), p.key, p.body, {
    'x-request-id': requestId,
  });
  assert.equal(res.status, p.status, `${op}: ${res.text}`);
  await fx.vault.deps.services.auditWriter.flush();
  let rows = await rowsOf(requestId);
  // A streamed answer (the export) can reach the caller before its row commits: wait for it.
  for (let i = 0; i < 100 && p.status < 300 && rows.length === 0; i++) {
    await sleep(50);
    rows = await rowsOf(requestId);
  }
  if (p.status >= 300) {
    assert.deepEqual(rows, [], `${op} failed with ${p.status}: no audit row`);
    return { body: res.body };
  }
  covered.add(op);
  assert.equal(rows.length, 1, `${op}: exactly one audit row`);
  const row = rows[0]!;
  assert.equal(row.action, routed(op));
  assert.equal(row.details.status, p.status);
  return { body: res.body, row };
}

test('every mutating admin route writes one audit row on success and none on failure', async () => {
  const { vault, emu } = fx;
  const op = vault.operatorKey;

  // ---- operator routes ----
  const t1 = await call('POST /v1/tenants', { key: op, body: { name: 'sweep' }, status: 201 });
  const tenantId = t1.body.id as string;
  assert.deepEqual([t1.row!.resource_id, t1.row!.tenant_id], [tenantId, tenantId]);
  await call('POST /v1/tenants', { key: op, body: { name: '' }, status: 400 });

  const admin = await call('POST /v1/tenants/{id}/api-keys', {
    id: tenantId,
    key: op,
    body: { name: 'admin', role: 'admin' },
    status: 201,
  });
  assert.deepEqual([admin.row!.resource_id, admin.row!.tenant_id], [tenantId, tenantId]);
  const key = admin.body.key as string;
  await call('POST /v1/tenants/{id}/api-keys', {
    id: missing('tn'),
    key: op,
    body: { name: 'admin', role: 'admin' },
    status: 404,
  });

  const spare = await call('POST /v1/tenants', { key: op, body: { name: 'to go' }, status: 201 });
  const gone = await call('DELETE /v1/tenants/{id}', { id: spare.body.id, key: op, status: 204 });
  assert.equal(gone.row!.resource_id, spare.body.id);
  await call('DELETE /v1/tenants/{id}', { id: missing('tn'), key: op, status: 404 });

  const opKey = await call('POST /v1/operator-keys', {
    key: op,
    body: { name: 'another' },
    status: 201,
  });
  assert.deepEqual([opKey.row!.resource_id, opKey.row!.actor_role], [opKey.body.id, 'operator']);
  await call('POST /v1/operator-keys', { key: op, body: {}, status: 400 });
  await call('DELETE /v1/operator-keys/{id}', { id: opKey.body.id, key: op, status: 200 });
  await call('DELETE /v1/operator-keys/{id}', { id: missing('key'), key: op, status: 404 });

  const rotated = await call('POST /v1/tenants/{id}/rotate-data-key', {
    id: tenantId,
    key: op,
    status: 200,
  });
  assert.equal(rotated.row!.tenant_id, tenantId);
  await call('POST /v1/tenants/{id}/rotate-data-key', { id: missing('tn'), key: op, status: 404 });
  await call('POST /v1/master-keys/rewrap', { key: op, status: 200 });

  // ---- a tenant admin's routes ----
  const body = atlassianConfig();
  const cfg = await call('POST /v1/auth-configs', { key, body, status: 201 });
  const configId = cfg.body.id as string;
  assert.deepEqual([cfg.row!.resource_id, cfg.row!.tenant_id], [configId, tenantId]);
  const badScopes = { ...body, scopes: ['bad:scope'] };
  await call('POST /v1/auth-configs', { key, body: badScopes, status: 400 });
  for (const [path, id] of [
    ['PATCH /v1/auth-configs/{id}', configId],
    ['POST /v1/auth-configs/{id}/disable', configId],
    ['POST /v1/auth-configs/{id}/enable', configId],
  ] as const) {
    const patch = path.startsWith('PATCH') ? { name: 'renamed' } : undefined;
    const ok = await call(path, { id, key, body: patch, status: 200 });
    assert.equal(ok.row!.resource_id, configId);
    await call(path, { id: missing('ac'), key, body: patch, status: 404 });
  }
  const other = await call('POST /v1/auth-configs', { key, body: atlassianConfig(), status: 201 });
  await call('DELETE /v1/auth-configs/{id}', { id: other.body.id, key, status: 204 });
  await call('DELETE /v1/auth-configs/{id}', { id: other.body.id, key, status: 404 });

  const svcKey = await call('POST /v1/api-keys', {
    key,
    body: { name: 'svc', role: 'service', auth_config_ids: [configId] },
    status: 201,
  });
  assert.equal(svcKey.row!.resource_id, svcKey.body.id);
  const policed = await call('PATCH /v1/api-keys/{id}', {
    id: svcKey.body.id,
    key,
    body: { policy: { token: false, proxy: ['jira:read'] } },
    status: 200,
  });
  assert.equal(policed.row!.resource_id, svcKey.body.id);
  await call('PATCH /v1/api-keys/{id}', {
    id: missing('key'),
    key,
    body: { name: 'x' },
    status: 404,
  });
  await call('POST /v1/api-keys', {
    key,
    body: { name: 'svc', role: 'service', auth_config_ids: [missing('ac')] },
    status: 400,
  });
  await call('DELETE /v1/api-keys/{id}', { id: svcKey.body.id, key, status: 200 });
  await call('DELETE /v1/api-keys/{id}', { id: missing('key'), key, status: 404 });

  const { publicKey } = await generateKeyPair('RS256', { extractable: true });
  const issuerBody = {
    name: 'idp',
    kind: 'user',
    issuer: 'https://idp.example.com',
    jwks: { keys: [{ ...(await exportJWK(publicKey)), kid: 'k1' }] },
    audience: ['vault'],
  };
  const ti = await call('POST /v1/trusted-issuers', { key, body: issuerBody, status: 201 });
  assert.equal(ti.row!.resource_id, ti.body.id);
  await call('POST /v1/trusted-issuers', {
    key,
    body: { ...issuerBody, issuer: 'https://other.example.com', algorithms: ['HS256'] },
    status: 400,
  });
  await call('PATCH /v1/trusted-issuers/{id}', {
    id: ti.body.id,
    key,
    body: { status: 'disabled' },
    status: 200,
  });
  await call('PATCH /v1/trusted-issuers/{id}', {
    id: missing('ti'),
    key,
    body: { status: 'disabled' },
    status: 404,
  });
  await call('DELETE /v1/trusted-issuers/{id}', { id: ti.body.id, key, status: 204 });
  await call('DELETE /v1/trusted-issuers/{id}', { id: ti.body.id, key, status: 404 });

  // An oauth2_3lo account (a connect link) and a service account's (verified at the emulator).
  const linked = await call('POST /v1/connected-accounts', {
    key,
    body: { auth_config_id: configId, user_id: 'ada' },
    status: 201,
  });
  assert.equal(linked.row!.resource_id, linked.body.id);
  await call('POST /v1/connected-accounts', {
    key,
    body: { auth_config_id: missing('ac'), user_id: 'ada' },
    status: 400,
  });
  await call('POST /v1/connected-accounts/{id}/reconnect', {
    id: linked.body.id,
    key,
    body: {},
    status: 200,
  });
  await call('POST /v1/connected-accounts/{id}/reconnect', {
    id: missing('ca'),
    key,
    body: {},
    status: 404,
  });

  const tag = randomBytes(3).toString('hex');
  const secret = uniqueSecret();
  const sa = emu.addServiceAccount({
    clientId: `sa-${tag}`,
    clientSecret: secret,
    scopes: ['read:jira-work'],
    name: `Service ${tag}`,
    sites: [{ name: `sa-${tag}`, url: emu.siteUrl(`sa-${tag}`), products: ['jira'] }],
  });
  const ccBody = {
    name: 'service account',
    provider: 'atlassian',
    auth_scheme: 'client_credentials',
    client_id: sa.clientId,
    client_secret: secret,
    scopes: ['read:jira-work'],
  };
  const cc = await call('POST /v1/auth-configs', { key, body: ccBody, status: 201 });
  const wrong = await call('POST /v1/auth-configs', {
    key,
    body: { ...ccBody, client_secret: uniqueSecret() },
    status: 201,
  });
  // The provider refuses: nothing stored, nothing audited.
  await call('POST /v1/connected-accounts', {
    key,
    body: { auth_config_id: wrong.body.id, user_id: 'bot' },
    status: 400,
  });
  const bot = await call('POST /v1/connected-accounts', {
    key,
    body: { auth_config_id: cc.body.id, user_id: 'bot' },
    status: 201,
  });
  const accountId = bot.body.id as string;
  const cloudId = bot.body.sites[0].cloud_id as string;
  await call('PATCH /v1/connected-accounts/{id}', {
    id: accountId,
    key,
    body: { selected_cloud_id: cloudId },
    status: 200,
  });
  await call('PATCH /v1/connected-accounts/{id}', {
    id: accountId,
    key,
    body: { selected_cloud_id: 'not-a-site-of-it' },
    status: 400,
  });
  for (const path of [
    'POST /v1/connected-accounts/{id}/disable',
    'POST /v1/connected-accounts/{id}/enable',
  ]) {
    const ok = await call(path, { id: accountId, key, status: 200 });
    assert.equal(ok.row!.resource_id, accountId);
    await call(path, { id: missing('ca'), key, status: 404 });
  }

  const endpoint = await call('POST /v1/webhook-endpoints', {
    key,
    body: { url: `https://${PUBLIC_HOST}/vault` },
    status: 201,
  });
  assert.equal(endpoint.row!.resource_id, endpoint.body.id);
  await call('POST /v1/webhook-endpoints', {
    key,
    body: { url: 'https://127.0.0.1/vault' }, // refused by the egress policy
    status: 400,
  });
  // An event raised before any endpoint existed has no deliveries: replaying it is a 409.
  const before = await vault.call('GET', `/v1/events?connected_account_id=${accountId}`, key);
  const undelivered = before.body.data[0].id as string;
  await call('POST /v1/events/{id}/replay', { id: undelivered, key, status: 409 });
  // One raised now reaches the endpoint registered above, so it can be replayed.
  await vault.call('DELETE', `/v1/connected-accounts/${linked.body.id}`, key);
  const events = await vault.call('GET', `/v1/events?connected_account_id=${linked.body.id}`, key);
  const eventId = events.body.data[0].id as string;
  assert.notEqual(eventId, undelivered);
  const replayed = await call('POST /v1/events/{id}/replay', { id: eventId, key, status: 200 });
  assert.equal(replayed.row!.resource_id, eventId);
  await call('POST /v1/events/{id}/replay', { id: missing('ev'), key, status: 404 });
  await call('DELETE /v1/webhook-endpoints/{id}', { id: endpoint.body.id, key, status: 204 });
  await call('DELETE /v1/webhook-endpoints/{id}', { id: endpoint.body.id, key, status: 404 });

  // Moving in and out: an empty import (and job), an export that keeps the account ACTIVE, a
  // bulk dry run; each with a refused form that writes nothing.
  await call('POST /v1/connected-accounts/import', { key, body: [], status: 200 });
  await call('POST /v1/connected-accounts/import', { key, body: { not: 'an array' }, status: 400 });
  await call('POST /v1/connected-accounts/import-jobs', { key, body: [], status: 202 });
  await call('POST /v1/connected-accounts/import-jobs', { key, body: 'x', status: 400 });
  const { publicKey: exportKey } = await generateKeyPair('ECDH-ES+A256KW', { crv: 'P-256' });
  const jwk = await exportJWK(exportKey);
  const exported = await call('POST /v1/connected-accounts/export', {
    key,
    body: { public_key: jwk, account_ids: [accountId], keep_active: true },
    status: 200,
  });
  assert.match(String(exported.row!.action), /export/);
  await call('POST /v1/connected-accounts/export', {
    key,
    body: { public_key: { kty: 'oct', crv: 'x', x: 'y' } },
    status: 400,
  });
  await call('POST /v1/connected-accounts/bulk', {
    key,
    body: { action: 'disable', filter: { user_id: 'nobody-here' }, dry_run: true },
    status: 200,
  });
  await call('POST /v1/connected-accounts/bulk', {
    key,
    body: { action: 'disable', filter: {} },
    status: 400,
  });

  await call('DELETE /v1/connected-accounts/{id}', { id: accountId, key, status: 204 });
  await call('DELETE /v1/connected-accounts/{id}', { id: accountId, key, status: 404 });

  // Exactly the document's mutating routes that need a key, apart from token issuance and the
  // proxy (counted per key, account and minute by their own services), were exercised above.
  const doc = vault.app.swagger() as {
    paths: Record<string, Record<string, { 'x-roles'?: string[] }>>;
  };
  const mutating = Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops)
      .filter(([m, o]) => !['get', 'head'].includes(m) && o['x-roles'])
      .map(([m]) => `${m.toUpperCase()} ${path}`),
  );
  const counted = (o: string) => /\/token$|\/proxy\/|\/proxy-token$/.test(o);
  assert.deepEqual(
    mutating.filter((o) => !counted(o)).sort(),
    [...covered].sort(),
    'every audited route is exercised here',
  );
  assert.ok(mutating.filter(counted).length >= 4, 'token and proxy routes exist and are counted');
});

test('a change whose audit row cannot be written is not made', async (t) => {
  const { vault, emu } = fx;
  const { adminKey: key, tenantId } = await vault.newTenant();
  const cfg = await vault.call('POST', '/v1/auth-configs', key, atlassianConfig());
  assert.equal(cfg.status, 201, cfg.text);
  const tag = randomBytes(3).toString('hex');
  const secret = uniqueSecret();
  const sa = emu.addServiceAccount({
    clientId: `sa-${tag}`,
    clientSecret: secret,
    scopes: ['read:jira-work'],
    name: `Service ${tag}`,
    sites: [{ name: `sa-${tag}`, url: emu.siteUrl(`sa-${tag}`), products: ['jira'] }],
  });
  const cc = await vault.call('POST', '/v1/auth-configs', key, {
    name: 'service account',
    provider: 'atlassian',
    auth_scheme: 'client_credentials',
    client_id: sa.clientId,
    client_secret: secret,
    scopes: ['read:jira-work'],
  });
  assert.equal(cc.status, 201, cc.text);
  const svc = await vault.call('POST', '/v1/api-keys', key, { name: 'svc', role: 'service' });
  assert.equal(svc.status, 201, svc.text);
  // The service key verified once (cached): a revocation that did not happen changes nothing.
  assert.equal((await vault.call('GET', '/v1/auth-configs', svc.body.key)).status, 403);

  // From here on the database refuses this tenant's admin audit rows.
  const db = vault.deps.database.db;
  await db.execute(
    sql.raw(`create function cv_test_refuse_audit() returns trigger language plpgsql as $$
      begin
        if new.tenant_id = '${tenantId}' and new.action <> 'token.issued' then
          raise exception 'audit row refused by the test';
        end if;
        return new;
      end $$`),
  );
  await db.execute(
    sql.raw(`create trigger cv_test_refuse_audit before insert on audit_events
      for each row execute function cv_test_refuse_audit()`),
  );
  t.after(async () => {
    await db.execute(sql.raw('drop trigger cv_test_refuse_audit on audit_events'));
    await db.execute(sql.raw('drop function cv_test_refuse_audit()'));
  });

  const refused = async (method: 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown) => {
    const res = await vault.call(method, url, key, body);
    assert.equal(res.status, 500, `${method} ${url}: ${res.text}`);
    assert.equal(res.body.code, 'internal_error');
  };
  // A deletion, an update with its side effects, a creation after a provider call, a revocation.
  await refused('DELETE', `/v1/auth-configs/${cfg.body.id}`);
  await refused('PATCH', `/v1/auth-configs/${cc.body.id}`, {
    client_secret: uniqueSecret(),
    name: 'renamed',
  });
  await refused('POST', '/v1/connected-accounts', { auth_config_id: cc.body.id, user_id: 'bot' });
  await refused('DELETE', `/v1/api-keys/${svc.body.id}`);

  const still = await vault.call('GET', `/v1/auth-configs/${cfg.body.id}`, key);
  assert.equal(still.status, 200, 'the config was not deleted');
  const ccNow = (await vault.call('GET', `/v1/auth-configs/${cc.body.id}`, key)).body;
  assert.deepEqual(
    [ccNow.name, ccNow.client_secret.last4, ccNow.client_secret.previous],
    [cc.body.name, cc.body.client_secret.last4, null],
    'the secret was not rotated',
  );
  const accounts = await vault.call('GET', '/v1/connected-accounts', key);
  assert.deepEqual(accounts.body.data, [], 'no account was stored');
  const events = await vault.call('GET', '/v1/events', key);
  assert.deepEqual(events.body.data, [], 'no event was emitted');
  const keyNow = await vault.call('GET', `/v1/api-keys/${svc.body.id}`, key);
  assert.equal(keyNow.body.revoked_at, null, 'the key was not revoked');
  // The key still authenticates (a service key on an admin route: 403, where a revoked one is 401).
  const svcNow = await vault.call('GET', '/v1/auth-configs', svc.body.key);
  assert.equal(svcNow.status, 403, svcNow.text);

  await vault.deps.services.auditWriter.flush();
  const rows = (await db.execute(
    sql`select action from audit_events where tenant_id = ${tenantId} and actor_role = 'admin'`,
  )) as unknown as { rows: { action: string }[] };
  assert.deepEqual(
    rows.rows.map((r) => r.action).sort(),
    ['POST /v1/api-keys', 'POST /v1/auth-configs', 'POST /v1/auth-configs'],
    'only the changes made before the refusal are in the trail',
  );
});

test('a mutating route with roles must say how it is audited, or the app does not start', async () => {
  const never = { change: () => Promise.reject(new Error('not called at boot')) };
  const boot = async (config: Record<string, unknown>, response: Record<number, unknown>) => {
    const app = Fastify();
    registerAuditedChanges(app, never);
    app.post('/v1/things', { config, schema: { response } }, async () => null);
    try {
      await app.ready();
    } finally {
      await app.close();
    }
  };
  const ok = { 201: { type: 'null' } };
  await assert.rejects(boot({ roles: ['admin'] }, ok), /declares no config\.audit/);
  await assert.rejects(
    boot({ roles: ['admin'], audit: 'change' }, { 200: {}, 201: {} }),
    /no single 2xx status/,
  );
  await boot({ roles: ['admin'], audit: 'change' }, ok);
  await boot({ roles: ['admin'], audit: false }, ok);
  await boot({ public: true }, ok);
});
