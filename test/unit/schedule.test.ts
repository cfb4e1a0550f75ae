// The pure contracts of src/lib/schedule.ts: when a token is refreshed ahead of its expiry, how long
// a failed refresh backs off, and what a min_ttl asks of the stored token (docs/contracts.md#min_ttl).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backoffSeconds, nextRefreshAt, tokenNeed } from '../../src/lib/schedule.ts';

const now = new Date('2030-01-01T00:00:00Z');
const at = (seconds: number) => new Date(now.getTime() + seconds * 1000);

test('nextRefreshAt: no expiry, no scheduled refresh', () => {
  assert.equal(
    nextRefreshAt(now, null, 600, () => 0.5),
    null,
  );
});

test('nextRefreshAt: the configured window ahead of expiry, less up to a fifth of it as jitter', () => {
  // An hour-long token, a 10 min window: refreshed 10 min before expiry without jitter …
  assert.deepEqual(
    nextRefreshAt(now, at(3600), 600, () => 0),
    at(3000),
  );
  // … and up to 12 min before it with the most jitter, never more.
  assert.deepEqual(
    nextRefreshAt(now, at(3600), 600, () => 1),
    at(2880),
  );
  assert.deepEqual(
    nextRefreshAt(now, at(3600), 600, () => 0.5),
    at(2940),
  );
  for (const r of [0, 0.1, 0.37, 0.8, 0.999]) {
    const next = nextRefreshAt(now, at(3600), 600, () => r)!.getTime();
    assert.ok(next <= at(3000).getTime() && next >= at(2880).getTime(), `random ${r}: ${next}`);
  }
});

test('nextRefreshAt: a token shorter than twice the window is refreshed at half its life', () => {
  // 10 min of life, a 10 min window: at 5 min (less jitter), not at once.
  assert.deepEqual(
    nextRefreshAt(now, at(600), 600, () => 0),
    at(300),
  );
  assert.deepEqual(
    nextRefreshAt(now, at(600), 600, () => 1),
    at(240),
  );
  // Exactly twice the window: both rules agree.
  assert.deepEqual(
    nextRefreshAt(now, at(1200), 600, () => 0),
    at(600),
  );
});

test('nextRefreshAt: an expired token (or one expiring now) is due at its expiry, not later', () => {
  assert.deepEqual(
    nextRefreshAt(now, now, 600, () => 1),
    now,
  );
  assert.deepEqual(
    nextRefreshAt(now, at(-30), 600, () => 1),
    at(-30),
  );
});

test('backoffSeconds: 5 s, 10 s, 20 s … each between half the step and the step', () => {
  const steps = [1, 2, 3, 4, 5, 6, 7, 8];
  assert.deepEqual(
    steps.map((n) => backoffSeconds(n, undefined, () => 1)),
    [5, 10, 20, 40, 80, 160, 320, 600],
  );
  assert.deepEqual(
    steps.map((n) => backoffSeconds(n, undefined, () => 0)),
    [2.5, 5, 10, 20, 40, 80, 160, 300],
  );
  for (const r of [0, 0.25, 0.5, 0.999]) {
    const s = backoffSeconds(3, undefined, () => r);
    assert.ok(s >= 10 && s <= 20, `random ${r}: ${s}`);
  }
});

test('backoffSeconds: capped at 10 min however many failures, and a first failure counts as one', () => {
  for (const n of [9, 30, 1000, Number.MAX_SAFE_INTEGER]) {
    assert.equal(
      backoffSeconds(n, undefined, () => 1),
      600,
      `${n} failures`,
    );
    assert.equal(
      backoffSeconds(n, undefined, () => 0),
      300,
      `${n} failures`,
    );
  }
  assert.equal(
    backoffSeconds(0, undefined, () => 1),
    5,
  );
});

test('backoffSeconds: never before the provider’s Retry-After, which may exceed the cap', () => {
  assert.equal(
    backoffSeconds(1, 120, () => 1),
    120,
  );
  assert.equal(
    backoffSeconds(1, 3600, () => 0),
    3600,
  );
  // A Retry-After shorter than the backoff does not shorten it.
  assert.equal(
    backoffSeconds(4, 1, () => 1),
    40,
  );
  assert.equal(
    backoffSeconds(4, 0, () => 0),
    20,
  );
});

test('tokenNeed: min_ttl ≤ lifetime is strict: the token must live min_ttl past the request', () => {
  assert.deepEqual(tokenNeed(60, 3600, now), { needUntil: at(60), strict: true });
  assert.deepEqual(tokenNeed(3600, 3600, now), { needUntil: at(3600), strict: true });
  assert.deepEqual(tokenNeed(0, 3600, now), { needUntil: now, strict: true });
});

test('tokenNeed: min_ttl > lifetime is not strict: refresh once past half the lifetime', () => {
  assert.deepEqual(tokenNeed(3601, 3600, now), { needUntil: at(1800), strict: false });
  assert.deepEqual(tokenNeed(86_400, 2, now), { needUntil: at(1), strict: false });
});

test('tokenNeed: an unknown lifetime is strict, min_ttl as asked', () => {
  assert.deepEqual(tokenNeed(300, null, now), { needUntil: at(300), strict: true });
});

test('tokenNeed: the deadline is fixed from the request’s arrival, not from when it is computed', () => {
  const later = new Date(now.getTime() + 5_000);
  assert.deepEqual(tokenNeed(60, 3600, later).needUntil, at(65));
  assert.deepEqual(tokenNeed(60, 3600, now).needUntil, at(60));
});
