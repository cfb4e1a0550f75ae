import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import type { Database } from './client.ts';
import { clientFor } from './hosts.ts';

/** What changed (the payload of the cv_changes triggers, migration 0011). */
export interface Change {
  /** ti: a trusted issuer (migration 0015) */
  kind: 'ca' | 'ac' | 'key' | 'tn' | 'dk' | 'ti';
  tenantId: string;
  id: string;
  /** for accounts: their auth config */
  configId?: string;
}

const CHANNEL = 'cv_changes';

export function parseChange(payload: string): Change | null {
  const [kind, tenantId = '', id = '', configId] = payload.split(':');
  if (
    kind !== 'ca' &&
    kind !== 'ac' &&
    kind !== 'key' &&
    kind !== 'tn' &&
    kind !== 'dk' &&
    kind !== 'ti'
  )
    return null;
  return { kind, tenantId, id, configId };
}

/**
 * The database's announcements of committed changes, for the caches of this process. A cache
 * serves entries only while the feed is `live` (fail closed), and everything it holds is dropped
 * when the subscription (re)starts, since changes may have been missed meanwhile.
 */
export interface ChangeFeed {
  /**
   * True only while subscribed and recently proven to be receiving: every change committed more
   * than a second ago has been delivered. Cheap enough to ask on every cached read.
   */
  readonly live: boolean;
  /**
   * True while connected and subscribed, however long ago the last ping came back: enough for what
   * only needs "every announcement will arrive, if late" (the set of usable key ids), and steadier
   * than `live` on a process whose event loop is busy.
   */
  readonly subscribed: boolean;
  subscribe(listener: { change(c: Change): void; reset(): void }): void;
  /**
   * A change this process just committed, applied to its own caches at once (the database's
   * announcement of it follows, and is harmless twice).
   */
  publish(c: Change): void;
  start(): Promise<void>;
  stop(): Promise<void>;
}

interface Listener {
  change(c: Change): void;
  reset(): void;
}

function fanOut() {
  const listeners: Listener[] = [];
  return {
    listeners,
    change(payload: string) {
      const c = parseChange(payload);
      if (c) this.publish(c);
    },
    publish(c: Change) {
      for (const l of listeners) l.change(c);
    },
    reset() {
      for (const l of listeners) l.reset();
    },
  };
}

/** How often the LISTEN connection is pinged. */
const PING_EVERY_MS = 250;

/**
 * How long an answered ping vouches for the feed: `live` holds only while the last ping that came
 * back was *sent* less than this long ago.
 *
 * Why that keeps the promise "a change committed through any replica is honoured everywhere within
 * 1 s of its commit": PostgreSQL signals the listening sessions while the notifying transaction
 * commits (before its own client hears the commit), and a listening session sends the pending
 * notifications before it answers its next query (an idle one sends them at once). They share one
 * TCP stream with the ping's answer, in order, and pg emits each notification (the caches drop the
 * entry there and then) before it resolves the query. So once a ping sent at S is answered, every
 * change committed before S has been applied here. A cache serves at T only while some answered
 * ping has T - S < PROVEN_FOR_MS; a change committed at C <= S was applied already, and one committed
 * after S has T < S + PROVEN_FOR_MS < C + PROVEN_FOR_MS. Nothing is served from a cache 750 ms after
 * the commit that changed it; the rest of the second is left for a request already past its check.
 * With a ping every 250 ms the proof is at most one interval plus one round trip old, so a late
 * ping or two (a busy event loop, a slow round trip) is tolerated before the caches step aside.
 *
 * The clock is the process's monotonic one, never the injected clock: this measures real time.
 */
const PROVEN_FOR_MS = 750;

/**
 * A request on the LISTEN connection unanswered this long (the connection died without a word, or
 * the subscription never completed): the connection is given up and a new one opened.
 */
const DROP_AFTER_MS = 2_000;

/** Sessions given up on whose server side we try to end: bounded if reconnecting keeps failing. */
const MAX_ABANDONED = 32;

/**
 * Ends a client without waiting on a silent peer: pg says goodbye, and destroys the socket itself
 * only when a query is outstanding; an idle connection whose path is dead would never answer.
 */
async function close(c: pg.Client) {
  const cut = setTimeout(() => c.connection.stream.destroy(), 1_000);
  await c.end().catch(() => {});
  clearTimeout(cut);
}

interface Session {
  pid: number;
  started: string;
}

/**
 * PostgreSQL: a dedicated connection (never the pool's, never a transaction-mode pooler) that
 * LISTENs, pinged every PING_EVERY_MS. The caches serve only while a ping has come back recently
 * (see PROVEN_FOR_MS); a ping unanswered for DROP_AFTER_MS, or a connection that closes, turns the
 * feed off until it has reconnected and re-subscribed (which resets the caches).
 */
