import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { newApiKey } from '../../src/features/api-keys/secrets.ts';
import { openTestDatabase } from '../helpers/database.ts';
import { runNpm, spawnVault } from '../helpers/process.ts';
import { testMasterKey } from '../helpers/vault.ts';

const KEY = /^cvk_[0-9a-z]{26}_[A-Za-z0-9_-]{43,}$/;

/** A data folder and, under `npm run test:pg`, a fresh PostgreSQL database for one test. */
async function storage() {
  const env: Record<string, string> = { DATA_DIR: mkdtempSync(join(tmpdir(), 'cv-keys-')) };
  const pg = process.env.TEST_DATABASE_URL ? await openTestDatabase() : undefined;
  if (pg) {
    await pg.database.close();
    env.DATABASE_URL = pg.url!;
  }
  return { env, drop: async () => pg?.drop() };
}

describe('the key commands, as the README and docs/security.md spell them', () => {
  test('`npm run keys -- generate` prints one key; `npm run -s` prints only the key', async () => {
    const plain = await runNpm(['run', 'keys', '--', 'generate'], {});
    assert.equal(plain.code, 0, plain.stderr);
    const keys = plain.stdout.split('\n').filter((l) => l.startsWith('cvk_'));
    assert.equal(keys.length, 1, plain.stdout);
    assert.match(keys[0]!, KEY);

    const silent = await runNpm(['run', '-s', 'keys', '--', 'generate'], {});
    assert.equal(silent.code, 0, silent.stderr);
    assert.match(silent.stdout.trim(), KEY);
    assert.equal(silent.stdout.trim().split('\n').length, 1);
  });

  test('`keys generate` needs nothing: production without master keys or a database', async () => {
    const r = await runNpm(['run', '-s', 'keys', '--', 'generate'], {
      NODE_ENV: 'production',
      DATA_DIR: '/nonexistent/never-created',
      DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout.trim(), KEY);
  });

  test('`keys create --key-role operator` prints JSON whose key creates a tenant on a vault over the same storage; `keys revoke` ends it; `keys rewrap` runs', async () => {
    const s = await storage();
    try {
      const created = await runNpm(
        ['run', '-s', 'keys', '--', 'create', '--key-role', 'operator', '--name', 'ops'],
        s.env,
      );
      assert.equal(created.code, 0, created.stderr);
      const out = JSON.parse(created.stdout) as { id: string; key: string; role: string };
      assert.equal(out.role, 'operator');
      assert.match(out.key, KEY);
      // Warnings (the development master key) went to stderr, not into the JSON.
      assert.match(created.stderr, /development master key/);

      const vault = await spawnVault(s.env);
      await vault.waitReady();
      const tenant = await fetch(`${vault.url}/v1/tenants`, {
        method: 'POST',
        headers: { authorization: `Bearer ${out.key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'acme' }),
      });
      assert.equal(tenant.status, 201);
      assert.equal(await vault.stop(), 0);

      const revoked = await runNpm(['run', '-s', 'keys', '--', 'revoke', out.id], s.env);
      assert.equal(revoked.code, 0, revoked.stderr);
      assert.ok(JSON.parse(revoked.stdout).revoked_at);
      const again = await spawnVault(s.env);
      await again.waitReady();
      const refused = await fetch(`${again.url}/v1/tenants`, {
        headers: { authorization: `Bearer ${out.key}` },
      });
      assert.equal(refused.status, 401, 'a revoked operator key is refused');
      await again.stop();

      // Master-key rotation as docs/operations.md tells it: the new key first, the old one listed.
      const devKey = readFileSync(join(s.env.DATA_DIR!, 'master.key'), 'utf8').trim();
      const rewrap = await runNpm(['run', '-s', 'keys', '--', 'rewrap'], {
        ...s.env,
        VAULT_MASTER_KEYS: `${testMasterKey('fresh')},${devKey}`,
      });
      assert.equal(rewrap.code, 0, rewrap.stderr);
      const r = JSON.parse(rewrap.stdout) as {
        rewrapped: number;
        data: { kid: string; data_keys: number }[];
      };
      assert.equal(r.rewrapped, 2, 'the default tenant and acme each had a data key');
      assert.equal(r.data.find((u) => u.kid === 'dev')?.data_keys, 0);
      assert.equal(r.data.find((u) => u.kid === 'fresh')?.data_keys, 2);
    } finally {
      await s.drop();
    }
  });

  // The embedded database's lock is what this is about: no DATABASE_URL, on either pass.
  test('`keys revoke` against a running embedded vault names the DELETE routes that do it, which work', async () => {
    const operator = newApiKey().token;
    const env = {
      DATA_DIR: mkdtempSync(join(tmpdir(), 'cv-keys-held-')),
      VAULT_BOOTSTRAP_OPERATOR_KEY: operator,
    };
    const vault = await spawnVault(env);
    try {
      await vault.waitReady();
      const made = await fetch(`${vault.url}/v1/operator-keys`, {
        method: 'POST',
        headers: { authorization: `Bearer ${operator}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'second' }),
      });
      assert.equal(made.status, 201);
      const { id } = (await made.json()) as { id: string };

      const cli = await runNpm(['run', '-s', 'keys', '--', 'revoke', id], env);
      assert.equal(cli.code, 1);
      assert.equal(cli.stdout, '');
      assert.ok(cli.stderr.includes(`DELETE /v1/operator-keys/${id} (Bearer an operator key)`));
      assert.ok(cli.stderr.includes(`DELETE /v1/api-keys/${id} (Bearer that tenant's admin key)`));
      assert.ok(!cli.stderr.includes('POST'), cli.stderr);

      const create = await runNpm(
        ['run', '-s', 'keys', '--', 'create', '--key-role', 'admin', '--tenant', 'tn_x'],
        env,
      );
      assert.equal(create.code, 1);
      assert.match(create.stderr, /POST \/v1\/tenants\/tn_x\/api-keys/);

      // What the hint says works.
      const del = await fetch(`${vault.url}/v1/operator-keys/${id}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${operator}` },
      });
      assert.equal(del.status, 200);
      assert.ok(((await del.json()) as { revoked_at: string }).revoked_at);
    } finally {
      await vault.stop();
    }
  });

  test('bad arguments get a usage message and exit 1', async () => {
    const r = await runNpm(['run', '-s', 'keys', '--', 'create', '--key-role', 'root'], {});
    assert.equal(r.code, 1);
    assert.match(r.stderr, /--key-role must be operator, admin or service/);
    assert.equal(r.stdout, '');
  });
});
