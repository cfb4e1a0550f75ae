import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { ConfigError, loadConfig, parseMasterKeys } from '../../src/config.ts';

const key = () => randomBytes(32).toString('base64');

test('defaults give a runnable embedded configuration', () => {
  const c = loadConfig({});
  assert.equal(c.PORT, 3000);
  assert.equal(c.DATABASE_URL, undefined);
  assert.equal(c.PUBLIC_URL, 'http://localhost:3000');
  assert.equal(c.callbackUrl, 'http://localhost:3000/v1/oauth/callback');
  assert.equal(c.ATLASSIAN_AUTH_URL, 'https://auth.atlassian.com');
  assert.equal(c.REFRESH_AHEAD_SECONDS, 600);
  assert.deepEqual(c.masterKeys, []);
});

test('a bad value stops the process with a message naming the variable', () => {
  assert.throws(
    () => loadConfig({ PORT: 'eighty' }),
    (e: Error) => e instanceof ConfigError && /PORT/.test(e.message),
  );
  assert.throws(() => loadConfig({ LOG_LEVEL: 'loud' }), /LOG_LEVEL must be one of fatal\|error/);
  assert.throws(() => loadConfig({ DATABASE_URL: 'mysql://x' }), /DATABASE_URL/);
  assert.throws(() => loadConfig({ PUBLIC_URL: 'vault.example.com' }), /PUBLIC_URL/);
  assert.throws(() => loadConfig({ ALLOW_PRIVATE_EGRESS: 'maybe' }), /ALLOW_PRIVATE_EGRESS/);
});

test('production refuses to start without master keys', () => {
  assert.throws(() => loadConfig({ NODE_ENV: 'production' }), /VAULT_MASTER_KEYS is required/);
  assert.equal(
    loadConfig({ NODE_ENV: 'production', VAULT_MASTER_KEYS: `k1:${key()}` }).masterKeys[0]?.kid,
    'k1',
  );
});

test('master keys must be exactly 32 bytes, with unique ids; the first is active', () => {
  const k = parseMasterKeys(`new:${key()}, old:${key()}`);
  assert.deepEqual(
    k.map((x) => x.kid),
    ['new', 'old'],
  );
  assert.throws(() => parseMasterKeys(`k:${randomBytes(16).toString('base64')}`), /entry 1/);
  assert.throws(() => parseMasterKeys('k:not-base64!'), /entry 1/);
  assert.throws(() => parseMasterKeys(`a:${key()},a:${key()}`), /appears twice/);
  assert.throws(() => parseMasterKeys(key()), /kid/);
});