export function pgChangeFeed(
  url: string,
  opts: { onError?: (err: unknown) => void; dropAfterMs?: number } = {},
): ChangeFeed {
  const out = fanOut();
  const dropAfterMs = opts.dropAfterMs ?? DROP_AFTER_MS;
  const { Client, connectionString } = clientFor(url, 3_000);
  // Every statement on this connection carries a marker of this feed, so that a session it gave up
  // on can be told apart (in pg_stat_activity) from any other, even from one a pooler handed on.
  const marker = `cv_changes ${randomBytes(6).toString('hex')}`;
  const pingSql = `select '${marker}'`;
  const whoSql = `select pid, backend_start::text as started, '${marker}' from pg_stat_activity where pid = pg_backend_pid()`;
  /** when the last answered ping (or the LISTEN) was sent; -Infinity while not subscribed */
  let provenAt = -Infinity;
  /** between a LISTEN that succeeded and the connection's drop (or stop) */
  let isSubscribed = false;
  /** when the request now outstanding on the connection was sent (undefined: none) */
  let waitingSince: number | undefined;
  let client: pg.Client | undefined;
  let session: Session | undefined;
  const abandoned: Session[] = [];
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;
  let nextPing: NodeJS.Timeout | undefined;
  let watchdog: NodeJS.Timeout | undefined;
  let backoff = 100;

  const drop = (c: pg.Client) => {
    if (client !== c) return;
    // `provenAt` stays: every change committed before it was applied here, so the caches may go on
    // serving until PROVEN_FOR_MS after it, as if the connection were merely slow, and not a
    // moment longer. A database blip (a failover, a restart) then costs cached answers nothing for
    // that long; the subscription that follows resets the caches.
    waitingSince = undefined;
    isSubscribed = false;
    client = undefined;
    clearTimeout(nextPing);
    clearInterval(watchdog);
    if (session) abandoned.push(session);
    if (abandoned.length > MAX_ABANDONED) abandoned.shift();
    session = undefined;
    c.removeAllListeners('notification');
    void close(c);
    if (!stopped) retry = setTimeout(connect, backoff);
    // Reconnecting is cheap and, while the feed is down, every cached read goes to the database:
    // at most a second between attempts, so the caches are back soon after the database is.
    backoff = Math.min(backoff * 2, 1_000);
  };
  const fail = (c: pg.Client, err: unknown) => {
    if (client === c) opts.onError?.(err);
    drop(c);
  };

  const ping = (c: pg.Client) => {
    const sentAt = performance.now();
    waitingSince = sentAt;
    c.query(pingSql).then(
      () => {
        if (client !== c) return;
        provenAt = sentAt;
        waitingSince = undefined;
        nextPing = setTimeout(ping, PING_EVERY_MS - (performance.now() - sentAt), c);
        nextPing.unref();
      },
      (err: unknown) => fail(c, err),
    );
  };

  /**
   * A session given up on while its path was silent lives on at the server (holding a connection
   * slot, and holding back the notification queue) until TCP there gives up, which can take hours.
   * Once a new connection gets through, end them: only those whose last statement was this feed's.
   */
  const endAbandoned = async (c: pg.Client) => {
    const gone = abandoned.splice(0);
    if (gone.length === 0) return;
    await c
      .query(
        `select pg_terminate_backend(a.pid) from pg_stat_activity a
           join unnest($1::int[], $2::timestamptz[]) as s(pid, started)
             on a.pid = s.pid and a.backend_start = s.started
          where a.pid <> pg_backend_pid() and position($3 in a.query) > 0`,
        [gone.map((s) => s.pid), gone.map((s) => s.started), marker],
      )
      .catch(() => {});
  };

  async function connect(): Promise<void> {
    if (stopped) return;
    // Through a multi-host string this finds the primary (NOTIFY is not sent on standbys), again
    // after each failover.
    const c = new Client({
      connectionString,
      connectionTimeoutMillis: 3_000,
      // A second line behind the pings: the kernel probes a socket idle for 1 s (how often and how
      // many times is the system's setting), so even a feed whose timers stall finds out.
      keepAlive: true,
      keepAliveInitialDelayMillis: 1_000,
    });
    client = c;
    c.on('error', (err) => fail(c, err));
    c.on('end', () => drop(c));
    try {
      await c.connect();
      if (client !== c) return;
      // The subscription itself must complete within the deadline too.
      waitingSince = performance.now();
      watchdog = setInterval(() => {
        if (waitingSince !== undefined && performance.now() - waitingSince > dropAfterMs)
          fail(
            c,
            new Error(`change feed: no answer on the LISTEN connection in ${dropAfterMs} ms`),
          );
      }, PING_EVERY_MS);
      watchdog.unref();
      c.on('notification', (n) => {
        if (n.channel === CHANNEL && n.payload) out.change(n.payload);
      });
      session = (await c.query<Session>(whoSql)).rows[0];
      const sentAt = performance.now();
      await c.query(`LISTEN ${CHANNEL} /* ${marker} */`);
      await endAbandoned(c);
      if (client !== c) return;
      // Subscribed again: whatever was cached before may have missed a change.
      out.reset();
      provenAt = sentAt;
      isSubscribed = true;
      waitingSince = undefined;
      backoff = 100;
      nextPing = setTimeout(ping, PING_EVERY_MS, c);
      nextPing.unref();
    } catch (err) {
      fail(c, err);
    }
  }

  return {
    get live() {
      // On the token path (every cached read): one clock read, one subtraction, one comparison.
      return performance.now() - provenAt < PROVEN_FOR_MS;
    },
    get subscribed() {
      return isSubscribed;
    },
    subscribe: (l) => void out.listeners.push(l),
    publish: (c) => out.publish(c),
    start: () => connect(),
    async stop() {
      stopped = true;
      provenAt = -Infinity;
      isSubscribed = false;
      clearTimeout(retry);
      clearTimeout(nextPing);
      clearInterval(watchdog);
      const c = client;
      client = undefined;
      if (c) await close(c);
    },
  };
}

/** PGlite: one process, one database; its LISTEN never drops. */
export function pgliteChangeFeed(database: Database): ChangeFeed {
  const out = fanOut();
  let live = false;
  let unlisten: (() => Promise<void>) | undefined;
  return {
    get live() {
      return live;
    },
    get subscribed() {
      return live;
    },
    subscribe: (l) => void out.listeners.push(l),
    publish: (c) => out.publish(c),
    async start() {
      unlisten = await database.pglite!.listen(CHANNEL, (payload) => out.change(payload));
      out.reset();
      live = true;
    },
    async stop() {
      live = false;
      await unlisten?.().catch(() => {});
    },
  };
}
