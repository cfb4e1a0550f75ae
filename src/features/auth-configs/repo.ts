import type { AuthConfigInsert } from '../../db/schema/index.ts';
import { and, count, eq, gt, inArray, notInArray, sql } from 'drizzle-orm';
import type { Change } from '../../db/changes.ts';
import type { DbOrTx } from '../../db/client.ts';
import type { WriteScope } from '../../db/transact.ts';
import { authConfigs } from '../../db/schema/index.ts';
import type { ProviderName } from '../../providers/index.ts';
import type { AuthSchemeName } from '../../schemes/index.ts';

/**
 * The one owner of `auth_configs`. Updates and deletes announce themselves (every one: the token
 * read returns the config's status, provider and settings, and its NOTIFY trigger fires on every
 * update); an insert changes nothing a cache holds.
 */
const configChange = (tenantId: string, id: string): Change => ({ kind: 'ac', tenantId, id });

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
  provider?: ProviderName;
  authScheme?: AuthSchemeName;
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

export async function updateAuthConfig(
  scope: WriteScope,
  tenantId: string,
  id: string,
  set: Omit<Partial<AuthConfigInsert>, 'id' | 'tenantId' | 'provider' | 'authScheme'>,
) {
  const [row] = await scope.tx
    .update(authConfigs)
    .set(set)
    .where(and(eq(authConfigs.tenantId, tenantId), eq(authConfigs.id, id)))
    .returning();
  if (row) scope.announce(configChange(tenantId, id));
  return row;
}

export async function deleteAuthConfig(scope: WriteScope, tenantId: string, id: string) {
  const [row] = await scope.tx
    .delete(authConfigs)
    .where(and(eq(authConfigs.tenantId, tenantId), eq(authConfigs.id, id)))
    .returning({ id: authConfigs.id });
  if (row) scope.announce(configChange(tenantId, id));
  return row;
}

export const existingAuthConfigIds = (db: DbOrTx, tenantId: string, ids: string[]) =>
  db
    .select({ id: authConfigs.id })
    .from(authConfigs)
    .where(and(eq(authConfigs.tenantId, tenantId), inArray(authConfigs.id, ids)))
    .then((r) => r.map((x) => x.id));

/** Every tenant's configs with a scheme outside `allowed`, counted per scheme (the start-up report). */
export const countConfigsOutside = (db: DbOrTx, allowed: readonly AuthSchemeName[]) =>
  db
    .select({ scheme: authConfigs.authScheme, n: count() })
    .from(authConfigs)
    .where(notInArray(authConfigs.authScheme, [...allowed]))
    .groupBy(authConfigs.authScheme);

/**
 * Pauses the refreshes of a config's accounts until `until` (never shortening a pause already
 * recorded): bookkeeping of the refresh path, written on its own and announced like any update.
 */
export async function pauseAuthConfigRefreshes(
  scope: WriteScope,
  tenantId: string,
  id: string,
  until: Date,
) {
  const at = until.toISOString();
  const [row] = await scope.tx
    .update(authConfigs)
    .set({
      refreshPausedUntil: sql`greatest(coalesce(${authConfigs.refreshPausedUntil}, ${at}::timestamptz), ${at}::timestamptz)`,
    })
    .where(and(eq(authConfigs.tenantId, tenantId), eq(authConfigs.id, id)))
    .returning({ until: authConfigs.refreshPausedUntil });
  if (row) scope.announce(configChange(tenantId, id));
  return row?.until ?? null;
}
