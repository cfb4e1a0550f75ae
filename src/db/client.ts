import type { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../lib/package-root.ts';
import { lockDataDir, makePrivate } from './data-dir.ts';
import { isDatabaseUnavailable, isReadOnlyRefusal } from './errors.ts';
import { clientFor } from './hosts.ts';
import { BLIP_RETRY_MS, isPlainRead, retryWhileUnavailable } from './retry.ts';
import * as schema from './schema/index.ts';

export type Schema = typeof schema;
/** The common drizzle surface of both drivers: every repo is written against this. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
/**
 * A repo function takes the database or an open transaction: the service decides what one
 * transaction holds (docs/house-rules.md#transactions-belong-to-services).
 */
export type DbOrTx = Db | Tx;

export interface Database {
  db: Db;
  kind: 'postgres' | 'pglite';
  /** SELECT 1 with a deadline: readiness. */
  ping(timeoutMs?: number): Promise<boolean>;
  close(): Promise<void>;
  /** the connection string (postgres only): the change feed's own connection defaults to it */
  url?: string;
  /** the underlying pg pool (postgres only): metrics and advisory locks */
  pool?: pg.Pool;
  pglite?: PGlite;
}

export interface DatabaseOptions {
  /** postgres://… ; unset → embedded PGlite */
  url?: string;
  /** PGlite data directory; 'memory' for an in-memory database (tests) */
  dataDir?: string;
  poolMax?: number;
}

/** How long opening a connection may take (each host of a multi-host string, when probing). */
const CONNECT_TIMEOUT_MS = 3_000;

export async function openDatabase(opts: DatabaseOptions): Promise<Database> {
  if (opts.url) {
    // One host or several (`h1:5432,h2:5432`, target_session_attrs): every connection of the pool
    // goes to the server that takes writes, found again after a failover.
    const { Client, connectionString, locator } = clientFor(opts.url, CONNECT_TIMEOUT_MS);
    const pool = new pg.Pool({
      Client: Client as unknown as new () => pg.ClientBase,
      connectionString,
      max: opts.poolMax ?? 16,
      // Fail fast when the database is away: requests answer 503 instead of hanging.
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      query_timeout: 30_000,
      idleTimeoutMillis: 30_000,
      // An idle connection whose server vanished without a word (a host gone, a path cut) is found
      // out by the kernel instead of failing the next query that takes it.
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
    });
    // An idle client losing its server must not crash the process; the pool replaces it. A
    // checked-out one (a request's transaction) gets the same: its query fails with the error,
    // which the request answers as 503, but pg also emits it on the client, where nothing listens.
    pool.on('error', () => {});
    pool.on('connect', (client) => client.on('error', () => {}));
    /** A write refused as read-only: the server was demoted under us; find the primary again. */
    const noticeRefusal = (err: unknown) => {
      if (isReadOnlyRefusal(err)) locator?.forget();
    };
    // A single statement outside a transaction that only reads is run again when its connection
    // died or no primary was reachable, for a short while (a connection that died idle, a
    // failover's last moments); anything else fails as it did. See retry.ts for what is safe.
    const query = pool.query.bind(pool) as (...args: unknown[]) => Promise<unknown>;
    pool.query = ((...args: unknown[]) => {
      const first = args[0] as string | { text?: string } | undefined;
      const text = typeof first === 'string' ? first : first?.text;
      // The callback form (nothing here uses it) is passed through as it is.
      if (typeof args[args.length - 1] === 'function') return query(...args);
      const once = () =>
        query(...args).catch((err: unknown) => {
          noticeRefusal(err);
          throw err;
        });
      if (!text || !isPlainRead(text)) return once();
      return retryWhileUnavailable(once, { forMs: BLIP_RETRY_MS });
    }) as typeof pool.query;
    const db = drizzlePg(pool, { schema }) as unknown as Db;
    // drizzle's pool transaction sends BEGIN before its try/finally, so a BEGIN on a connection
    // that died while idle never gives the client back: the pool leaks it and `end()` waits for
    // it forever. Here the client is checked out, used and released (destroyed when it broke) by
    // the one function that owns it.
    const transaction: Db['transaction'] = async (fn, config) => {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        return await (drizzlePg(client, { schema }) as unknown as Db).transaction(fn, config);
      } catch (err) {
        if (isDatabaseUnavailable(err)) broken = err as Error;
        noticeRefusal(err);
        throw err;
      } finally {
        client.release(broken);
      }
    };
    Object.assign(db, { transaction });
    return {
      db,
      kind: 'postgres',
      url: opts.url,
      pool,
      ping: (timeoutMs = 2_000) => withDeadline(db.execute(sql`select 1`), timeoutMs),
      close: () => pool.end(),
    };
  }
  const dataDir = opts.dataDir ?? './data';
  // Loaded only for the embedded engine: a PostgreSQL process never pays for it.
  const { PGlite } = await import('@electric-sql/pglite');
  if (dataDir === 'memory') return pgliteDatabase(new PGlite(), async () => {});
  // Locked and made private before PGlite reads or writes a byte of it (see data-dir.ts).
  const release = lockDataDir(dataDir);
  try {
    makePrivate(dataDir);
    const pgdata = `${dataDir.replace(/\/+$/, '')}/pgdata`;
    return await pgliteDatabase(new PGlite(pgdata, firstStartOptions(pgdata)), async () => {
      // PGlite creates its files world-readable; the 0700 folder already shuts others out.
      makePrivate(dataDir);
      release();
    });
  } catch (err) {
    release();
    throw err;
  }
}

/**
 * A first start (no cluster in DATA_DIR yet) loads the empty cluster the build made
 * (dist/pglite-initdb.tar.gz) instead of running initdb: seconds faster. Without it, initdb runs.
 */
function firstStartOptions(pgdata: string): { loadDataDir?: Blob } {
  if (existsSync(join(pgdata, 'PG_VERSION'))) return {};
  const template = join(packageRoot(import.meta.url), 'dist', 'pglite-initdb.tar.gz');
  return existsSync(template) ? { loadDataDir: new Blob([readFileSync(template)]) } : {};
}

async function pgliteDatabase(client: PGlite, afterClose: () => Promise<void>): Promise<Database> {
  await client.waitReady;
  const { drizzle: drizzlePglite } = await import('drizzle-orm/pglite');
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  return {
    db,
    kind: 'pglite',
    pglite: client,
    ping: (timeoutMs = 2_000) => withDeadline(db.execute(sql`select 1`), timeoutMs),
    close: async () => {
      await client.close();
      await afterClose();
    },
  };
}

async function withDeadline(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([p.then(() => true), deadline]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
