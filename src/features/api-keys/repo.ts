import { and, eq, gt, isNull, ne, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../db/client.ts';
import { apiKeyTombstones, apiKeys } from '../../db/schema/index.ts';

export const insertApiKey = (db: DbOrTx, row: typeof apiKeys.$inferInsert) =>
  db
    .insert(apiKeys)
    .values(row)
    .returning()
    .then((r) => r[0]!);

/** Authentication's lookup by id (carried in the token), across tenants: prepared once. */
export function preparedKeyLookup(db: Db) {
  const stmt = db
    .select({
      id: apiKeys.id,
      tenantId: apiKeys.tenantId,
      role: apiKeys.role,
      authConfigIds: apiKeys.authConfigIds,
      policy: apiKeys.policy,
      secretHash: apiKeys.secretHash,
      revokedAt: apiKeys.revokedAt,
    })
    .from(apiKeys)
    .where(eq(apiKeys.id, sql.placeholder('id')))
    .prepare('cv_api_key_by_id');
  return (id: string) => stmt.execute({ id }).then((r) => r[0]);
}

/** Looks a key up by id, across tenants (bootstrap, revocation by id). */
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

/** Name and policy of a tenant's key that is not revoked (undefined: none such). */
export const updateApiKey = (
  db: DbOrTx,
  tenantId: string,
  id: string,
  set: Partial<Pick<typeof apiKeys.$inferInsert, 'name' | 'policy'>>,
  at: Date,
) =>
  db
    .update(apiKeys)
    .set({ ...set, updatedAt: at })
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

export const isTombstoned = (db: DbOrTx, id: string) =>
  db
    .select({ id: apiKeyTombstones.id })
    .from(apiKeyTombstones)
    .where(eq(apiKeyTombstones.id, id))
    .then((r) => r.length > 0);

/** Before a tenant's rows go, its key ids are remembered: none is ever inserted again. */
export const tombstoneTenantKeys = async (db: DbOrTx, tenantId: string, at: Date) => {
  const ids = await db
    .select({ id: apiKeys.id, role: apiKeys.role })
    .from(apiKeys)
    .where(eq(apiKeys.tenantId, tenantId));
  if (ids.length)
    await db
      .insert(apiKeyTombstones)
      .values(ids.map((k) => ({ id: k.id, tenantId, role: k.role, deletedAt: at })))
      .onConflictDoNothing();
};

export const revokeBootstrapOperatorKeysExcept = (db: DbOrTx, keepId: string, at: Date) =>
  db
    .update(apiKeys)
    .set({ revokedAt: at, updatedAt: at })
    .where(
      and(
        eq(apiKeys.role, 'operator'),
        eq(apiKeys.bootstrap, true),
        ne(apiKeys.id, keepId),
        isNull(apiKeys.revokedAt),
      ),
    )
    .returning({ id: apiKeys.id });

export const listOperatorKeys = (db: DbOrTx, limit: number, after?: string) =>
  db
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.role, 'operator'), after ? gt(apiKeys.id, after) : undefined))
    .orderBy(apiKeys.id)
    .limit(limit);

export const getOperatorKey = (db: DbOrTx, id: string) =>
  db
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.role, 'operator'), eq(apiKeys.id, id)))
    .then((r) => r[0]);

/**
 * One page of the ids of keys that can authenticate (not revoked), across tenants, in id order:
 * what authentication screens presented keys against.
 */
export const listUsableKeyIds = (db: DbOrTx, limit: number, after?: string) =>
  db
    .select({ id: apiKeys.id })
    .from(apiKeys)
    .where(and(isNull(apiKeys.revokedAt), after ? gt(apiKeys.id, after) : undefined))
    .orderBy(apiKeys.id)
    .limit(limit)
    .then((r) => r.map((x) => x.id));
