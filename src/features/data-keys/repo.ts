import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.ts';
import { dataKeys } from '../../db/schema/index.ts';

export const insertDataKey = (db: DbOrTx, row: typeof dataKeys.$inferInsert) =>
  db.insert(dataKeys).values(row);

export const getDataKey = (db: DbOrTx, tenantId: string, id: string) =>
  db
    .select()
    .from(dataKeys)
    .where(and(eq(dataKeys.tenantId, tenantId), eq(dataKeys.id, id)))
    .then((r) => r[0]);

export const getActiveDataKey = (db: DbOrTx, tenantId: string) =>
  db
    .select()
    .from(dataKeys)
    .where(and(eq(dataKeys.tenantId, tenantId), eq(dataKeys.status, 'active')))
    .orderBy(dataKeys.id)
    .limit(1)
    .then((r) => r[0]);
