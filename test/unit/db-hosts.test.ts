import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadConfig } from '../../src/config.ts';
import { isDatabaseUnavailable } from '../../src/db/errors.ts';
import {
  DatabaseUrlError,
  NoPrimaryError,
  needsSelection,
  parseDatabaseUrl,
} from '../../src/db/hosts.ts';
import { isPlainRead } from '../../src/db/retry.ts';

describe('multi-host connection strings', () => {
  test('several hosts, each with its port or 5432, and the session attribute', () => {
    const u = parseDatabaseUrl(
      'postgres://vault:s3cret@db1.internal:6432,db2.internal,[fd00::3]:5433/vault?sslmode=require&target_session_attrs=read-write',
    );
    assert.deepEqual(u.hosts, [
      { host: 'db1.internal', port: 6432 },
      { host: 'db2.internal', port: 5432 },
      { host: 'fd00::3', port: 5433 },
    ]);
    assert.equal(u.targetSessionAttrs, 'read-write');
    assert.equal(u.selecting, true);
    // node-postgres gets one host at a time, the other parameters as they were
    assert.equal(
      u.urlFor(u.hosts[2]!),
      'postgres://vault:s3cret@[fd00::3]:5433/vault?sslmode=require',
    );
    assert.equal(
      u.urlFor(u.hosts[1]!),
      'postgres://vault:s3cret@db2.internal:5432/vault?sslmode=require',
    );
  });

  test('one host with read-write is checked too; one plain host is left to node-postgres', () => {
    assert.equal(needsSelection('postgres://u@db/vault?target_session_attrs=read-write'), true);
    assert.equal(needsSelection('postgres://u@a,b/vault'), true);
    assert.equal(needsSelection('postgres://u:p,w@db:5432/vault?sslmode=require'), false);
    assert.equal(needsSelection('postgresql:///vault?host=/var/run/postgresql'), false);
    assert.equal(parseDatabaseUrl('postgres://u@a,b/vault').targetSessionAttrs, 'any');
  });

  test('a session attribute the vault cannot work with is refused, without the password', () => {
    assert.throws(
      () => parseDatabaseUrl('postgres://u:hunter2@a,b/vault?target_session_attrs=standby'),
      (err: Error) =>
        err instanceof DatabaseUrlError &&
        /target_session_attrs=standby/.test(err.message) &&
        !err.message.includes('hunter2'),
    );
    assert.throws(
      () => parseDatabaseUrl('postgres://u:hunter2@a,,b/vault'),
      (err: Error) => err instanceof DatabaseUrlError && !err.message.includes('hunter2'),
    );
  });

  test('the configuration refuses such a string at start, naming the variable', () => {
    assert.throws(
      () =>
        loadConfig({
          DATABASE_URL: 'postgres://u:hunter2@a:5432,b:5432/vault?target_session_attrs=standby',
        }),
      (err: Error) => /^DATABASE_URL: /.test(err.message) && !err.message.includes('hunter2'),
    );
    const ok = loadConfig({
      DATABASE_URL: 'postgres://u@a:5432,b:5432/vault?target_session_attrs=read-write',
    });
    assert.equal(
      ok.DATABASE_URL,
      'postgres://u@a:5432,b:5432/vault?target_session_attrs=read-write',
    );
  });

  test('no primary reachable, or a write refused by a read-only server, is "retry shortly"', () => {
    assert.equal(isDatabaseUnavailable(new NoPrimaryError('none')), true);
    assert.equal(
      isDatabaseUnavailable(Object.assign(new Error('read-only transaction'), { code: '25006' })),
      true,
    );
    assert.equal(
      isDatabaseUnavailable(Object.assign(new Error('duplicate key'), { code: '23505' })),
      false,
    );
  });
});

describe('which statements are repeated after a lost connection', () => {
  test('plain reads are; locking reads, stateful calls and every write are not', () => {
    assert.equal(isPlainRead('select "id" from "connected_accounts" where "id" = $1'), true);
    assert.equal(isPlainRead('  SELECT 1'), true);
    for (const text of [
      'select "id" from "connected_accounts" for update skip locked',
      'select id from t for no key update',
      "select nextval('s')",
      'select pg_advisory_lock($1)',
      "select pg_notify('c', 'x')",
      'update "connected_accounts" set "lease_owner" = $1',
      'insert into audit_events select * from unnest($1::text[])',
      'with x as (delete from t returning *) select * from x',
      'delete from t',
    ]) {
      assert.equal(isPlainRead(text), false, text);
    }
  });
});
