import { and, eq, sql } from 'drizzle-orm';
import type { Change } from '../../db/changes.ts';
import type { Db } from '../../db/client.ts';
import {
  authConfigs as ac,
  connectedAccounts as ca,
  type AccountInsert,
  type AccountRow,
} from '../../db/schema/index.ts';

/**
 * A declared read model: the token path's read of an account together with its auth config's
 * status, provider and provider settings. It is the one place that joins the two tables; it is
 * owned by connected-accounts, reads auth_configs without writing it, and the architecture test
 * knows it by name.
 *
 * It also states the cache-invalidation contract. Replicas cache what this read returns, so every
 * column it reads must be announced when it changes: by the database's NOTIFY triggers (a test
 * reads the trigger's WHEN list from pg_trigger and compares it with TOKEN_READ_ANNOUNCED), and by
 * this process's own account writes (repo.ts announces a write whose columns touch the set). The
 * auth_configs trigger announces every update, so any config column may be read.
 */

/** The account columns a token request is answered from: not the refresh token, not the identity. */
export const TOKEN_READ_COLUMNS = [
  'id',
  'tenantId',
  'authConfigId',
  'userId',
  'authScheme',
  'status',
  'statusReason',
  'accessTokenEnc',
  'apiTokenEnc',
  'apiSiteUrl',
  'tokenType',
  'expiresAt',
  'tokenLifetimeSeconds',
  'generation',
  'grantedScopes',
  'sites',
  'selectedCloudId',
] as const satisfies readonly (keyof AccountRow)[];

/** Columns read through an expression, with the columns each is computed from. */
const DERIVED = {
  /** whether a refresh token is held (the token itself stays out of the read and the cache) */
  hasRefreshToken: {
    expr: sql<boolean>`${ca.refreshTokenEnc} is not null`,
    from: ['refreshTokenEnc'] as const,
  },
};

/**
 * Set when the row is inserted and never changed: account updates cannot name them
 * (AccountUpdate), so their changes need no announcement and the trigger need not watch them.
 */
export const IMMUTABLE_COLUMNS = ['id', 'tenantId', 'authConfigId', 'authScheme'] as const;
type Immutable = (typeof IMMUTABLE_COLUMNS)[number];

/** What an update of an account may set. */
export type AccountUpdate = Omit<Partial<AccountInsert>, Immutable | 'createdAt'>;

/** Every account column whose change the token read must hear of. */
export const TOKEN_READ_ANNOUNCED: ReadonlySet<keyof AccountRow> = new Set(
  [...TOKEN_READ_COLUMNS, ...Object.values(DERIVED).flatMap((d) => d.from)].filter(
    (c) => !(IMMUTABLE_COLUMNS as readonly string[]).includes(c),
  ),
);

/** Whether an update setting `set` changes what the token read returns. */
export const touchesTokenRead = (set: AccountUpdate) =>
  Object.keys(set).some((k) => TOKEN_READ_ANNOUNCED.has(k as keyof AccountRow));

/** The announcement of a change to an account (the trigger's payload, parsed). */
export const accountChange = (
  row: Pick<AccountRow, 'tenantId' | 'id' | 'authConfigId'>,
): Change => ({ kind: 'ca', tenantId: row.tenantId, id: row.id, configId: row.authConfigId });

const accountColumns = Object.fromEntries(TOKEN_READ_COLUMNS.map((k) => [k, ca[k]])) as {
  [K in (typeof TOKEN_READ_COLUMNS)[number]]: (typeof ca)[K];
};

const withConfig = {
  account: { ...accountColumns, hasRefreshToken: DERIVED.hasRefreshToken.expr },
  configStatus: ac.status,
  provider: ac.provider,
  /** the config's provider settings (where a generic config's API calls go) */
  settings: ac.settings,
};
const p = (name: string) => sql.placeholder(name);

/**
 * The token path's reads, built once per database handle and prepared (named server-side
 * statements on PostgreSQL): no query building per request.
 */
export function preparedTokenReads(db: Db) {
  const base = () => db.select(withConfig).from(ca).innerJoin(ac, eq(ac.id, ca.authConfigId));
  const byId = base()
    .where(and(eq(ca.tenantId, p('tenantId')), eq(ca.id, p('id'))))
    .prepare('cv_token_by_id');
  const ofConfig = base()
    .where(and(eq(ca.tenantId, p('tenantId')), eq(ca.authConfigId, p('configId'))))
    .limit(20)
    .prepare('cv_token_of_config');
  const ofConfigUser = base()
    .where(
      and(
        eq(ca.tenantId, p('tenantId')),
        eq(ca.authConfigId, p('configId')),
        eq(ca.userId, p('userId')),
      ),
    )
    .limit(20)
    .prepare('cv_token_of_config_user');
  const ofConfigAccount = base()
    .where(
      and(eq(ca.tenantId, p('tenantId')), eq(ca.authConfigId, p('configId')), eq(ca.id, p('id'))),
    )
    .prepare('cv_token_of_config_account');
  return {
    byId: (tenantId: string, id: string) => byId.execute({ tenantId, id }).then((r) => r[0]),
    ofConfig(tenantId: string, configId: string, f: { userId?: string; accountId?: string }) {
      if (f.accountId) {
        return ofConfigAccount
          .execute({ tenantId, configId, id: f.accountId })
          .then((r) => r.filter((c) => f.userId === undefined || c.account.userId === f.userId));
      }
      if (f.userId !== undefined)
        return ofConfigUser.execute({ tenantId, configId, userId: f.userId });
      return ofConfig.execute({ tenantId, configId });
    },
  };
}

export type TokenCandidate = Awaited<
  ReturnType<ReturnType<typeof preparedTokenReads>['byId']>
> & {};
export type TokenRow = TokenCandidate['account'];
