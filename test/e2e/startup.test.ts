import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import pgClient from 'pg';
import { openTestDatabase } from '../helpers/database.ts';
import { atlassianConfig } from '../helpers/fixtures.ts';
import { spawnVault } from '../helpers/process.ts';
import { testMasterKey } from '../helpers/vault.ts';

/**
 * The newcomer path, as `npm start` runs it: a real process on the embedded database (or, under
 * `npm run test:pg`, on a fresh PostgreSQL database), which prints an admin key once.
 */
test('first start prints an admin key once; the key creates an Atlassian auth config', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cv-start-'));
  const env: Record<string, string> = { DATA_DIR: dataDir };
  const pg = process.env.TEST_DATABASE_URL ? await openTestDatabase() : undefined;
  if (pg) {
    await pg.database.close();
    env.DATABASE_URL = pg.url!;
  }
  try {
    const first = await spawnVault(env);
    const [, key] = await first.waitFor(/^\s+(cvk_\S+)$/m);
    await first.waitFor(/credential-vault ready/);
    assert.match(first.stdout(), /development master key/);
    assert.equal(statSync(join(dataDir, 'master.key')).mode & 0o777, 0o600);
    assert.ok(
      !first
        .stdout()
        .includes(readFileSync(join(dataDir, 'master.key'), 'utf8').split(':')[1]!.trim()),
    );

    const res = await fetch(`${first.url}/v1/auth-configs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(atlassianConfig()),
    });
    assert.equal(res.status, 201);
    assert.equal(((await res.json()) as { provider: string }).provider, 'atlassian');
    assert.equal((await fetch(`${first.url}/readyz`)).status, 200);
    assert.equal(await first.stop(), 0);

    const second = await spawnVault(env);
    await second.waitFor(/credential-vault ready/);
    assert.ok(!/cvk_/.test(second.stdout()), 'no key is printed on later starts');
    const list = await fetch(`${second.url}/v1/auth-configs`, {
      headers: { authorization: `Bearer ${key}` },
    });
    assert.equal(
      ((await list.json()) as { data: unknown[] }).data.length,
      1,
      'data survived the restart',
    );
    await second.stop();
  } finally {
    await pg?.drop();
  }
});

test('a bad configuration value stops the process with a message naming it', async () => {
  const vault = await spawnVault({
    DATA_DIR: mkdtempSync(join(tmpdir(), 'cv-bad-')),
    REFRESH_AHEAD_SECONDS: 'soon',
  });
  assert.equal(await vault.exited, 1);
  assert.match(vault.stderr(), /REFRESH_AHEAD_SECONDS/);
});

test('a refresh window shorter than the cron period starts, with a warning saying why', async () => {
  const vault = await spawnVault({
    DATA_DIR: mkdtempSync(join(tmpdir(), 'cv-ahead-')),
    REFRESH_AHEAD_SECONDS: '0',
  });
  await vault.waitFor(/credential-vault ready/);
  assert.match(
    vault.stdout(),
    /REFRESH_AHEAD_SECONDS=0 is shorter than twice the REFRESH_CRON period/,
  );
  assert.equal(await vault.stop(), 0);
});

for (const setting of ['PORT', 'METRICS_PORT']) {
  test(`a ${setting} another process holds stops the start before anything is written, naming the setting`, async (t) => {
    const holder = createServer();
    await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r));
    t.after(() => holder.close());
    const taken = (holder.address() as AddressInfo).port;
    const dataDir = mkdtempSync(join(tmpdir(), 'cv-port-'));
    const env: Record<string, string> = { DATA_DIR: dataDir, [setting]: String(taken) };
    const pg = process.env.TEST_DATABASE_URL ? await openTestDatabase() : undefined;
    if (pg) {
      await pg.database.close();
      env.DATABASE_URL = pg.url!;
    }
    try {
      const v = await spawnVault(env);
      assert.equal(await v.exited, 1);
      assert.match(
        v.stderr(),
        new RegExp(`127\\.0\\.0\\.1:${taken} is already in use.*set ${setting} to a free port`),
      );
      assert.ok(!/\n\s+at /.test(v.stderr()), 'no stack trace');
      // Nothing written: no key printed, no master key file, no embedded database, no tables.
      assert.ok(!/cvk_|First start/.test(v.stdout()), v.stdout());
      assert.deepEqual(readdirSync(dataDir), []);
      if (pg) {
        const c = new pgClient.Client({ connectionString: pg.url });
        await c.connect();
        // The test database may come migrated (a template copy): no table may hold a row.
        const tables = await c.query<{ t: string }>(
          "select table_name as t from information_schema.tables where table_schema = 'public'",
        );
        const rows: Record<string, number> = {};
        for (const { t } of tables.rows) {
          const r = await c.query<{ n: number }>(`select count(*)::int as n from "${t}"`);
          if (r.rows[0]!.n) rows[t] = r.rows[0]!.n;
        }
        await c.end();
        assert.deepEqual(rows, {}, 'no tenant, key or data key was written');
      }
    } finally {
      await pg?.drop();
    }
  });
}

test('after a rotation that dropped the old master key, /readyz is 503 and one log line names the key to set', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cv-rotate-'));
  const env: Record<string, string> = { DATA_DIR: dataDir };
  const pg = process.env.TEST_DATABASE_URL ? await openTestDatabase() : undefined;
  if (pg) {
    await pg.database.close();
    env.DATABASE_URL = pg.url!;
  }
  const oldKey = testMasterKey('k1');
  const newKey = testMasterKey('k2');
  try {
    // The first start's tenant gets a data key wrapped by k1.
    const first = await spawnVault({ ...env, VAULT_MASTER_KEYS: oldKey });
    await first.waitFor(/credential-vault ready/);
    assert.equal((await fetch(`${first.url}/readyz`)).status, 200);
    assert.equal(await first.stop(), 0);

    // Restarted with only the new key: it serves (probes see why) but is not ready.
    const rotated = await spawnVault({ ...env, VAULT_MASTER_KEYS: newKey });
    await rotated.waitFor(/credential-vault ready/);
    const res = await fetch(`${rotated.url}/readyz`);
    assert.equal(res.status, 503);
    const body = (await res.json()) as { status: string; detail: string };
    assert.equal(body.status, 'master_key_missing');
    assert.match(body.detail, /master key "k1".*VAULT_MASTER_KEYS=k2:<key>,k1:<its key>/);
    const lines = rotated
      .stdout()
      .split('\n')
      .filter((l) => l.includes('not ready'));
    assert.equal(lines.length, 1, rotated.stdout());
    assert.match(lines[0]!, /"master_kids":\["k1"\].*VAULT_MASTER_KEYS=k2:<key>,k1:<its key>/);
    for (const secret of [oldKey, newKey].map((k) => k.split(':')[1]!)) {
      assert.ok(!rotated.stdout().includes(secret) && !body.detail.includes(secret));
    }
    assert.equal(await rotated.stop(), 0);

    // With both keys, as the rotation steps say, it is ready again.
    const fixed = await spawnVault({ ...env, VAULT_MASTER_KEYS: `${newKey},${oldKey}` });
    await fixed.waitFor(/credential-vault ready/);
    assert.equal((await fetch(`${fixed.url}/readyz`)).status, 200);
    assert.ok(!fixed.stdout().includes('not ready'));
    assert.equal(await fixed.stop(), 0);
  } finally {
    await pg?.drop();
  }
});
