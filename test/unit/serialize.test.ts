import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Type } from 'typebox';
import { compileObjectSerializer } from '../../src/http/serialize.ts';
import { Nullable, Timestamp } from '../../src/http/schemas.ts';

const Schema = Type.Object(
  {
    s: Type.String(),
    at: Nullable(Timestamp),
    n: Nullable(Type.Integer()),
    list: Type.Array(Type.String()),
    flag: Type.Boolean(),
    maybe: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
const write = compileObjectSerializer(Schema);

test('writes the schema’s fields in order, as JSON.parse reads them back', () => {
  const v = {
    s: 'quote " backslash \\ newline \n ünïcode \u2028',
    at: '2030-01-01T00:00:00.000Z',
    n: 42,
    list: ['a', 'b"c'],
    flag: false,
    maybe: 'here',
  };
  const out = write(v);
  assert.deepEqual(JSON.parse(out), v);
  assert.equal(out, JSON.stringify(v));
});

test('nulls, an absent optional field, a Date for a timestamp', () => {
  const at = new Date('2031-02-03T04:05:06.000Z');
  const out = write({ s: '', at, n: null, list: [], flag: true });
  assert.equal(out, '{"s":"","at":"2031-02-03T04:05:06.000Z","n":null,"list":[],"flag":true}');
  assert.equal(
    write({ s: 'x', at: null, n: 1, list: [], flag: true }),
    '{"s":"x","at":null,"n":1,"list":[],"flag":true}',
  );
});

test('a field the schema does not name is never written (the last guard against a leak)', () => {
  const out = write({
    s: 'x',
    at: null,
    n: null,
    list: [],
    flag: true,
    refresh_token: 'secret-refresh-token',
  } as object);
  assert.doesNotMatch(out, /secret-refresh-token|refresh_token/);
});

test('a missing required field or a wrong type is an error, not a quiet answer', () => {
  assert.throws(() => write({ s: 'x', at: null, n: null, list: [] }), /flag is required/);
  assert.throws(
    () => write({ s: 1, at: null, n: null, list: [], flag: true }),
    /s must be a string/,
  );
  assert.throws(
    () => write({ s: 'x', at: null, n: 'one', list: [], flag: true }),
    /n must be an integer/,
  );
  assert.throws(
    () => write({ s: 'x', at: null, n: null, list: [1], flag: true }),
    /list must be an array of strings/,
  );
});

test('an unsupported shape fails when compiled, at start', () => {
  assert.throws(
    () => compileObjectSerializer(Type.Object({ o: Type.Object({ a: Type.String() }) })),
    /not supported/,
  );
  assert.throws(
    () => compileObjectSerializer(Type.Object({ u: Type.Union([Type.String(), Type.Integer()]) })),
    /only "T or null"/,
  );
});
