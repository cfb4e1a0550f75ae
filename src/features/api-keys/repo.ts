import { and, eq, gt, isNull } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.ts';
import { apiKeys } from '../../db/schema/index.ts';

export type ApiKeyRow = typeof apiKeys.$inferSelect;

export const insertApiKey = (db: DbOrTx, row: typeof apiKeys.$inferInsert) =>
  db
    .insert(apiKeys)
    .values(row)
    .returning()
    .then((r) => r[0]!);

/** Authentication looks keys up by id (carried in the token), across tenants. */
export const findApiKeyById = (db: DbOrTx, id: string) =>
  db
    .select()
    .from(apiKeys)
    .where(eq(apiKeys.id, id))
    .then((r) => r[0]);

export const getApiKey = (db: DbOrTx, tenantId: string, id: string) =>
  db
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.tenantId, tenantId), eq(apiKeys.id, id)))
    .then((r) => r[0]);

export const listApiKeys = (db: DbOrTx, tenantId: string, limit: number, after?: string) =>
  db
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.tenantId, tenantId), after ? gt(apiKeys.id, after) : undefined))
    .orderBy(apiKeys.id)
    .limit(limit);

export const revokeApiKey = (db: DbOrTx, tenantId: string, id: string, at: Date) =>
  db
    .update(apiKeys)
    .set({ revokedAt: at, updatedAt: at })
    .where(and(eq(apiKeys.tenantId, tenantId), eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
    .returning()
    .then((r) => r[0]);

/** Revocation by id alone: operator keys belong to no tenant (the CLI and operator routes). */
export const revokeApiKeyById = (db: DbOrTx, id: string, at: Date) =>
  db
    .update(apiKeys)
    .set({ revokedAt: at, updatedAt: at })
    .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
    .returning()
    .then((r) => r[0]);

export const hasOperatorKey = (db: DbOrTx) =>
  db
    .select({ id: apiKeys.id })
    .from(apiKeys)
    .where(and(eq(apiKeys.role, 'operator'), isNull(apiKeys.revokedAt)))
    .limit(1)
    .then((r) => r.length > 0);
