import {
  and,
  arrayContains,
  count,
  eq,
  gt,
  gte,
  inArray,
  isNotNull,
  isNull,
  lt,
  or,
} from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.ts';
import { connectedAccounts as ca, type AccountStatus } from '../../db/schema/index.ts';
import type { WriteScope } from '../../db/transact.ts';
import { updateAccounts } from './repo.ts';

/**
 * The queries of moving accounts in and out (docs/moving.md): an import's idempotency look-up,
 * the bulk actions' selection by filter, and an export's claim of the accounts it hands over.
 */

/** The accounts of `configId` already holding one of `externalIds`: external id → account id. */
export async function accountsByExternalId(
  db: DbOrTx,
  tenantId: string,
  configId: string,
  externalIds: string[],
): Promise<Map<string, string>> {
  if (externalIds.length === 0) return new Map();
  const rows = await db
    .select({ id: ca.id, externalId: ca.externalId })
    .from(ca)
    .where(
      and(
        eq(ca.tenantId, tenantId),
        eq(ca.authConfigId, configId),
        inArray(ca.externalId, externalIds),
      ),
    );
  return new Map(rows.map((r) => [r.externalId!, r.id]));
}

/** What a bulk action or an export selects accounts by; every field narrows the selection. */
export interface AccountSelection {
  status?: AccountStatus;
  statusReason?: string;
  authConfigIds?: string[];
  userId?: string;
  tags?: string[];
  accountIds?: string[];
}

const selectionWhere = (tenantId: string, s: AccountSelection) =>
  and(
    eq(ca.tenantId, tenantId),
    s.status ? eq(ca.status, s.status) : undefined,
    s.statusReason !== undefined ? eq(ca.statusReason, s.statusReason) : undefined,
    s.authConfigIds?.length ? inArray(ca.authConfigId, s.authConfigIds) : undefined,
    s.userId !== undefined ? eq(ca.userId, s.userId) : undefined,
    s.tags?.length ? arrayContains(ca.tags, s.tags) : undefined,
    s.accountIds?.length ? inArray(ca.id, s.accountIds) : undefined,
  );

/** The ids of the accounts a selection matches, in id order, at most `limit` after `after`. */
export const selectedAccountIds = (
  db: DbOrTx,
  tenantId: string,
  s: AccountSelection,
  limit: number,
  after?: string,
) =>
  db
    .select({ id: ca.id })
    .from(ca)
    .where(and(selectionWhere(tenantId, s), after ? gt(ca.id, after) : undefined))
    .orderBy(ca.id)
    .limit(limit)
    .then((rows) => rows.map((r) => r.id));

/**
 * An export claims a batch: the selected ACTIVE accounts holding a refresh token that no refresher
 * holds (a lease means a rotation may be under way, and the token read now could be spent),
 * marked DISABLED (`exported`) unless they are to stay active, in the caller's transaction.
 * Returns the claimed rows with their sealed tokens as they are now.
 */
export async function claimForExport(
  scope: WriteScope,
  tenantId: string,
  s: AccountSelection,
  p: { limit: number; after?: string; now: Date; keepActive: boolean },
) {
  const ids = await scope.tx
    .select({ id: ca.id })
    .from(ca)
    .where(
      and(
        selectionWhere(tenantId, s),
        eq(ca.status, 'ACTIVE'),
        isNotNull(ca.refreshTokenEnc),
        or(isNull(ca.leaseExpiresAt), lt(ca.leaseExpiresAt, p.now)),
        p.after ? gt(ca.id, p.after) : undefined,
      ),
    )
    .orderBy(ca.id)
    .limit(p.limit)
    .for('update')
    .then((rows) => rows.map((r) => r.id));
  if (ids.length === 0) return [];
  const where = and(eq(ca.tenantId, tenantId), inArray(ca.id, ids));
  if (p.keepActive) return scope.tx.select().from(ca).where(where).orderBy(ca.id);
  const rows = await updateAccounts(
    scope,
    { status: 'DISABLED', statusReason: 'exported', updatedAt: p.now },
    where,
  );
  return rows.sort((a, b) => (a.id < b.id ? -1 : 1));
}

/** The selected ACTIVE accounts an export left out because a refresher held them at `now`. */
export const countLeased = (db: DbOrTx, tenantId: string, s: AccountSelection, now: Date) =>
  db
    .select({ n: count() })
    .from(ca)
    .where(
      and(
        selectionWhere(tenantId, s),
        eq(ca.status, 'ACTIVE'),
        isNotNull(ca.refreshTokenEnc),
        gte(ca.leaseExpiresAt, now),
      ),
    )
    .then((r) => Number(r[0]?.n ?? 0));
