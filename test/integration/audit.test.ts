import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'drizzle-orm';
import { atlassianConfig } from '../helpers/fixtures.ts';
import { startTestVault } from '../helpers/vault.ts';

const WRITES = ['DELETE', 'PATCH', 'PUT', 'POST'] as const;
const isAuditPath = (p: string) => p === '/v1/audit-events' || p.startsWith('/v1/audit-events/');

test('every admin change is in the audit trail, without secrets, tenant-scoped and not erasable', async (t) => {
  const vault = await startTestVault();
  t.after(() => vault.close());
  const a = await vault.newTenant();
  const b = await vault.newTenant();
  const body = atlassianConfig();
  const created0 = await vault.call('POST', '/v1/auth-configs', a.adminKey, body);
  assert.equal(created0.status, 201, created0.text);
  const cfg = created0.body;
  const patched = await vault.call('PATCH', `/v1/auth-configs/${cfg.id}`, a.adminKey, {
    client_secret: `${body.client_secret}-v2`,
  });
  assert.equal(patched.status, 200, patched.text);
  assert.equal(
    (await vault.call('POST', `/v1/auth-configs/${cfg.id}/disable`, a.adminKey)).status,
    200,
  );
  const keyRes = await vault.call('POST', '/v1/api-keys', a.adminKey, {
    name: 'svc',
    role: 'service',
  });
  assert.equal(keyRes.status, 201, keyRes.text);
  const key = keyRes.body;
  const refused = await vault.call('POST', '/v1/auth-configs', a.adminKey, {
    ...body,
    scopes: ['bad:scope'],
  });
  assert.equal(refused.status, 400, 'a 400: not a change, so not audited');
  await vault.deps.services.auditWriter.flush();

  const res = await vault.call('GET', '/v1/audit-events', a.adminKey);
  assert.equal(res.status, 200);
  const actions = res.body.data.map((e: { action: string }) => e.action);
  // Tenant A's trail is exactly its four changes (the refused create is not one), after the two
  // the operator made to it (creating the tenant and its admin key).
  assert.deepEqual(actions, [
    'POST /v1/api-keys',
    'POST /v1/auth-configs/:id/disable',
    'PATCH /v1/auth-configs/:id',
    'POST /v1/auth-configs',
    'POST /v1/tenants/:id/api-keys',
    'POST /v1/tenants',
  ]);
  const created = res.body.data.find(
    (e: { action: string }) => e.action === 'POST /v1/auth-configs',
  );
  assert.equal(created.resource_id, cfg.id);
  assert.match(created.actor_key_id, /^key_/);
  assert.ok(created.ip);
  assert.equal(
    res.body.data.find((e: { action: string }) => e.action === 'POST /v1/api-keys').resource_id,
    key.id,
  );
  for (const secret of [body.client_secret, key.key])
    assert.ok(!res.text.includes(secret), 'no secret in the trail');

  const filtered = await vault.call(
    'GET',
    `/v1/audit-events?resource_id=${cfg.id}&limit=1`,
    a.adminKey,
  );
  assert.equal(filtered.body.data.length, 1);
  assert.ok(filtered.body.next_cursor);
  const next = await vault.call(
    'GET',
    `/v1/audit-events?resource_id=${cfg.id}&cursor=${filtered.body.next_cursor}`,
    a.adminKey,
  );
  assert.equal(next.body.data.length, 2);

  assert.deepEqual(
    (await vault.call('GET', '/v1/audit-events', b.adminKey)).body.data.filter(
      (e: { resource_id: string }) => e.resource_id === cfg.id,
    ),
    [],
  );
  assert.equal((await vault.call('GET', '/v1/audit-events', key.key)).status, 403);

  // Not erasable. First, by the API's own description: no operation in the OpenAPI document
  // writes under /v1/audit-events (only GET /v1/audit-events exists there) …
  const doc = vault.app.swagger() as { paths: Record<string, Record<string, unknown>> };
  const auditOps = Object.entries(doc.paths)
    .filter(([p]) => isAuditPath(p))
    .flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));
  assert.deepEqual(auditOps, ['GET /v1/audit-events']);
  // … nor in the router, which also knows routes the document hides.
  for (const method of WRITES)
    for (const url of ['/v1/audit-events', '/v1/audit-events/:id'])
      assert.equal(vault.app.hasRoute({ method, url }), false, `${method} ${url} is routed`);

  // Then by trying: every write method on the collection and on a real event, as the tenant's
  // admin and as the operator, is a 404 route_not_found, and the table is exactly as it was.
  const table = async () =>
    JSON.stringify(
      (
        (await vault.deps.database.db.execute(
          sql`select * from audit_events order by id`,
        )) as unknown as { rows: unknown[] }
      ).rows,
    );
  const rowsBefore = await table();
  assert.ok(rowsBefore.includes(created.id), "tenant A's rows are in the table");
  for (const method of WRITES)
    for (const url of ['/v1/audit-events', `/v1/audit-events/${created.id}`])
      for (const key of [a.adminKey, vault.operatorKey]) {
        const res = await vault.call(method, url, key, method === 'DELETE' ? undefined : {});
        assert.deepEqual(
          [res.status, res.body?.code],
          [404, 'route_not_found'],
          `${method} ${url}: ${res.text}`,
        );
      }
  await vault.deps.services.auditWriter.flush();
  assert.equal(await table(), rowsBefore, 'the audit rows are unchanged');
  assert.deepEqual(
    (await vault.call('GET', '/v1/audit-events', a.adminKey)).body.data,
    res.body.data,
  );
});
