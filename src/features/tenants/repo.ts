import { eq, gt } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.ts';
import type { WriteScope } from '../../db/transact.ts';
import { tenants, vaultSettings } from '../../db/schema/index.ts';

export const insertTenant = (db: DbOrTx, row: typeof tenants.$inferInsert) =>
  db
    .insert(tenants)
    .values(row)
    .returning()
    .then((r) => r[0]!);

export const getTenant = (db: DbOrTx, id: string) =>
  db
    .select()
    .from(tenants)
    .where(eq(tenants.id, id))
    .then((r) => r[0]);

export const listTenants = (db: DbOrTx, limit: number, after?: string) =>
  db
    .select()
    .from(tenants)
    .where(after ? gt(tenants.id, after) : undefined)
    .orderBy(tenants.id)
    .limit(limit);

export const countTenants = (db: DbOrTx) => db.$count(tenants);

/**
 * Deletes a tenant (its rows go with it, by cascade) and announces it: every cache drops what it
 * holds of the tenant once the deletion has committed, as the NOTIFY trigger tells the others.
 */
export async function deleteTenant(scope: WriteScope, id: string) {
  const gone = await scope.tx
    .delete(tenants)
    .where(eq(tenants.id, id))
    .returning({ id: tenants.id });
  if (gone.length) scope.announce({ kind: 'tn', tenantId: id, id });
}

export const getSetting = (db: DbOrTx, key: string) =>
  db
    .select({ value: vaultSettings.value })
    .from(vaultSettings)
    .where(eq(vaultSettings.key, key))
    .then((r) => r[0]?.value);

export const putSetting = (db: DbOrTx, key: string, value: string) =>
  db
    .insert(vaultSettings)
    .values({ key, value })
    .onConflictDoUpdate({ target: vaultSettings.key, set: { value } });
