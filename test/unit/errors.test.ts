import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AppError, InternalError, notFound, unlessFound } from '../../src/lib/errors.ts';

test('unlessFound turns only the named not-found into undefined; everything else surfaces', async () => {
  assert.equal(
    await unlessFound(Promise.reject(notFound('auth_config', 'ac_x')), 'auth_config_not_found'),
    undefined,
  );
  const outage = Object.assign(new Error('Connection terminated unexpectedly'), { code: '57P01' });
  await assert.rejects(unlessFound(Promise.reject(outage), 'auth_config_not_found'), outage);
  await assert.rejects(
    unlessFound(Promise.reject(notFound('tenant', 'tn_x')), 'auth_config_not_found'),
    (e: unknown) => e instanceof AppError && e.code === 'tenant_not_found',
  );
  assert.equal(await unlessFound(Promise.resolve(7), 'x'), 7);
});

test('an internal error has a stable code and a body that says nothing internal', () => {
  const e = new InternalError('data_key_missing', 'tenant tn_1 has no active data key');
  assert.equal(e.status, 500);
  assert.equal(e.code, 'data_key_missing');
  assert.doesNotMatch(e.detail, /tn_1|data key/);
  assert.match(e.internal, /tn_1/);
});
