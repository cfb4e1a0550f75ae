import type { AuthConfigInsert, AuthScheme } from '../../db/schema/index.ts';
import { and, eq, gt, inArray } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.ts';
import { authConfigs } from '../../db/schema/index.ts';

export const insertAuthConfig = (db: DbOrTx, row: AuthConfigInsert) =>
  db
    .insert(authConfigs)
    .values(row)
    .returning()
    .then((r) => r[0]!);

export const getAuthConfig = (db: DbOrTx, tenantId: string, id: string) =>
  db
    .select()
    .from(authConfigs)
    .where(and(eq(authConfigs.tenantId, tenantId), eq(authConfigs.id, id)))
    .then((r) => r[0]);

export interface AuthConfigFilter {
  status?: 'enabled' | 'disabled';
  provider?: 'atlassian' | 'oauth2';
  authScheme?: AuthScheme;
}

export const listAuthConfigs = (
  db: DbOrTx,
  tenantId: string,
  f: AuthConfigFilter,
  limit: number,
  after?: string,
) =>
  db
    .select()
    .from(authConfigs)
    .where(
      and(
        eq(authConfigs.tenantId, tenantId),
        f.status ? eq(authConfigs.status, f.status) : undefined,
        f.provider ? eq(authConfigs.provider, f.provider) : undefined,
        f.authScheme ? eq(authConfigs.authScheme, f.authScheme) : undefined,
        after ? gt(authConfigs.id, after) : undefined,
      ),
    )
    .orderBy(authConfigs.id)
    .limit(limit);

export const updateAuthConfig = (
  db: DbOrTx,
  tenantId: string,
  id: string,
  set: Partial<AuthConfigInsert>,
) =>
  db
    .update(authConfigs)
    .set(set)
    .where(and(eq(authConfigs.tenantId, tenantId), eq(authConfigs.id, id)))
    .returning()
    .then((r) => r[0]);

export const deleteAuthConfig = (db: DbOrTx, tenantId: string, id: string) =>
  db
    .delete(authConfigs)
    .where(and(eq(authConfigs.tenantId, tenantId), eq(authConfigs.id, id)))
    .returning({ id: authConfigs.id })
    .then((r) => r[0]);

export const existingAuthConfigIds = (db: DbOrTx, tenantId: string, ids: string[]) =>
  db
    .select({ id: authConfigs.id })
    .from(authConfigs)
    .where(and(eq(authConfigs.tenantId, tenantId), inArray(authConfigs.id, ids)))
    .then((r) => r.map((x) => x.id));
