import { sql, type SQL } from 'drizzle-orm';

/**
 * `column IN ('a', 'b')` for a CHECK over names the code declares (registries of providers and
 * schemes: lower-case identifiers, never input), so that `drizzle-kit generate` writes the new
 * constraint whenever a name is added.
 */
export function oneOfNames(column: unknown, names: readonly string[]): SQL {
  for (const n of names) {
    if (!/^[a-z][a-z0-9_]*$/.test(n)) throw new TypeError(`not a registry name: ${n}`);
  }
  return sql`${column} in (${sql.raw(names.map((n) => `'${n}'`).join(', '))})`;
}
