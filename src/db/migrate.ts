import { join } from 'node:path';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import { packageRoot } from '../lib/package-root.ts';
import type { Database, Tx } from './client.ts';

// Found from the package root: this module runs from src/db/ under tsx and bundled into dist/.
export const MIGRATIONS_DIR = join(packageRoot(import.meta.url), 'migrations');

// Any constant shared by every process of this service: replicas starting together take turns.
const MIGRATION_LOCK = 0x63765f6d; // "cv_m"

/**
 * Applies migrations/ (drizzle-kit output). On PostgreSQL, under an advisory lock so that several
 * replicas starting at once do not race; `then` runs under the same lock (first-start bootstrap).
 */
export async function migrate(database: Database, then?: (tx: Tx) => Promise<void>): Promise<void> {
  if (database.kind === 'pglite') {
    await migratePglite(database.db as unknown as PgliteDatabase, {
      migrationsFolder: MIGRATIONS_DIR,
    });
    if (then) await database.db.transaction(then);
    return;
  }
  const pool = database.pool!;
  const lockClient = await pool.connect();
  try {
    await lockClient.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await migratePg(database.db as unknown as NodePgDatabase, { migrationsFolder: MIGRATIONS_DIR });
    if (then) await database.db.transaction(then);
  } finally {
    await lockClient.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {});
    lockClient.release();
  }
}
