import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nextCredentialCheckAt } from '../../src/lib/schedule.ts';

const DAY = 86_400_000;
const now = new Date('2026-01-01T00:00:00Z');
const at = (ms: number) => new Date(now.getTime() + ms);

test('an API token is checked about a day from now, spread over 0.8–1.2 days', () => {
  assert.deepEqual(
    nextCredentialCheckAt(now, null, false, () => 0),
    at(0.8 * DAY),
  );
  assert.deepEqual(
    nextCredentialCheckAt(now, null, false, () => 1),
    at(1.2 * DAY),
  );
  assert.deepEqual(
    nextCredentialCheckAt(now, at(300 * DAY), true, () => 0.5),
    at(DAY),
  );
});

test('never later than the expiry warning (unless sent) or the expiry itself', () => {
  // Warning due in 6 h (expiry in 14 d 6 h): checked then, not a day later.
  assert.deepEqual(
    nextCredentialCheckAt(now, at(14 * DAY + 6 * 3600_000), false, () => 1),
    at(6 * 3600_000),
  );
  // Already warned: the expiry in 10 h comes first.
  assert.deepEqual(
    nextCredentialCheckAt(now, at(10 * 3600_000), true, () => 1),
    at(10 * 3600_000),
  );
  // The warning moment passed unsent: at once.
  assert.deepEqual(
    nextCredentialCheckAt(now, at(5 * DAY), false, () => 1),
    now,
  );
  // Expired already: at once (the check records it).
  assert.deepEqual(
    nextCredentialCheckAt(now, at(-1000), true, () => 1),
    now,
  );
});
