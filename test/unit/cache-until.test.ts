import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cacheUntil } from '../../src/lib/schedule.ts';

const now = new Date('2026-03-01T00:00:00Z');
const at = (s: number) => new Date(now.getTime() + s * 1000);

test('cache_until: the expiry where older tokens live to it, none without an expiry', () => {
  assert.deepEqual(cacheUntil(now, at(3600), null, 600, 3600), at(3600));
  assert.equal(cacheUntil(now, null, 600, 600, null), null);
});

test('cache_until: Atlassian (600 s) caps at 10 minutes from the answer, never past the expiry', () => {
  assert.deepEqual(cacheUntil(now, at(3600), 600, 600, 3600), at(600));
  assert.deepEqual(cacheUntil(now, at(300), 600, 600, 3600), at(300));
});

test('cache_until: GitHub (revoked at once) caps at the earliest refresh ahead, never before now', () => {
  // 8-hour token: window 600 s plus at most a fifth of jitter.
  assert.deepEqual(cacheUntil(now, at(28_800), 0, 600, 28_800), at(28_800 - 720));
  // A short token is refreshed at half its life (less jitter): 100 s token → 40 s.
  assert.deepEqual(cacheUntil(now, at(100), 0, 600, 100), at(40));
  assert.deepEqual(cacheUntil(now, at(500), 0, 600, 28_800), now);
});
