import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { newApiKey } from '../../src/features/api-keys/secrets.ts';
import { openTestDatabase } from '../helpers/database.ts';
import { spawnVault, type VaultProcess } from '../helpers/process.ts';
import { testMasterKey } from '../helpers/vault.ts';

/** Storage for one test: a data folder, and under `npm run test:pg` a fresh PostgreSQL database. */
async function storage() {
  const env: Record<string, string> = {
    DATA_DIR: mkdtempSync(join(tmpdir(), 'cv-boot-')),
    VAULT_MASTER_KEYS: testMasterKey(),
  };
  const pg = process.env.TEST_DATABASE_URL ? await openTestDatabase() : undefined;
  if (pg) {
    await pg.database.close();
    env.DATABASE_URL = pg.url!;
  }
  return { env, drop: async () => pg?.drop() };
}

const call = async (v: VaultProcess, key: string, method: string, path: string, body?: unknown) => {
  const res = await fetch(`${v.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
};

describe('bootstrap keys are pinned and never come back (security review, items 2 and 3)', () => {
  test('the bootstrap admin key is not re-created on another tenant after its tenant is deleted, nor after it was revoked', async () => {
    const s = await storage();
    const admin = newApiKey().token;
    const operator = newApiKey().token;
    const env = {
      ...s.env,
      VAULT_BOOTSTRAP_ADMIN_KEY: admin,
      VAULT_BOOTSTRAP_OPERATOR_KEY: operator,
    };
    try {
      const first = await spawnVault(env);
      await first.waitReady();
      const me = await call(first, admin, 'GET', '/v1/auth-configs');
      assert.equal(me.status, 200, 'the bootstrap admin key works on the default tenant');
      const other = await call(first, operator, 'POST', '/v1/tenants', { name: 'victim' });
      assert.equal(other.status, 201);
      const defaultId = (await call(first, operator, 'GET', '/v1/tenants')).body.data.find(
        (t: { name: string }) => t.name === 'default',
      ).id;
      assert.equal((await call(first, operator, 'DELETE', `/v1/tenants/${defaultId}`)).status, 204);
      assert.equal(await first.stop(), 0);

      const second = await spawnVault(env);
      await second.waitReady();
      assert.equal(
        (await call(second, admin, 'GET', '/v1/auth-configs')).status,
        401,
        'not resurrected as admin of the now-oldest tenant',
      );
      assert.match(
        second.stdout(),
        /VAULT_BOOTSTRAP_ADMIN_KEY is for the default tenant, which no longer exists/,
      );
      // A key the victim tenant makes is its own; the bootstrap key never lands there.
      const keys = await call(second, operator, 'POST', `/v1/tenants/${other.body.id}/api-keys`, {
        name: 'victim admin',
        role: 'admin',
      });
      const list = await call(second, keys.body.key, 'GET', '/v1/api-keys');
      assert.deepEqual(
        list.body.data.map((k: { name: string }) => k.name),
        ['victim admin'],
      );
      assert.equal(await second.stop(), 0);
    } finally {
      await s.drop();
    }
  });

  test('a revoked bootstrap admin key stays revoked across restarts', async () => {
    const s = await storage();
    const admin = newApiKey().token;
    const env = { ...s.env, VAULT_BOOTSTRAP_ADMIN_KEY: admin };
    try {
      const first = await spawnVault(env);
      await first.waitReady();
      const id = `key_${admin.split('_')[1]}`;
      assert.equal((await call(first, admin, 'DELETE', `/v1/api-keys/${id}`)).status, 200);
      assert.equal(await first.stop(), 0);
      const second = await spawnVault(env);
      await second.waitReady();
      assert.equal((await call(second, admin, 'GET', '/v1/auth-configs')).status, 401);
      assert.match(second.stdout(), /was revoked; a revoked key is never re-created/);
      assert.equal(await second.stop(), 0);
    } finally {
      await s.drop();
    }
  });

  test('operator keys can be revoked; a new bootstrap operator key revokes the previous one', async () => {
    const s = await storage();
    const op1 = newApiKey().token;
    const op2 = newApiKey().token;
    try {
      const first = await spawnVault({ ...s.env, VAULT_BOOTSTRAP_OPERATOR_KEY: op1 });
      await first.waitReady();
      const extra = await call(first, op1, 'POST', '/v1/operator-keys', {
        name: 'second operator',
      });
      assert.equal(extra.status, 201);
      assert.equal((await call(first, extra.body.key, 'GET', '/v1/tenants')).status, 200);
      const revoked = await call(first, op1, 'DELETE', `/v1/operator-keys/${extra.body.id}`);
      assert.equal(revoked.status, 200);
      assert.ok(revoked.body.revoked_at);
      assert.equal((await call(first, extra.body.key, 'GET', '/v1/tenants')).status, 401);
      assert.equal(await first.stop(), 0);

      const second = await spawnVault({ ...s.env, VAULT_BOOTSTRAP_OPERATOR_KEY: op2 });
      await second.waitReady();
      assert.equal((await call(second, op2, 'GET', '/v1/tenants')).status, 200);
      assert.equal(
        (await call(second, op1, 'GET', '/v1/tenants')).status,
        401,
        'the old one is revoked',
      );
      const listed = await call(second, op2, 'GET', '/v1/operator-keys');
      const revokedById = Object.fromEntries(
        listed.body.data.map((k: { id: string; revoked_at: string | null }) => [
          k.id,
          k.revoked_at !== null,
        ]),
      );
      assert.deepEqual(revokedById, {
        [`key_${op1.split('_')[1]}`]: true,
        [`key_${op2.split('_')[1]}`]: false,
        [extra.body.id]: true,
      });
      assert.equal(await second.stop(), 0);
      // Going back to the old key does not resurrect it.
      const third = await spawnVault({ ...s.env, VAULT_BOOTSTRAP_OPERATOR_KEY: op1 });
      await third.waitReady();
      assert.equal((await call(third, op1, 'GET', '/v1/tenants')).status, 401);
      assert.equal((await call(third, op2, 'GET', '/v1/tenants')).status, 200);
      assert.equal(await third.stop(), 0);
    } finally {
      await s.drop();
    }
  });
});
