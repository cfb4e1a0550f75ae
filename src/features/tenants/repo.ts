import { eq, gt } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.ts';
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

export const deleteTenant = (db: DbOrTx, id: string) =>
  db.delete(tenants).where(eq(tenants.id, id));

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
