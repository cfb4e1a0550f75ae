import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { newApiKey } from '../../src/features/api-keys/secrets.ts';
import { runNpm, spawnVault } from '../helpers/process.ts';

/** Every path under dir with its permission bits. */
function modes(dir: string): { path: string; dir: boolean; mode: number }[] {
  const out = [{ path: dir, dir: true, mode: statSync(dir).mode & 0o777 }];
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    const st = statSync(join(dir, name));
    out.push({ path: name, dir: st.isDirectory(), mode: st.mode & 0o777 });
  }
  return out;
}

const tenants = (url: string, key: string) =>
  fetch(`${url}/v1/tenants`, { headers: { authorization: `Bearer ${key}` } }).then(async (r) =>
    ((await r.json()) as { data: { name: string }[] }).data.map((t) => t.name),
  );

// The embedded database (PGlite) is what these tests are about: no DATABASE_URL, on either pass.
describe('one process per embedded data folder', () => {
  test('a second process on a held folder refuses at once, saying what to do, and nothing is lost', async () => {
    const operator = newApiKey().token;
    const env = {
      DATA_DIR: mkdtempSync(join(tmpdir(), 'cv-lock-')),
      VAULT_BOOTSTRAP_OPERATOR_KEY: operator,
    };
    const vault = await spawnVault(env);
    await vault.waitReady();
    const made = await fetch(`${vault.url}/v1/tenants`, {
      method: 'POST',
      headers: { authorization: `Bearer ${operator}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'made-through-the-api' }),
    });
    assert.equal(made.status, 201);

    const cli = await runNpm(
      ['run', '-s', 'keys', '--', 'create', '--key-role', 'operator', '--name', 'ops'],
      env,
    );
    assert.equal(cli.code, 1);
    assert.equal(cli.stdout, '', 'no key is printed that nobody could use');
    assert.match(cli.stderr, /is in use by another credential-vault process \(pid \d+/);
    assert.match(cli.stderr, /stop that process first|HTTP API/);

    const second = await spawnVault(env);
    assert.equal(await second.exited, 1);
    assert.match(second.stderr(), /in use by another credential-vault process/);

    // The first vault never noticed: it still serves and still has its data.
    assert.ok((await tenants(vault.url, operator)).includes('made-through-the-api'));
    assert.equal(await vault.stop(), 0);
    const restarted = await spawnVault(env);
    await restarted.waitReady();
    assert.ok((await tenants(restarted.url, operator)).includes('made-through-the-api'));
    assert.equal(await restarted.stop(), 0);
  });

  test('the lock of a killed process is taken over', async () => {
    const operator = newApiKey().token;
    const env = {
      DATA_DIR: mkdtempSync(join(tmpdir(), 'cv-lock-')),
      VAULT_BOOTSTRAP_OPERATOR_KEY: operator,
    };
    const first = await spawnVault(env);
    await first.waitReady();
    await first.stop('SIGKILL');
    assert.ok(statSync(join(env.DATA_DIR, 'credential-vault.lock')).isFile(), 'the lock was left');
    const second = await spawnVault(env);
    await second.waitReady();
    assert.deepEqual(await tenants(second.url, operator), ['default']);
    assert.equal(await second.stop(), 0);
  });

  test('the data folder is private: 0700 folders and 0600 files, loose ones tightened', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cv-modes-'));
    chmodSync(dataDir, 0o755);
    mkdirSync(join(dataDir, 'old'), { mode: 0o755 });
    writeFileSync(join(dataDir, 'old', 'notes.txt'), 'x', { mode: 0o644 });
    const vault = await spawnVault({ DATA_DIR: dataDir });
    await vault.waitReady();
    assert.equal(statSync(dataDir).mode & 0o777, 0o700, 'tightened before the database opened');
    assert.equal(await vault.stop(), 0);
    const loose = modes(dataDir).filter((m) => m.mode !== (m.dir ? 0o700 : 0o600));
    assert.deepEqual(loose, []);
    assert.ok(modes(dataDir).length > 100, 'PGlite files were checked');
  });
});
