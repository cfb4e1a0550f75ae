import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RETRY_AFTER_MAX_SECONDS, retryAfterSeconds } from '../../src/lib/retry-after.ts';

const now = new Date('2030-01-01T00:00:00Z');
const ra = (v: string | string[] | undefined) => retryAfterSeconds(v, now);

test('delay-seconds: digits only, surrounding whitespace aside', () => {
  assert.equal(ra('0'), 0);
  assert.equal(ra('7'), 7);
  assert.equal(ra('120'), 120);
  assert.equal(ra(' 5\t'), 5);
  assert.equal(ra('007'), 7);
  assert.equal(ra(['3']), 3);
});

test('what is not a delay is undefined, not a guess', () => {
  for (const bad of [
    ' ',
    '',
    '0x10',
    '1e3',
    '1.5',
    '-1',
    '+5',
    '5s',
    '1 2',
    '１２', // full-width digits
    'Infinity',
    'NaN',
    'soon',
    '2030-01-01T00:00:05Z', // ISO 8601 is not an HTTP-date
    'Tue, 01 Jan 2030 00:00:05 UTC',
    'Tue, 1 Jan 2030 00:00:05 GMT',
    'tue, 01 jan 2030 00:00:05 GMT',
    'Tue, 01 Jan 2030 00:00:05 GMT trailing',
    'Tue, 31 Feb 2030 00:00:05 GMT',
    'Tue, 01 Jan 2030 24:00:00 GMT',
    'Tue, 01 Jan 2030 00:60:00 GMT',
  ])
    assert.equal(ra(bad), undefined, JSON.stringify(bad));
  assert.equal(ra(undefined), undefined);
  assert.equal(ra([]), undefined);
  assert.equal(ra(['3', '4']), undefined, 'two different answers are none');
});

test('HTTP-dates in all three forms RFC 9110 has recipients accept', () => {
  assert.equal(ra('Tue, 01 Jan 2030 00:00:05 GMT'), 5); // IMF-fixdate
  assert.equal(ra('Tuesday, 01-Jan-30 00:00:05 GMT'), 5); // rfc850-date
  assert.equal(ra('Tue Jan  1 00:00:05 2030'), 5); // asctime
  assert.equal(ra('Tue Jan 01 00:01:00 2030'), 60);
  // A date in the past asks for no wait; a fraction of a second rounds up.
  assert.equal(ra('Mon, 31 Dec 2029 23:00:00 GMT'), 0);
  assert.equal(
    retryAfterSeconds('Tue, 01 Jan 2030 00:00:05 GMT', new Date('2030-01-01T00:00:00.500Z')),
    5,
  );
  // rfc850's two-digit year: more than 50 years ahead means the century before.
  assert.equal(ra('Friday, 01-Jan-99 00:00:00 GMT'), 0, '1999, not 2099');
  assert.equal(ra('Sunday, 01-Jan-79 00:00:00 GMT'), RETRY_AFTER_MAX_SECONDS, '2079 (49 years on)');
  // A leap second is a valid time.
  assert.equal(ra('Mon, 31 Dec 2029 23:59:60 GMT'), 0);
});

test('a wait is bounded: a day at most, however it is asked for', () => {
  assert.equal(ra('86400'), 86_400);
  assert.equal(ra('86401'), RETRY_AFTER_MAX_SECONDS);
  assert.equal(ra('9'.repeat(400)), RETRY_AFTER_MAX_SECONDS);
  assert.equal(ra(`000000000${'5'}`), 5);
  assert.equal(ra('Fri, 01 Jan 2100 00:00:00 GMT'), RETRY_AFTER_MAX_SECONDS);
});
