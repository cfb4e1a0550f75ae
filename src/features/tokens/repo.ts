import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.ts';
import { authConfigs as ac, connectedAccounts as ca } from '../../db/schema/index.ts';

/** The token path's one read: candidate accounts joined with their auth config. */
const selection = {
  account: ca,
  configStatus: ac.status,
  provider: ac.provider,
};

export const accountsForConfig = (
  db: DbOrTx,
  tenantId: string,
  configId: string,
  f: { userId?: string; accountId?: string },
) =>
  db
    .select(selection)
    .from(ca)
    .innerJoin(ac, eq(ac.id, ca.authConfigId))
    .where(
      and(
        eq(ca.tenantId, tenantId),
        eq(ca.authConfigId, configId),
        f.userId !== undefined ? eq(ca.userId, f.userId) : undefined,
        f.accountId ? eq(ca.id, f.accountId) : undefined,
      ),
    )
    .limit(20);

export const accountById = (db: DbOrTx, tenantId: string, id: string) =>
  db
    .select(selection)
    .from(ca)
    .innerJoin(ac, eq(ac.id, ca.authConfigId))
    .where(and(eq(ca.tenantId, tenantId), eq(ca.id, id)))
    .then((r) => r[0]);

export type Candidate = Awaited<ReturnType<typeof accountById>> & {};
