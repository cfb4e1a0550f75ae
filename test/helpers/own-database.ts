import { openTestDatabase } from './database.ts';
import type { TestDatabase } from './vault.ts';

/**
 * A database of one test's own, on either engine: a copy of the migrated template, as
 * openTestDatabase makes one for a file (test/helpers/database.ts). Kept as its own name for the
 * tests that say "this test owns its database".
 */
export function openOwnDatabase(): Promise<TestDatabase> {
  return openTestDatabase();
}
