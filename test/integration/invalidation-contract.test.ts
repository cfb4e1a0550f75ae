// The cache-invalidation contract: replicas cache what the token read returns, so every column it
// returns must be announced when it changes — by the NOTIFY trigger in the database (read here
// from pg_trigger, on PGlite and PostgreSQL alike) and by this process's own repo writes. A column
// added to the token read and not to the trigger fails here, as does a write helper announcing
// what the trigger does not (or the other way round).
import assert from 'node:assert/strict';
import { sql, getTableColumns } from 'drizzle-orm';
import { after, before, test } from 'node:test';
import type { Change } from '../../src/db/changes.ts';
import { connectedAccounts } from '../../src/db/schema/index.ts';
import type { WriteScope } from '../../src/db/transact.ts';
import * as leases from '../../src/features/connected-accounts/lease-repo.ts';
import * as accounts from '../../src/features/connected-accounts/repo.ts';
import {
  IMMUTABLE_COLUMNS,
  TOKEN_READ_ANNOUNCED,
  TOKEN_READ_COLUMNS,
} from '../../src/features/connected-accounts/token-read-model.ts';
import { newId } from '../../src/lib/ids.ts';
import { atlassianConfig } from '../helpers/fixtures.ts';
import { startTestVault, type TestVault } from '../helpers/vault.ts';

let vault: TestVault;
before(async () => {
  vault = await startTestVault();
});
after(() => vault.close());

const sqlName = (prop: string) =>
  (getTableColumns(connectedAccounts) as Record<string, { name: string }>)[prop]!.name;

/** The cv_notify triggers on `table`: when they fire, and the columns their WHEN compares. */
async function notifyTriggers(table: string) {
  const res = await vault.deps.database.db.execute(
    sql`select t.tgname as name, pg_get_triggerdef(t.oid) as def
          from pg_trigger t join pg_class c on c.oid = t.tgrelid
         where c.relname = ${table} and not t.tgisinternal and t.tgname like 'cv_notify%'`,
  );
  return (res as unknown as { rows: { name: string; def: string }[] }).rows.map((r) => ({
    name: r.name,
    onUpdate: /\bUPDATE\b/.test(r.def.split(' ON ')[0]!),
    events: r.def.split(' ON ')[0]!,
    when: /\bWHEN\b/.test(r.def)
      ? new Set([...r.def.matchAll(/old\.(\w+) IS DISTINCT FROM new\.\1/gi)].map((m) => m[1]!))
      : null,
  }));
}

test('the account trigger watches exactly the columns the token read returns (those that can change)', async () => {
  const triggers = await notifyTriggers('connected_accounts');
  const update = triggers.filter((t) => t.onUpdate);
  assert.equal(update.length, 1, JSON.stringify(triggers));
  const watched = [...update[0]!.when!].sort();
  const read = [...TOKEN_READ_ANNOUNCED].map(sqlName).sort();
  assert.deepEqual(watched, read);
  // The others need no watching: set once, at the insert, which (like a delete) always announces.
  assert.ok(
    TOKEN_READ_COLUMNS.every(
      (c) => TOKEN_READ_ANNOUNCED.has(c) || IMMUTABLE_COLUMNS.includes(c as never),
    ),
  );
  assert.ok(
    triggers.some((t) => /INSERT/.test(t.events) && /DELETE/.test(t.events) && t.when === null),
    'inserts and deletes are announced whatever they hold',
  );
});

test('the config trigger announces every update and delete (the read may return any config column)', async () => {
  const triggers = await notifyTriggers('auth_configs');
  assert.ok(
    triggers.some((t) => t.onUpdate && /DELETE/.test(t.events) && t.when === null),
    JSON.stringify(triggers),
  );
});

test('repo writes announce what the trigger announces: token-read columns yes, bookkeeping no', async () => {
  const { adminKey, tenantId } = await vault.newTenant();
  const cfg = await vault.call('POST', '/v1/auth-configs', adminKey, atlassianConfig());
  assert.equal(cfg.status, 201, cfg.text);
  const seen: Change[] = [];
  const scope: WriteScope = { tx: vault.deps.database.db, announce: (c) => void seen.push(c) };
  const now = new Date();
  const id = newId('ca', now);
  const row = await accounts.insertAccount(scope, {
    id,
    tenantId,
    authConfigId: cfg.body.id,
    userId: 'u1',
    status: 'ACTIVE',
    createdAt: now,
    updatedAt: now,
  });
  const change = { kind: 'ca', tenantId, id, configId: cfg.body.id };
  assert.deepEqual(seen.splice(0), [change], 'an insert is announced');

  const later = new Date(now.getTime() + 60_000);
  assert.ok(await leases.acquireLease(scope, tenantId, id, 'owner', now, later));
  assert.ok(await leases.claimRejectionRefresh(scope, tenantId, id, row.generation, now, now));
  await leases.releaseLease(scope, tenantId, id, 'owner');
  assert.deepEqual(seen.splice(0), [], 'leases and the 401 claim are bookkeeping');

  await accounts.updateAccount(scope, tenantId, id, { status: 'DISABLED', updatedAt: later });
  assert.deepEqual(seen.splice(0), [change], 'a status change is announced');
  await accounts.deleteAccount(scope, tenantId, id);
  assert.deepEqual(seen.splice(0), [change], 'a delete is announced');
});
