import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { atlassianConfig } from '../helpers/fixtures.ts';
import { startTestVault, type TestVault } from '../helpers/vault.ts';

let vault: TestVault;
before(async () => {
  vault = await startTestVault();
});
after(() => vault.close());

test('every admin change is in the audit trail, without secrets, tenant-scoped and not erasable', async () => {
  const a = await vault.newTenant();
  const b = await vault.newTenant();
  const body = atlassianConfig();
  const cfg = (await vault.call('POST', '/v1/auth-configs', a.adminKey, body)).body;
  await vault.call('PATCH', `/v1/auth-configs/${cfg.id}`, a.adminKey, {
    client_secret: `${body.client_secret}-v2`,
  });
  await vault.call('POST', `/v1/auth-configs/${cfg.id}/disable`, a.adminKey);
  const key = (
    await vault.call('POST', '/v1/api-keys', a.adminKey, { name: 'svc', role: 'service' })
  ).body;
  await vault.call('POST', '/v1/auth-configs', a.adminKey, { ...body, scopes: ['bad:scope'] }); // a 400: not a change
  await vault.deps.services.audit.flush();

  const res = await vault.call('GET', '/v1/audit-events', a.adminKey);
  assert.equal(res.status, 200);
  const actions = res.body.data.map((e: { action: string }) => e.action);
  assert.deepEqual(actions.slice(0, 4), [
    'POST /v1/api-keys',
    'POST /v1/auth-configs/:id/disable',
    'PATCH /v1/auth-configs/:id',
    'POST /v1/auth-configs',
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
  for (const method of ['DELETE', 'PATCH', 'PUT'] as const) {
    assert.equal(
      (
        await vault.call(
          method,
          '/v1/audit-events',
          a.adminKey,
          method === 'DELETE' ? undefined : {},
        )
      ).status,
      404,
    );
  }
});
