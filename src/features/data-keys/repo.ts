import { and, count, eq, ne } from 'drizzle-orm';
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

export const dataKeysNotWrappedBy = (db: DbOrTx, kid: string, limit: number) =>
  db.select().from(dataKeys).where(ne(dataKeys.masterKid, kid)).orderBy(dataKeys.id).limit(limit);

/** Compare-and-swap: only a row still holding `previous` is re-wrapped (idempotent, resumable). */
export const rewrapDataKey = (
  db: DbOrTx,
  tenantId: string,
  id: string,
  previous: string,
  wrapped: string,
  kid: string,
  now: Date,
) =>
  db
    .update(dataKeys)
    .set({ wrappedKey: wrapped, masterKid: kid, updatedAt: now })
    .where(
      and(eq(dataKeys.tenantId, tenantId), eq(dataKeys.id, id), eq(dataKeys.wrappedKey, previous)),
    )
    .returning({ id: dataKeys.id })
    .then((r) => r.length);

export const dataKeysByMasterKid = (db: DbOrTx) =>
  db.select({ kid: dataKeys.masterKid, n: count() }).from(dataKeys).groupBy(dataKeys.masterKid);

export const retireDataKeys = (db: DbOrTx, tenantId: string, now: Date) =>
  db
    .update(dataKeys)
    .set({ status: 'retired', updatedAt: now })
    .where(and(eq(dataKeys.tenantId, tenantId), eq(dataKeys.status, 'active')));

export const deleteTenantDataKeys = (db: DbOrTx, tenantId: string) =>
  db.delete(dataKeys).where(eq(dataKeys.tenantId, tenantId));

/** One data key per master kid that wraps any (the readiness check unwraps each). */
export const oneDataKeyPerMasterKid = (db: DbOrTx) =>
  db.selectDistinctOn([dataKeys.masterKid]).from(dataKeys).orderBy(dataKeys.masterKid, dataKeys.id);
