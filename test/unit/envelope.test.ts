import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { DecryptError, fieldAad, open, parseSealed, seal } from '../../src/crypto/envelope.ts';
import { createKeyring } from '../../src/crypto/keyring.ts';

const k = () => randomBytes(32);

test('seal/open round-trips and records the key id', () => {
  const key = k();
  const aad = fieldAad('tn_a', 'auth_configs', 'ac_1', 'client_secret');
  const s = seal(key, 'dk_1', 'hunter2 ünïcode', aad);
  assert.equal(parseSealed(s).keyId, 'dk_1');
  assert.equal(open(key, parseSealed(s), aad), 'hunter2 ünïcode');
  assert.notEqual(seal(key, 'dk_1', 'x', aad), seal(key, 'dk_1', 'x', aad), 'fresh IV every time');
});

test('a different AAD, key, or any flipped byte fails authentication', () => {
  const key = k();
  const aad = fieldAad('tn_a', 'auth_configs', 'ac_1', 'client_secret');
  const s = seal(key, 'dk_1', 'secret', aad);
  for (const other of [
    fieldAad('tn_b', 'auth_configs', 'ac_1', 'client_secret'),
    fieldAad('tn_a', 'auth_configs', 'ac_2', 'client_secret'),
    fieldAad('tn_a', 'auth_configs', 'ac_1', 'other'),
  ]) {
    assert.throws(() => open(key, parseSealed(s), other), DecryptError);
  }
  assert.throws(() => open(k(), parseSealed(s), aad), DecryptError);
  const p = parseSealed(s);
  p.tag[0]! ^= 1;
  assert.throws(() => open(key, p, aad), DecryptError);
  assert.throws(() => parseSealed('plaintext'), DecryptError);
});

test('a keyring wraps with its first key and unwraps with any configured key', () => {
  const old = { kid: 'old', key: k() };
  const neu = { kid: 'new', key: k() };
  const dk = k();
  const wrappedByOld = createKeyring([old]).wrap(dk, 'aad');
  const rotated = createKeyring([neu, old]);
  assert.equal(rotated.activeKid, 'new');
  assert.deepEqual(rotated.unwrap(wrappedByOld, 'aad'), dk);
  assert.equal(parseSealed(rotated.wrap(dk, 'aad')).keyId, 'new');
  assert.throws(() => createKeyring([neu]).unwrap(wrappedByOld, 'aad'), /not configured/);
  assert.throws(() => rotated.unwrap(wrappedByOld, 'other aad'), DecryptError);
});
