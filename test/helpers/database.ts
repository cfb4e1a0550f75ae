import { createHash, randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/pglite';
import pg from 'pg';
import { openDatabase, type Database, type Db } from '../../src/db/client.ts';
import { MIGRATIONS_DIR, migrate } from '../../src/db/migrate.ts';
import * as schema from '../../src/db/schema/index.ts';

/**
 * A database of its own for each test file (or test): in-memory PGlite by default, or — when
 * TEST_DATABASE_URL is set (`npm run test:pg`, CI) — a fresh PostgreSQL database created for it and
 * dropped afterwards, so parallel files and concurrent runs cannot collide.
 *
 * Both start migrated and empty, copied from a template instead of migrated one by one
 * (test/README.md, "What is shared"): on PGlite the dump of a migrated cluster, written once to a
 * file all test processes read; on PostgreSQL `CREATE DATABASE … TEMPLATE` of the run's template
 * database (TEST_DATABASE_TEMPLATE, which scripts/run-tests.mjs names and drops). A copy is as
 * independent as a fresh database; the vault's own migrate step still runs on it and finds
 * nothing to do. On PGlite a dropped database is emptied back to that state (every table of the
 * migrated template is empty: checked) and handed to the next test of the same file.
 */
export async function openTestDatabase(): Promise<{
  database: Database;
  url?: string;
  drop(): Promise<void>;
}> {
  const base = process.env.TEST_DATABASE_URL;
  if (!base) {
    const database = await pooledPglite();
    return { database, drop: () => recycle(database) };
  }
  const template = await postgresTemplate(base);
  const name = `cvt_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  try {
    await admin.query(`create database ${name}${template ? ` template ${template}` : ''}`);
  } finally {
    await admin.end();
  }
  const url = new URL(base);
  url.pathname = `/${name}`;
  const database = await openDatabase({ url: url.toString(), poolMax: 8 });
  return {
    database,
    url: url.toString(),
    async drop() {
      await database.close().catch(() => {});
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

export const usingPostgres = (): boolean => Boolean(process.env.TEST_DATABASE_URL);

/** What the template depends on: the migrations, and (for PGlite's dump format) its version. */
function templateKey(): string {
  const hash = createHash('sha256');
  const require = createRequire(import.meta.url);
  let dir = dirname(require.resolve('@electric-sql/pglite'));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  hash.update(readFileSync(join(dir, 'package.json')));
  const visit = (d: string) => {
    for (const name of readdirSync(d, { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      const p = join(d, name.name);
      if (name.isDirectory()) visit(p);
      else hash.update(`${p.slice(MIGRATIONS_DIR.length)}\n`).update(readFileSync(p));
    }
  };
  visit(MIGRATIONS_DIR);
  return hash.digest('hex').slice(0, 16);
}

// ---- PGlite ------------------------------------------------------------------------------------

let pgliteDump: Promise<Blob> | undefined;

/**
 * The migrated, empty cluster as an uncompressed tar, built by the first test process that needs
 * it and kept in the temporary directory under the key of the migrations that made it (written
 * under a temporary name and renamed: a reader sees a whole file or none). Read once per process.
 */
function migratedPgliteDump(): Promise<Blob> {
  return (pgliteDump ??= (async () => {
    const dir = join(tmpdir(), 'credential-vault-test');
    const file = join(dir, `pglite-${templateKey()}.tar`);
    if (!existsSync(file)) {
      const d = await openDatabase({ dataDir: 'memory' });
      await migrate(d);
      const dump = await d.pglite!.dumpDataDir('none');
      await d.close();
      mkdirSync(dir, { recursive: true });
      const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
      writeFileSync(tmp, Buffer.from(await dump.arrayBuffer()));
      renameSync(tmp, file);
    }
    return new Blob([readFileSync(file)]);
  })());
}

/** An in-memory PGlite loaded from the migrated dump, wrapped as src/db/client.ts wraps one. */
export async function openMigratedPglite(): Promise<Database> {
  const dump = await migratedPgliteDump();
  const { PGlite } = await import('@electric-sql/pglite');
  const client: PGlite = new PGlite({ loadDataDir: dump });
  await client.waitReady;
  const db = drizzle(client, { schema }) as unknown as Db;
  return {
    db,
    kind: 'pglite',
    pglite: client,
    ping: () =>
      db.execute(sql`select 1`).then(
        () => true,
        () => false,
      ),
    close: () => client.close(),
  };
}

/**
 * PGlite databases given back by drop(), emptied, for the next test of this process: loading a
 * cluster costs seconds, emptying one milliseconds. Only databases whose tables were all empty
 * when loaded are kept (then emptying them restores exactly that state).
 */
const idle: { database: Database; timer: NodeJS.Timeout }[] = [];

/**
 * How long an emptied database waits for the next test before it is closed. A loaded PGlite keeps
 * its process alive until closed, so the last one of a file must close for the file to end.
 */
const IDLE_MS = 1_000;
let emptyWhenLoaded: Promise<string[] | undefined> | undefined;

/** The tables of the vault's schema (not drizzle's record of migrations). */
const appTables = async (d: Database) =>
  (
    await d.pglite!.query<{ t: string }>(
      `select quote_ident(table_schema) || '.' || quote_ident(table_name) as t
         from information_schema.tables
        where table_type = 'BASE TABLE' and table_schema = 'public' order by 1`,
    )
  ).rows.map((r) => r.t);

async function pooledPglite(): Promise<Database> {
  const reused = idle.pop();
  if (reused) {
    clearTimeout(reused.timer);
    return reused.database;
  }
  const database = await openMigratedPglite();
  // Once per process: are all tables of a freshly loaded database empty?
  emptyWhenLoaded ??= (async () => {
    const tables = await appTables(database);
    for (const t of tables) {
      const r = await database.pglite!.query<{ n: number }>(`select count(*)::int as n from ${t}`);
      if (r.rows[0]!.n !== 0) return undefined;
    }
    return tables;
  })();
  await emptyWhenLoaded;
  return database;
}

/**
 * Empties a database a test is done with and keeps it for the next one; closes it instead when it
 * cannot be brought back to the loaded state (closed under the vault, seeded tables).
 */
async function recycle(database: Database): Promise<void> {
  const client = database.pglite!;
  const tables = await emptyWhenLoaded;
  if (client.closed) return;
  if (!tables) return database.close();
  try {
    // whatever the last user left open: a transaction, LISTENs, session settings, locks
    await client.exec('rollback');
    await client.exec('discard all');
    if (tables.length) await client.exec(`truncate ${tables.join(', ')} restart identity cascade`);
    const entry = {
      database,
      timer: setTimeout(() => {
        idle.splice(idle.indexOf(entry), 1);
        void database.close().catch(() => {});
      }, IDLE_MS),
    };
    entry.timer.unref();
    idle.push(entry);
  } catch {
    await database.close().catch(() => {});
  }
}

// ---- PostgreSQL --------------------------------------------------------------------------------

let pgTemplate: Promise<string | undefined> | undefined;

/** Any constant the test processes agree on: they take turns making the run's template. */
const TEMPLATE_LOCK = 0x63767474; // "cvtt"

/**
 * The run's migrated template database (TEST_DATABASE_TEMPLATE, named by scripts/run-tests.mjs),
 * made by the first test process that needs it, under an advisory lock; undefined when the run
 * names none (each database is then migrated by the vault, as before). Nothing stays connected to
 * it, which CREATE DATABASE … TEMPLATE requires.
 */
function postgresTemplate(base: string): Promise<string | undefined> {
  return (pgTemplate ??= (async () => {
    const name = process.env.TEST_DATABASE_TEMPLATE;
    if (!name) return undefined;
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad TEST_DATABASE_TEMPLATE ${name}`);
    const admin = new pg.Client({ connectionString: base });
    await admin.connect();
    try {
      await admin.query('select pg_advisory_lock($1)', [TEMPLATE_LOCK]);
      const found = await admin.query('select 1 from pg_database where datname = $1', [name]);
      if (found.rowCount) return name;
      // Built under another name and renamed when whole: a failed build leaves no template.
      const building = `${name}_b${randomBytes(3).toString('hex')}`;
      await admin.query(`create database ${building}`);
      const url = new URL(base);
      url.pathname = `/${building}`;
      const d = await openDatabase({ url: url.toString(), poolMax: 2 });
      try {
        await migrate(d);
      } finally {
        await d.close();
      }
      await admin.query(`alter database ${building} rename to ${name}`);
      return name;
    } finally {
      await admin.query('select pg_advisory_unlock($1)', [TEMPLATE_LOCK]).catch(() => {});
      await admin.end();
    }
  })());
}
