// `credential-vault accounts export | decrypt-export | import` as real processes against a real
// vault process and the emulator: an account leaves encrypted, opens with the private key (read
// from a file, never argv), and comes back in through the import, whose records are checked first
// with --dry-run. The client's own JWE decryption (node:crypto) opens what the vault's jose sealed.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { exportJWK, generateKeyPair } from 'jose';
import { buildCli, runCli } from './cli-runner.ts';
import { startClientFixture, type ClientFixture } from './setup.ts';

let fx: ClientFixture;
let bin: string;
let env: Record<string, string>;
before(async () => {
  [fx, bin] = await Promise.all([startClientFixture({ postgres: true }), buildCli()]);
  env = { CV_URL: fx.url, CV_KEY: fx.adminKey };
});
after(() => fx?.close());

const lines = (s: string) => s.split('\n').filter(Boolean);

test('export, decrypt-export and import through the CLI', async () => {
  const acct = await fx.connectAccount();
  const dir = mkdtempSync(join(tmpdir(), 'cv-transfer-'));
  const { publicKey, privateKey } = await generateKeyPair('ECDH-ES+A256KW', {
    crv: 'P-384',
    extractable: true,
  });
  const pub = join(dir, 'jwk.pub.json');
  const priv = join(dir, 'jwk.json');
  writeFileSync(pub, JSON.stringify(await exportJWK(publicKey)));
  const privateJwk = await exportJWK(privateKey);
  writeFileSync(priv, JSON.stringify(privateJwk));

  // A private key given where the public one goes is refused before anything is sent.
  const wrongKey = await runCli(bin, ['accounts', 'export', '--public-key', priv], env);
  assert.equal(wrongKey.code, 2, wrongKey.stderr);

  const exported = await runCli(
    bin,
    ['accounts', 'export', '--public-key', pub, '--auth-config', acct.configId],
    env,
  );
  assert.equal(exported.code, 0, exported.stderr);
  assert.equal(lines(exported.stdout).length, 2);
  assert.match(exported.stderr, /1 accounts exported, 1 disabled/);
  assert.equal((await fx.admin.connectedAccounts.get(acct.accountId)).status, 'DISABLED');

  const opened = await runCli(
    bin,
    ['accounts', 'decrypt-export', '--private-key', priv],
    env,
    exported.stdout,
  );
  assert.equal(opened.code, 0, opened.stderr);
  const [record] = lines(opened.stdout).map((l) => JSON.parse(l));
  assert.equal(record.user_id, acct.userId);
  assert.equal(record.external_id, acct.accountId);
  assert.equal(typeof record.refresh_token, 'string');
  assert.ok(!opened.cmdline.includes(String(privateJwk.d)), 'the private key is not in argv');
  // A cut-off export (no summary line) is said to be one.
  const cut = await runCli(
    bin,
    ['accounts', 'decrypt-export', '--private-key', priv],
    env,
    lines(exported.stdout)[0],
  );
  assert.equal(cut.code, 1, cut.stderr);
  assert.match(cut.stderr, /cut off/);

  // The grant comes back in: the old account goes, the records are checked, then imported.
  await fx.admin.connectedAccounts.delete(acct.accountId);
  const file = join(dir, 'records.ndjson');
  writeFileSync(file, opened.stdout);
  const dry = await runCli(bin, ['accounts', 'import', file, '--dry-run', '--json'], env);
  assert.equal(dry.code, 0, dry.stderr);
  assert.equal(JSON.parse(dry.stdout).counts.valid, 1);
  const imported = await runCli(bin, ['accounts', 'import', file], env);
  assert.equal(imported.code, 0, imported.stderr);
  assert.match(imported.stdout, /1 imported, 0 unchanged, 0 valid, 0 failed/);
  const token = await runCli(
    bin,
    ['token', '--auth-config', acct.configId, '--user', acct.userId],
    env,
  );
  assert.equal(token.code, 0, token.stderr);
  for (const out of [imported.stdout, imported.stderr, token.stderr]) {
    assert.ok(!out.includes(record.refresh_token), 'no refresh token printed');
  }

  // A record that fails makes the command exit 5 and says why.
  writeFileSync(file, `${opened.stdout}{"broken": true}\n`);
  const partial = await runCli(bin, ['accounts', 'import', file], env);
  assert.equal(partial.code, 5, partial.stderr);
  assert.match(partial.stdout, /1 unchanged, 0 valid, 1 failed/);
  assert.match(partial.stdout, /invalid_record/);

  // Bulk actions by filter: a count first, delete only with --yes.
  const bulk = (...args: string[]) => runCli(bin, ['accounts', 'bulk', ...args], env);
  const count = await bulk('disable', '--user', acct.userId, '--dry-run');
  assert.equal(count.code, 0, count.stderr);
  assert.equal(count.stdout.trim(), '1 accounts match');
  const off = await bulk('disable', '--user', acct.userId);
  assert.equal(off.stdout.trim(), '1 of 1 accounts: disable done', off.stderr);
  assert.equal((await bulk('delete')).code, 2, 'a filter is required');
  assert.equal((await bulk('delete', '--user', acct.userId)).code, 2, 'delete needs --yes here');
  const deleted = await bulk('delete', '--user', acct.userId, '--yes');
  assert.equal(deleted.code, 0, deleted.stderr);
  assert.equal(
    (await bulk('delete', '--user', acct.userId, '--dry-run')).stdout.trim(),
    '0 accounts match',
  );
});
