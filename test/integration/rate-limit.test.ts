import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestVault, type TestVault } from '../helpers/vault.ts';

let vault: TestVault;
before(async () => {
  vault = await startTestVault({ env: { RATE_LIMIT_PER_IP: '5', RATE_LIMIT_PER_KEY: '20' } });
});
after(() => vault.close());

test('public routes are limited per IP and API routes per key, with problem+json 429s', async () => {
  const statuses: number[] = [];
  for (let i = 0; i < 7; i++)
    statuses.push(
      (await vault.call('GET', '/v1/oauth/callback/ac_00000000000000000000000000?state=x&code=y'))
        .status,
    );
  assert.deepEqual(statuses, [400, 400, 400, 400, 400, 429, 429]);
  const limited = await vault.call(
    'GET',
    '/v1/oauth/callback/ac_00000000000000000000000000?state=x&code=y',
  );
  assert.equal(limited.body.code, 'rate_limited');
  assert.ok(Number(limited.headers['retry-after']) > 0);
  assert.equal(
    (await vault.app.inject({ method: 'GET', url: '/healthz' })).statusCode,
    200,
    'probes are never limited',
  );

  const { adminKey } = await vault.newTenant();
  const other = (
    await vault.call('POST', '/v1/api-keys', adminKey, { name: 'other', role: 'admin' })
  ).body.key;
  let last = 0;
  // 1 request (creating the other key) + 19 = the 20 allowed.
  for (let i = 0; i < 19; i++) {
    last = (await vault.call('GET', '/v1/auth-configs', adminKey)).status;
  }
  assert.equal(last, 200);
  assert.equal((await vault.call('GET', '/v1/auth-configs', adminKey)).status, 429);
  assert.equal(
    (await vault.call('GET', '/v1/auth-configs', other)).status,
    200,
    'another key has its own budget',
  );
});
