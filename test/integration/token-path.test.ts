import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'drizzle-orm';
import { randomBytes } from 'node:crypto';
import { atlassianSetup, runFlow } from '../helpers/flow.ts';
import { readMetrics } from '../helpers/metrics.ts';
import { ownFlowFixture } from '../helpers/own-fixture.ts';
import { startTestVault } from '../helpers/vault.ts';

const rows = async (
  db: { execute: (q: ReturnType<typeof sql>) => Promise<unknown> },
  q: ReturnType<typeof sql>,
) => ((await db.execute(q)) as { rows: Record<string, unknown>[] }).rows;

test('1,000 well-formed unknown keys from one IP: counted, refused with 429 past the limit, few lookups', async (t) => {
  const vault = await startTestVault({ env: { AUTH_FAILURES_PER_IP: '20' } });
  t.after(() => vault.close());
  const { adminKey } = await vault.newTenant();
  const before = (await readMetrics(vault, { gauges: false })).value('cv_api_key_lookups_total');
  const statuses = new Map<number, number>();
  let retryAfter: unknown;
  for (let i = 0; i < 1000; i++) {
    const unknown = `cvk_${randomBytes(13)
      .toString('hex')
      .slice(0, 26)
      .replace(/[ilou]/g, '0')}_${randomBytes(32).toString('base64url')}`;
    const r = await vault.call('GET', '/v1/auth-configs', unknown);
    statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
    if (r.status === 429) {
      retryAfter ??= r.headers['retry-after'];
      assert.equal(r.body.code, 'rate_limited');
    }
  }
  assert.equal(statuses.get(401), 20, 'the first 20 failures are answered 401');
  assert.equal(statuses.get(429), 980);
  assert.ok(Number(retryAfter) >= 1, 'with Retry-After');
  const lookups =
    (await readMetrics(vault, { gauges: false })).value('cv_api_key_lookups_total') - before;
  assert.ok(lookups <= 20, `${lookups} key lookups reached the database`);
  // Its failures never lock out a key that verifies, from the same source or another.
  assert.equal((await vault.call('GET', '/v1/auth-configs', adminKey)).status, 200);
  const elsewhere = await vault.app.inject({
    method: 'GET',
    url: '/v1/auth-configs',
    headers: { authorization: `Bearer ${adminKey}` },
    remoteAddress: '203.0.113.9',
  });
  assert.equal(elsewhere.statusCode, 200);
});

test('a verified key is looked up once while cached; a revocation takes effect at once', async (t) => {
  const vault = await startTestVault();
  t.after(() => vault.close());
  const { adminKey } = await vault.newTenant();
  const svc = await vault.call('POST', '/v1/api-keys', adminKey, { name: 's', role: 'admin' });
  const before = (await readMetrics(vault, { gauges: false })).value('cv_api_key_lookups_total');
  for (let i = 0; i < 50; i++)
    assert.equal((await vault.call('GET', '/v1/auth-configs', svc.body.key)).status, 200);
  const lookups =
    (await readMetrics(vault, { gauges: false })).value('cv_api_key_lookups_total') - before;
  assert.equal(lookups, 1);
  assert.equal((await vault.call('DELETE', `/v1/api-keys/${svc.body.id}`, adminKey)).status, 200);
  assert.equal((await vault.call('GET', '/v1/auth-configs', svc.body.key)).status, 401);
});

test('token issuances add up in one audit row per (key, account, minute); admin changes are written with the change', async (t) => {
  const fx = await ownFlowFixture(t);
  const s = await atlassianSetup(fx.vault, fx.emu);
  const run = await runFlow(
    fx.vault,
    fx.emu,
    s.adminKey,
    { auth_config_id: s.configId, user_id: 'u' },
    { decision: 'approve', accountId: s.user.accountId },
  );
  for (let i = 0; i < 100; i++) {
    await fx.vault.call('POST', `/v1/connected-accounts/${run.accountId}/token`, s.adminKey);
    // a flush within the minute: the minute's row takes the counts of both flushes
    if (i === 49) await fx.vault.deps.services.auditWriter.flush();
  }
  fx.clock.advance(60);
  for (let i = 0; i < 7; i++)
    await fx.vault.call('POST', `/v1/connected-accounts/${run.accountId}/token`, s.adminKey);
  await fx.vault.deps.services.auditWriter.flush();
  const db = fx.vault.deps.database.db;
  const issued = await rows(
    db,
    sql`select count, created_at from audit_events where action = 'token.issued' and resource_id = ${run.accountId} order by created_at`,
  );
  assert.deepEqual(
    issued.map((r) => r.count),
    [100, 7],
  );

  // Counts of actions without a per-minute row (here a proxied call) are rows of their own, one
  // per flush, however many flushes a minute sees.
  const writer = fx.vault.deps.services.auditWriter;
  const proxied = {
    tenantId: s.tenantId,
    actorKeyId: null,
    actorRole: 'admin',
    action: 'proxy.request',
    resourceId: run.accountId,
    ip: '127.0.0.1',
  };
  writer.issued(proxied);
  writer.issued(proxied);
  await writer.flush();
  writer.issued(proxied);
  await writer.flush();
  const proxiedRows = await rows(
    db,
    sql`select count from audit_events where action = 'proxy.request' and resource_id = ${run.accountId} order by count desc`,
  );
  assert.deepEqual(
    proxiedRows.map((r) => r.count),
    [2, 1],
  );

  // No flush needed for an admin change: its row committed with it.
  const renamed = await fx.vault.call('PATCH', `/v1/auth-configs/${s.configId}`, s.adminKey, {
    name: 'renamed',
  });
  assert.equal(renamed.status, 200);
  const change = await rows(
    db,
    sql`select action, actor_role from audit_events where resource_id = ${s.configId} and action like 'PATCH%'`,
  );
  assert.deepEqual(change, [{ action: 'PATCH /v1/auth-configs/:id', actor_role: 'admin' }]);
  // A refused change writes neither the change nor a row.
  const refused = await fx.vault.call('PATCH', `/v1/auth-configs/${s.configId}`, s.adminKey, {
    scopes: ['no:such-scope'],
  });
  assert.equal(refused.status, 400);
  const after = await rows(
    db,
    sql`select count(*)::int as n from audit_events where resource_id = ${s.configId}`,
  );
  assert.equal(after[0]!.n, 2, 'the create and the rename');
});

test('audit rows older than AUDIT_RETENTION_DAYS are purged in batches', async (t) => {
  const fx = await ownFlowFixture(t);
  const { tenantId } = await fx.vault.newTenant();
  const db = fx.vault.deps.database.db;
  const day = 86_400_000;
  const now = fx.clock.now().getTime();
  for (let i = 0; i < 25; i++) {
    await db.execute(
      sql`insert into audit_events (id, tenant_id, action, resource_type, created_at)
          values (${`au_old${i.toString().padStart(21, '0')}`}, ${tenantId}, 'old', 'x', ${new Date(now - 91 * day).toISOString()})`,
    );
  }
  const purged = await fx.vault.deps.services.auditWriter.purge(90, 10);
  assert.equal(purged, 25);
  const left = await rows(
    db,
    sql`select count(*)::int as n from audit_events where action = 'old'`,
  );
  assert.equal(left[0]!.n, 0);
  const kept = await rows(
    db,
    sql`select count(*)::int as n from audit_events where tenant_id = ${tenantId}`,
  );
  assert.ok((kept[0]!.n as number) >= 1, 'recent rows stay');
});
