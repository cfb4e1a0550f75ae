import { and, count, eq, lte, min } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.ts';
import { connectedAccounts as ca } from '../../db/schema/index.ts';

/** Aggregates for the metrics gauges: across tenants, by design (an operator's view). */

export const accountsByStatus = (db: DbOrTx) =>
  db.select({ status: ca.status, n: count() }).from(ca).groupBy(ca.status);

/** The oldest due next_refresh_at (served by the partial due index). */
export const oldestDue = (db: DbOrTx, now: Date) =>
  db
    .select({ at: min(ca.nextRefreshAt) })
    .from(ca)
    .where(and(eq(ca.status, 'ACTIVE'), lte(ca.nextRefreshAt, now)))
    .then((r) => r[0]?.at ?? null);
