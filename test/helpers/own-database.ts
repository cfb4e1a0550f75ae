import type { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/pglite';
import { openDatabase, type Database, type Db } from '../../src/db/client.ts';
import { migrate } from '../../src/db/migrate.ts';
import * as schema from '../../src/db/schema/index.ts';
import { openTestDatabase } from './database.ts';
import type { TestDatabase } from './vault.ts';

// One migrated, empty PGlite per test process, never written after its migration: the only
// thing the tests of a file share. Booting PGlite is most of a fixture's cost; a clone of this
// template is a third of it, and as independent as a fresh database.
let template: Promise<PGlite> | undefined;

const migratedTemplate = () =>
  (template ??= (async () => {
    const d = await openDatabase({ dataDir: 'memory' });
    await migrate(d);
    return d.pglite!;
  })());

/**
 * A database of one test's own: on PGlite a clone of the migrated template, on PostgreSQL
 * (TEST_DATABASE_URL) a fresh database as openTestDatabase makes it. The vault's own migrate step
 * still runs on it (and finds nothing to do).
 */
export async function openOwnDatabase(): Promise<TestDatabase> {
  if (process.env.TEST_DATABASE_URL) return openTestDatabase();
  const client = (await (await migratedTemplate()).clone()) as PGlite;
  // What src/db/client.ts builds around an in-memory PGlite, around the clone.
  const db = drizzle(client, { schema }) as unknown as Db;
  const database: Database = {
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
  return { database, drop: () => database.close() };
}
