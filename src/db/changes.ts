import pg from 'pg';
import type { Database } from './client.ts';

/** What changed (the payload of the cv_changes triggers, migration 0011). */
export interface Change {
  kind: 'ca' | 'ac' | 'key' | 'tn' | 'dk';
  tenantId: string;
  id: string;
  /** for accounts: their auth config */
  configId?: string;
}

const CHANNEL = 'cv_changes';

export function parseChange(payload: string): Change | null {
  const [kind, tenantId = '', id = '', configId] = payload.split(':');
  if (kind !== 'ca' && kind !== 'ac' && kind !== 'key' && kind !== 'tn' && kind !== 'dk')
    return null;
  return { kind, tenantId, id, configId };
}

/**
 * The database's announcements of committed changes, for the caches of this process. `live` is
 * true only while subscribed: a cache serves entries only then (fail closed), and everything it
 * holds is dropped when the subscription (re)starts, since changes may have been missed meanwhile.
 */
export interface ChangeFeed {
  readonly live: boolean;
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

/**
 * PostgreSQL: a dedicated connection (never the pool's, never a transaction-mode pooler) that
 * LISTENs; a lost connection turns the feed off until it has reconnected and re-subscribed, and a
 * periodic ping notices a connection that died without a word.
 */
export function pgChangeFeed(
  url: string,
  opts: { onError?: (err: unknown) => void; pingMs?: number } = {},
): ChangeFeed {
  const out = fanOut();
  let live = false;
  let client: pg.Client | undefined;
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;
  let ping: NodeJS.Timeout | undefined;
  let backoff = 100;

  const drop = (c: pg.Client) => {
    if (client !== c) return;
    live = false;
    client = undefined;
    clearInterval(ping);
    c.removeAllListeners('notification');
    void c.end().catch(() => {});
    if (!stopped) retry = setTimeout(connect, backoff);
    backoff = Math.min(backoff * 2, 5_000);
  };

  async function connect(): Promise<void> {
    if (stopped) return;
    const c = new pg.Client({
      connectionString: url,
      connectionTimeoutMillis: 3_000,
      keepAlive: true,
    });
    client = c;
    c.on('error', (err) => {
      opts.onError?.(err);
      drop(c);
    });
    c.on('end', () => drop(c));
    try {
      await c.connect();
      c.on('notification', (n) => {
        if (n.channel === CHANNEL && n.payload) out.change(n.payload);
      });
      await c.query(`LISTEN ${CHANNEL}`);
      if (client !== c) return;
      // Subscribed again: whatever was cached before may have missed a change.
      out.reset();
      live = true;
      backoff = 100;
      ping = setInterval(() => {
        const deadline = setTimeout(() => drop(c), 2_000);
        c.query('select 1').then(
          () => clearTimeout(deadline),
          () => drop(c),
        );
      }, opts.pingMs ?? 5_000);
      ping.unref();
    } catch (err) {
      opts.onError?.(err);
      drop(c);
    }
  }

  return {
    get live() {
      return live;
    },
    subscribe: (l) => void out.listeners.push(l),
    publish: (c) => out.publish(c),
    start: () => connect(),
    async stop() {
      stopped = true;
      live = false;
      clearTimeout(retry);
      clearInterval(ping);
      const c = client;
      client = undefined;
      await c?.end().catch(() => {});
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
