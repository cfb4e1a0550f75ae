import assert from 'node:assert/strict';
import { test } from 'node:test';
import { quotaSpentSeconds } from '../../src/providers/rate-limit.ts';

const now = new Date('2026-03-02T12:00:00Z');

test("Atlassian's Beta-RateLimit: paused when at most 1% of the points are left, until the reset", () => {
  const policy = { 'beta-ratelimit-policy': '"tenant-app-quota";q=100100;w=3600' };
  assert.equal(
    quotaSpentSeconds({ ...policy, 'beta-ratelimit': '"tenant-app-quota";r=17842;t=2107' }, now),
    undefined,
  );
  assert.equal(
    quotaSpentSeconds({ ...policy, 'beta-ratelimit': '"tenant-app-quota";r=900;t=2107' }, now),
    2107,
  );
  assert.equal(
    quotaSpentSeconds(
      { 'x-beta-ratelimit-nearlimit': 'true', 'x-beta-ratelimit-reset': '2026-03-02T12:05:00Z' },
      now,
    ),
    300,
  );
});

test('RateLimit and X-RateLimit headers: paused near zero, with a bounded default', () => {
  assert.equal(quotaSpentSeconds({ ratelimit: '"default";r=0;t=30' }, now), 30);
  assert.equal(
    quotaSpentSeconds({ ratelimit: 'limit=100, remaining=50, reset=30' }, now),
    undefined,
  );
  assert.equal(
    quotaSpentSeconds({ 'x-ratelimit-remaining': '0', 'x-ratelimit-limit': '350' }, now),
    60,
  );
  assert.equal(
    quotaSpentSeconds({ 'x-ratelimit-remaining': '10', 'x-ratelimit-limit': '350' }, now),
    undefined,
  );
  assert.equal(quotaSpentSeconds({}, now), undefined);
});
