import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { pgChangeFeed } from '../../src/db/changes.ts';
import { openDatabase } from '../../src/db/client.ts';
import { isDatabaseUnavailable } from '../../src/db/errors.ts';
import { openTestDatabase } from '../helpers/database.ts';
import { freePort } from '../helpers/process.ts';
import { startTcpProxy } from '../helpers/tcp-proxy.ts';

/**
 * Multi-host connection strings against the machine's PostgreSQL, each "host" a TCP proxy to it:
 * the vault takes the first host that answers and takes writes, finds another when that one goes,
 * repeats a read caught in the switch but never a write, and its LISTEN connection follows.
 * (test:ha does the same through a real failover.) PGlite has no connection string.
 */
const skip = process.env.TEST_DATABASE_URL ? false : 'needs PostgreSQL (run `npm run test:pg`)';
if (skip) process.stderr.write(`\n*** multi-host connection tests skipped: ${skip} ***\n`);

async function until(label: string, ok: () => boolean | Promise<boolean>, ms = 15_000) {
  const end = Date.now() + ms;
  while (!(await ok())) {
    assert.ok(Date.now() < end, label);
    await sleep(20);
  }
}

describe('multi-host connection strings', { skip, concurrency: false }, () => {
  let own: Awaited<ReturnType<typeof openTestDatabase>>;
  let target: URL;
  before(async () => {
    own = await openTestDatabase();
    const admin = new pg.Client({ connectionString: own.url });
    await admin.connect();
    await admin.query('create table hosts_probe (id serial primary key, note text)');
    await admin.end();
    target = new URL(own.url!);
  });
  after(() => own?.drop());

  const proxy = () => startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
  const urlOf = (ports: number[], attrs = 'read-write') => {
    const u = new URL(own.url!);
    return `postgres://${u.username}${u.password ? `:${u.password}` : ''}@${ports
      .map((p) => `127.0.0.1:${p}`)
      .join(',')}${u.pathname}?target_session_attrs=${attrs}`;
  };

  test('a host that refuses is passed over; reads, writes and the LISTEN connection use the next', async (t) => {
    const dead = await freePort();
    const b = await proxy();
    t.after(() => b.close());
    const url = urlOf([dead, b.port]);
    const database = await openDatabase({ url, poolMax: 2 });
    t.after(() => database.close());
    await database.pool!.query(`insert into hosts_probe (note) values ('first')`);
    const r = await database.pool!.query('select count(*)::int as n from hosts_probe');
    assert.ok(r.rows[0].n >= 1);

    const feed = pgChangeFeed(url);
    const heard: string[] = [];
    feed.subscribe({ change: (c) => heard.push(c.id), reset: () => {} });
    await feed.start();
    t.after(() => feed.stop());
    assert.equal(feed.live, true);
    await database.pool!.query(`select pg_notify('cv_changes', 'ca:t1:via-b')`);
    await until('the change arrived', () => heard.includes('via-b'));
  });

  test('the primary moves: a read caught in the switch is repeated, a write is not; the feed follows', async (t) => {
    const a = await proxy();
    const b = await proxy();
    t.after(() => {
      a.close();
      b.close();
    });
    await b.down(); // only A answers at first
    const url = urlOf([a.port, b.port]);
    const database = await openDatabase({ url, poolMax: 2 });
    t.after(() => database.close());
    const feed = pgChangeFeed(url);
    let resets = 0;
    const heard: string[] = [];
    feed.subscribe({ change: (c) => heard.push(c.id), reset: () => resets++ });
    await feed.start();
    t.after(() => feed.stop());
    await database.pool!.query('select 1');
    assert.equal(resets, 1);

    // A goes away; for a moment no host answers, then B does.
    await a.down();
    const write = database.pool!.query(`insert into hosts_probe (note) values ('in the gap')`);
    const read = database.pool!.query('select count(*)::int as n from hosts_probe');
    const outcome = await write.then(
      () => 'written',
      (err: unknown) => (isDatabaseUnavailable(err) ? 'unavailable' : String(err)),
    );
    await b.up();
    assert.equal(outcome, 'unavailable', 'a write whose connection failed is not repeated');
    assert.ok((await read).rows[0].n >= 0, 'the read waited for the new host');
    const gapRows = await database.pool!.query(
      `select count(*)::int as n from hosts_probe where note = 'in the gap'`,
    );
    assert.equal(gapRows.rows[0].n, 0, 'nothing written twice, nor once');

    // The feed reconnects through B, starts over (caches reset) and hears changes again.
    await until('the feed re-subscribed through the new host', () => resets === 2 && feed.live);
    await database.pool!.query(`select pg_notify('cv_changes', 'ca:t1:after-switch')`);
    await until('a change after the switch arrived', () => heard.includes('after-switch'));
  });

  test('read-write passes over a server that takes no writes; with none left it is "retry shortly"', async (t) => {
    const a = await proxy();
    t.after(() => a.close());
    const admin = new pg.Client({ connectionString: own.url });
    await admin.connect();
    const dbName = new URL(own.url!).pathname.slice(1);
    await admin.query(`alter database ${dbName} set default_transaction_read_only = on`);
    t.after(async () => {
      await admin.query(`alter database ${dbName} reset default_transaction_read_only`);
      await admin.end();
    });

    const rw = await openDatabase({ url: urlOf([a.port]), poolMax: 1 });
    t.after(() => rw.close());
    const refused = await rw.pool!.query('select 1').then(
      () => undefined,
      (err: unknown) => err,
    );
    assert.ok(refused, 'no connection to a read-only server');
    assert.equal(isDatabaseUnavailable(refused), true);
    assert.match((refused as Error).message, /takes writes/);

    // target_session_attrs=any takes it as it is.
    const any = await openDatabase({ url: urlOf([a.port], 'any'), poolMax: 1 });
    t.after(() => any.close());
    assert.equal((await any.pool!.query('select 1 as one')).rows[0].one, 1);
  });
});
