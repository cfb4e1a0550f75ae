import assert from 'node:assert/strict';
import { test } from 'node:test';
import { familyEnd, grantOf } from '../../src/schemes/grant.ts';

const T0 = new Date('2025-01-01T00:00:00Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
const DAY = 86_400;

test('a refresh token’s stated lifetime is counted from when the request went out', () => {
  const g = grantOf(
    {
      accessToken: 'a',
      refreshToken: 'r',
      tokenType: 'bearer',
      expiresIn: 28_800,
      refreshTokenExpiresIn: 15_897_600,
    },
    T0,
  );
  assert.deepEqual(
    [g.expiresAt, g.lifetimeSeconds, g.refreshExpiresAt],
    [at(28_800), 28_800, at(15_897_600)],
  );
  // No refresh token in the answer (the stored one is kept): nothing is said about its end.
  const kept = grantOf(
    { accessToken: 'a', tokenType: 'Bearer', expiresIn: 3600, refreshTokenExpiresIn: 99 },
    T0,
  );
  assert.equal(kept.refreshExpiresAt, null);
  const plain = grantOf({ accessToken: 'a', refreshToken: 'r', tokenType: 'Bearer' }, T0);
  assert.deepEqual(
    [plain.expiresAt, plain.lifetimeSeconds, plain.refreshExpiresAt],
    [null, null, null],
  );
});

test('a grant ends at the earlier of the absolute limit from consent and the refresh token’s own end', () => {
  assert.equal(familyEnd(T0, null, null), null);
  assert.deepEqual(familyEnd(T0, 365, null), at(365 * DAY));
  assert.deepEqual(familyEnd(T0, null, at(184 * DAY)), at(184 * DAY));
  assert.deepEqual(familyEnd(T0, 365, at(184 * DAY)), at(184 * DAY));
  assert.deepEqual(familyEnd(T0, 365, at(400 * DAY)), at(365 * DAY));
});
