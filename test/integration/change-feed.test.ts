import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import {
  parseChange,
  pgChangeFeed,
  pgliteChangeFeed,
  type Change,
  type ChangeFeed,
} from '../../src/db/changes.ts';
import { openDatabase } from '../../src/db/client.ts';
import { openTestDatabase } from '../helpers/database.ts';
import { startTcpProxy } from '../helpers/tcp-proxy.ts';

/**
 * The change feed itself, its LISTEN connection through a TCP proxy that can go silent (a NAT or a
 * firewall dropping the connection without a word). The caches' promise rests on `live`: a change
 * committed at C is never served after C + 1 s, so from then on the feed must either have delivered
 * it or say it is not live.
 */
const skip = process.env.TEST_DATABASE_URL ? false : 'needs PostgreSQL (run `npm run test:pg`)';
if (skip) process.stderr.write(`\n*** change-feed PostgreSQL tests skipped: ${skip} ***\n`);

/** what a feed delivered, and whether it said it was live at the moment each change arrived */
const watch = (feed: ChangeFeed) => {
  const seen = { changes: [] as Change[], liveOnArrival: [] as boolean[], resets: 0 };
  feed.subscribe({
    change: (c) => {
      seen.changes.push(c);
      seen.liveOnArrival.push(feed.live);
    },
    reset: () => seen.resets++,
  });
  return seen;
};

async function until(label: string, ok: () => boolean | Promise<boolean>, ms = 10_000) {
  const end = Date.now() + ms;
  while (!(await ok())) {
    assert.ok(Date.now() < end, label);
    await sleep(10);
  }
}

/**
 * Reads `live` every few ms from now until `ms` after the commit, and returns the last instant
 * (performance.now()) it was true, or -Infinity.
 */
async function lastLive(feed: ChangeFeed, commitAt: number, ms: number) {
  let last = -Infinity;
  while (performance.now() < commitAt + ms) {
    if (feed.live) last = performance.now();
    await sleep(5);
  }
  return last;
}

