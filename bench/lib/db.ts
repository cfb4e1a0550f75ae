// Fresh databases per bench run: a PostgreSQL database of its own (dropped at the end) or a PGlite dir.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { loadConfig } from '../../src/config.ts';
import { openDatabase, type Database, type Db } from '../../src/db/client.ts';

/** Runs one SQL statement; both pg and PGlite answer `{ rows }`. */
export type Sql = <R = Record<string, unknown>>(text: string, params?: unknown[]) => Promise<R[]>;

export interface BenchDb {
  kind: 'postgres' | 'pglite';
  /** DATABASE_URL for the vault (postgres) */
  url?: string;
  /** DATA_DIR for the vault (pglite) */
  dataDir?: string;
  drop(): Promise<void>;
}

const created = new Set<() => Promise<void>>();

export async function createPgDatabase(base: string, label: string): Promise<BenchDb> {
  const name = `cvb_${process.pid}_${label}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  const drop = async () => {
    created.delete(drop);
    const c = new pg.Client({ connectionString: base });
    await c.connect();
    await c.query(`drop database if exists ${name} with (force)`);
    await c.end();
  };
  created.add(drop);
  return { kind: 'postgres', url: url.toString(), drop };
}

export function createPgliteDir(): BenchDb {
  const dataDir = mkdtempSync(join(tmpdir(), 'cvb-pglite-'));
  const drop = async () => {
    created.delete(drop);
    rmSync(dataDir, { recursive: true, force: true });
  };
  created.add(drop);
  return { kind: 'pglite', dataDir, drop };
}

/** Drops whatever is left (error paths). */
export async function dropAll(): Promise<void> {
  for (const d of [...created]) await d().catch(() => undefined);
}

/** A SQL connection to the bench database (PGlite: only while no vault process holds the dir). */
export async function connect(db: BenchDb): Promise<{ sql: Sql; close(): Promise<void> }> {
  if (db.kind === 'postgres') {
    const pool = new pg.Pool({ connectionString: db.url, max: 4 });
    return {
      sql: async <R>(text: string, params?: unknown[]) =>
        (await pool.query(text, params as unknown[])).rows as R[],
      close: () => pool.end(),
    };
  }
  const database = await openDatabase({ dataDir: db.dataDir });
  const lite = database.pglite!;
  return {
    sql: async <R>(text: string, params?: unknown[]) =>
      (await lite.query(text, params as unknown[])).rows as R[],
    close: () => database.close(),
  };
}

/** The vault's `Database` over a bench's own pg pool, as `createDeps` takes it. */
export const pgDatabase = (pool: pg.Pool, db: Db): Database => ({
  db,
  kind: 'postgres',
  pool,
  ping: async () => true,
  close: () => pool.end(),
});

/** The vault's production config on a bench database, with a throwaway master key. */
export const benchConfig = (url: string, extra: Record<string, string> = {}) =>
  loadConfig({
    NODE_ENV: 'production',
    DATABASE_URL: url,
    VAULT_MASTER_KEYS: `k1:${randomBytes(32).toString('base64')}`,
    LOG_LEVEL: 'warn',
    ...extra,
  });
