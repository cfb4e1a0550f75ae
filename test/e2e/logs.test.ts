import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { newApiKey } from '../../src/features/api-keys/secrets.ts';
import { logDestination } from '../../src/lib/logger.ts';
import { atlassianConfig, uniqueSecret } from '../helpers/fixtures.ts';
import { spawnVault } from '../helpers/process.ts';
import { testMasterKey } from '../helpers/vault.ts';

/**
 * Logs as a person and a collector read them (docs/operations.md#logs): pino-pretty's lines with
 * LOG_FORMAT=pretty, JSON lines by default when stdout is not a terminal, secrets in neither.
 */
async function run(extra: Record<string, string>) {
  const operator = newApiKey().token;
  const admin = newApiKey().token;
  const master = testMasterKey('k1');
  const secret = uniqueSecret();
  const vault = await spawnVault({
    DATA_DIR: mkdtempSync(join(tmpdir(), 'cv-logs-')),
    VAULT_MASTER_KEYS: master,
    VAULT_BOOTSTRAP_OPERATOR_KEY: operator,
    VAULT_BOOTSTRAP_ADMIN_KEY: admin,
    LOG_LEVEL: 'debug',
    ...extra,
  });
  await vault.waitFor(/credential-vault ready/);
  const made = await fetch(`${vault.url}/v1/auth-configs?code=c0de&state=st4te`, {
    method: 'POST',
    headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
    body: JSON.stringify({ ...atlassianConfig(), client_secret: secret }),
  });
  assert.equal(made.status, 201);
  const refused = await fetch(`${vault.url}/v1/tenants`, {
    headers: { authorization: `Bearer ${operator}x` },
  });
  assert.equal(refused.status, 401);
  assert.equal(await vault.stop(), 0);
  const out = vault.stdout();
  for (const s of [operator, admin, master.split(':')[1]!, secret, 'c0de', 'st4te']) {
    assert.ok(!out.includes(s), `a secret (${s.slice(0, 6)}…) reached the logs`);
  }
  return out.split('\n').filter((l) => l.trim() !== '');
}

describe('log format', () => {
  test('LOG_FORMAT=pretty: readable lines, not JSON, and no secret', async () => {
    const lines = await run({ LOG_FORMAT: 'pretty' });
    assert.ok(
      lines.some((l) => /INFO.*credential-vault ready/.test(l)),
      lines.join('\n'),
    );
    assert.ok(lines.some((l) => /\bDEBUG\b|\bINFO\b.*request completed/.test(l)));
    assert.ok(!lines.some((l) => l.startsWith('{"level"')), 'no JSON line');
  });

  test('by default, with stdout not a terminal: every log line is JSON, and no secret', async () => {
    const lines = await run({});
    assert.ok(lines.length > 3);
    const parsed = lines.map((l) => JSON.parse(l) as { level: number; msg: string });
    assert.ok(parsed.some((p) => p.msg === 'credential-vault ready'));
  });

  test('auto is pretty only on a terminal outside production', async () => {
    const at = (format: 'auto' | 'json' | 'pretty', production: boolean, stdoutIsTTY: boolean) =>
      logDestination({ format, production, stdoutIsTTY }).then((d) => d !== undefined);
    assert.equal(await at('auto', false, true), true);
    assert.equal(await at('auto', true, true), false);
    assert.equal(await at('auto', false, false), false);
    assert.equal(await at('json', false, true), false);
    assert.equal(await at('pretty', true, false), true);
  });
});