describe('the PostgreSQL change feed on a silent connection', { skip, concurrency: false }, () => {
  let db: Awaited<ReturnType<typeof openTestDatabase>>;
  let notifier: pg.Client;
  before(async () => {
    db = await openTestDatabase();
    notifier = new pg.Client({ connectionString: db.url });
    await notifier.connect();
  });
  after(async () => {
    await notifier?.end();
    await db?.drop();
  });

  /** commits an announcement; returns when the commit has returned (performance.now()) */
  const notify = async (id: string) => {
    await notifier.query(`select pg_notify('cv_changes', $1)`, [`ca:t1:${id}`]);
    return performance.now();
  };
  const heard = (seen: { changes: Change[] }, id: string) => seen.changes.some((c) => c.id === id);
  /** the server sessions of this file's feeds (their statements carry the feed's marker) */
  const feedSessions = async () =>
    (
      await notifier.query<{ pid: number }>(
        `select pid from pg_stat_activity
          where datname = current_database() and pid <> pg_backend_pid() and query like '%cv_changes %'`,
      )
    ).rows.map((r) => r.pid);

  async function proxiedFeed(t: { after(fn: () => unknown): void }, dropAfterMs?: number) {
    const url = new URL(db.url!);
    const proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
    url.hostname = '127.0.0.1';
    url.port = String(proxy.port);
    const errors: string[] = [];
    const feed = pgChangeFeed(url.toString(), {
      onError: (e) => errors.push((e as Error).message),
      dropAfterMs,
    });
    const seen = watch(feed);
    t.after(async () => {
      await feed.stop();
      proxy.close();
    });
    await feed.start();
    assert.equal(feed.live, true, 'live once subscribed');
    assert.equal(seen.resets, 1, 'subscribing resets the caches');
    await notify('warm');
    await until('a change is delivered', () => heard(seen, 'warm'));
    return { feed, proxy, seen, errors };
  }

  test('silent both ways: not live 1 s after a commit it cannot deliver; back once the path is', async (t) => {
    const { feed, proxy, seen, errors } = await proxiedFeed(t);
    proxy.silence('all');
    const commitAt = await notify('lost');
    const last = await lastLive(feed, commitAt, 1_500);
    assert.ok(
      last < commitAt + 1_000,
      `live ${Math.round(last - commitAt)} ms after a commit it did not deliver`,
    );
    assert.equal(heard(seen, 'lost'), false, 'the proxy really was silent');

    // The unanswered ping gives the connection up; new ones hang like the old one.
    await until('the feed gave the connection up', () => errors.some((m) => /no answer/.test(m)));
    for (let i = 0; i < 20; i++) {
      assert.equal(feed.live, false, 'not live while nothing gets through');
      await sleep(25);
    }

    proxy.resume();
    await until('subscribed again', () => feed.live, 15_000);
    assert.equal(seen.resets, 2, 'a new subscription resets the caches (a change was missed)');
    await notify('after');
    await until('changes are delivered again', () => heard(seen, 'after'));
  });

  test('a NAT that forgets the connection: the feed reconnects on its own and ends the session it left', async (t) => {
    const { feed, proxy, seen } = await proxiedFeed(t);
    // (the sessions of the tests before this one may take a moment to go)
    await until('one feed session', async () => (await feedSessions()).length === 1);
    const [old] = await feedSessions();
    proxy.silence('open');
    const commitAt = await notify('lost');
    const last = await lastLive(feed, commitAt, 1_100);
    assert.ok(last < commitAt + 1_000, `live ${Math.round(last - commitAt)} ms after the commit`);

    await until('reconnected without help', () => feed.live, 15_000);
    assert.equal(seen.resets, 2);
    await notify('after');
    await until('changes are delivered again', () => heard(seen, 'after'));
    // The old session still sits behind the silent proxy, yet the server lets it go.
    await until('the abandoned session was ended', async () => {
      const now = await feedSessions();
      return now.length === 1 && now[0] !== old;
    });
  });

  test('a silence shorter than the deadline: live again on the same connection, nothing missed', async (t) => {
    const { feed, proxy, seen, errors } = await proxiedFeed(t, 60_000);
    proxy.silence('all');
    const commitAt = await notify('held');
    const last = await lastLive(feed, commitAt, 1_100);
    assert.ok(last < commitAt + 1_000, `live ${Math.round(last - commitAt)} ms after the commit`);

    proxy.resume();
    await until('live again', () => feed.live);
    // The change held back reached the feed before the ping answer that made it live again.
    const i = seen.changes.findIndex((c) => c.id === 'held');
    assert.ok(i >= 0, 'the held-back change was delivered');
    assert.equal(seen.liveOnArrival[i], false, 'live again before the held-back change arrived');
    assert.equal(seen.resets, 1, 'same connection: nothing was missed, nothing to reset');
    assert.deepEqual(errors, []);
  });

  test('stopping does not wait on a silent connection', { timeout: 20_000 }, async (t) => {
    const { feed, proxy } = await proxiedFeed(t);
    proxy.silence('all');
    await feed.stop();
    assert.equal(feed.live, false);
  });
});

test('PGlite: one process, nothing to lose: always live once started, delivers at once', async (t) => {
  const database = await openDatabase({ dataDir: 'memory' });
  const feed = pgliteChangeFeed(database);
  t.after(async () => {
    await feed.stop();
    await database.close();
  });
  const seen = watch(feed);
  assert.equal(feed.live, false, 'not live before it has subscribed');
  await feed.start();
  assert.equal(feed.live, true);
  assert.equal(seen.resets, 1);
  await database.pglite!.query(`select pg_notify('cv_changes', 'key:t1:k1')`);
  await until('delivered', () => seen.changes.length > 0);
  assert.deepEqual(seen.changes, [parseChange('key:t1:k1')]);
  await sleep(1_100);
  assert.equal(feed.live, true, 'no ping, no window: still live');
});
