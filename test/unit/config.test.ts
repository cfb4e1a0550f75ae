import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { parseMasterKeys } from '../../src/crypto/master-keys.ts';

const key = () => randomBytes(32).toString('base64');

test('defaults give a runnable embedded configuration', () => {
  const c = loadConfig({});
  assert.equal(c.PORT, 3000);
  assert.equal(c.DATABASE_URL, undefined);
  assert.equal(c.PUBLIC_URL, 'http://localhost:3000');
  assert.equal(c.callbackBase, 'http://localhost:3000/v1/oauth/callback');
  assert.deepEqual(c.warnings, []);
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

test('bounds refuse only set-ups that cannot work, and say what would', () => {
  // Short refresh windows work (tests, generic providers with short tokens): accepted, warned.
  const c = loadConfig({ REFRESH_AHEAD_SECONDS: '0' });
  assert.equal(c.REFRESH_AHEAD_SECONDS, 0);
  assert.match(
    c.warnings.join('\n'),
    /REFRESH_AHEAD_SECONDS=0 is shorter than twice the REFRESH_CRON period \(30 s\)/,
  );
  assert.deepEqual(loadConfig({ REFRESH_AHEAD_SECONDS: '60' }).warnings, []);
  assert.deepEqual(
    loadConfig({ REFRESH_AHEAD_SECONDS: '5', REFRESH_CRON: '* * * * * *' }).warnings,
    [],
  );
  assert.equal(loadConfig({ DB_POOL_MAX: '500', REFRESH_CONCURRENCY: '1000' }).DB_POOL_MAX, 500);
  assert.equal(loadConfig({ CONNECT_LINK_TTL_SECONDS: '30' }).CONNECT_LINK_TTL_SECONDS, 30);
  assert.throws(
    () => loadConfig({ REFRESH_LEASE_SECONDS: '900' }),
    /REFRESH_LEASE_SECONDS must be 1-540 seconds: a lease must end well inside the provider's 600 s refresh-token reuse leeway.*\(got "900"\)/,
  );
  // A lease that a refresh's provider calls can outlast: a second refresher could spend the
  // same refresh token (fatal where the provider keeps no leeway).
  assert.match(
    loadConfig({ REFRESH_LEASE_SECONDS: '30' }).warnings.join('\n'),
    /REFRESH_LEASE_SECONDS=30 does not outlast a refresh's provider calls .* = 30 s\)/,
  );
  assert.match(
    loadConfig({ PROVIDER_TIMEOUT_MS: '60000' }).warnings.join('\n'),
    /REFRESH_LEASE_SECONDS=60 does not outlast .*use a lease longer than 130 s/,
  );
  assert.deepEqual(loadConfig({ REFRESH_LEASE_SECONDS: '31' }).warnings, []);
  assert.throws(() => loadConfig({ REFRESH_AHEAD_SECONDS: '-1' }), /must be seconds, 0 or more/);
  assert.throws(() => loadConfig({ REFRESH_BATCH_SIZE: '70000' }), /must be 1-10000 accounts/);
});

test('TRUST_PROXY: off by default; true, a hop count, or proxy addresses and ranges', () => {
  assert.equal(loadConfig({}).trustProxy, false);
  for (const off of ['false', 'off', '0', ' '])
    assert.equal(loadConfig({ TRUST_PROXY: off }).trustProxy, false, off);
  const all = loadConfig({ TRUST_PROXY: 'true' });
  assert.equal(all.trustProxy, true);
  assert.match(all.warnings.join('\n'), /TRUST_PROXY=true .*any client can write that header/);
  assert.equal(loadConfig({ TRUST_PROXY: '2' }).trustProxy, 2);
  assert.deepEqual(loadConfig({ TRUST_PROXY: '2' }).warnings, []);
  assert.deepEqual(
    loadConfig({ TRUST_PROXY: '10.0.0.0/8, 192.168.1.7,fd00::/8 ,::1, loopback,uniquelocal' })
      .trustProxy,
    ['10.0.0.0/8', '192.168.1.7', 'fd00::/8', '::1', 'loopback', 'uniquelocal'],
  );
});

test('TRUST_PROXY: a value that is none of those stops the process, saying what would do', () => {
  for (const bad of [
    'yes please',
    '17',
    '10.0.0.0/33',
    '::/129',
    '10.0.0.0/8,',
    '10.0.0.0/-1',
    '10.0.0.0/255.0.0.0',
    '300.1.1.1',
    'proxy.internal',
    'LOOPBACK',
    '10.0.0.1,,10.0.0.2',
  ]) {
    assert.throws(
      () => loadConfig({ TRUST_PROXY: bad }),
      (e: Error) =>
        e instanceof ConfigError &&
        /^TRUST_PROXY must be false, true, a hop count \(1-16\) or a comma-separated list/.test(
          e.message,
        ) &&
        e.message.includes(JSON.stringify(bad)),
      bad,
    );
  }
});
test('outbound bounds: defaults, and values that cannot work are refused by name', () => {
  const c = loadConfig({});
  assert.deepEqual(
    [
      c.PROVIDER_MAX_RESPONSE_BYTES,
      c.OUTBOUND_CONCURRENCY_PER_TENANT,
      c.OUTBOUND_CONCURRENCY_PER_ORIGIN,
      c.OUTBOUND_QUEUE_TIMEOUT_MS,
    ],
    [1024 * 1024, 16, 256, 5000],
  );
  assert.equal(loadConfig({ OUTBOUND_QUEUE_TIMEOUT_MS: '0' }).OUTBOUND_QUEUE_TIMEOUT_MS, 0);
  assert.throws(
    () => loadConfig({ PROVIDER_MAX_RESPONSE_BYTES: '100' }),
    /PROVIDER_MAX_RESPONSE_BYTES must be 1 KiB to 64 MiB/,
  );
  assert.throws(
    () => loadConfig({ OUTBOUND_CONCURRENCY_PER_TENANT: '0' }),
    /OUTBOUND_CONCURRENCY_PER_TENANT must be at least 1/,
  );
  assert.throws(
    () => loadConfig({ OUTBOUND_QUEUE_TIMEOUT_MS: '120000' }),
    /OUTBOUND_QUEUE_TIMEOUT_MS must be 0-60000 ms/,
  );
});
