import type { Db } from '../../db/client.ts';
import * as aggregates from './aggregate-repo.ts';

/** The accounts as the metrics gauges count them: across tenants, by design. */
export function createAccountAggregates(deps: { db: Db }) {
  return {
    countByStatus: () => aggregates.accountsByStatus(deps.db),
    oldestDue: (now: Date) => aggregates.oldestDue(deps.db, now),
  };
}

export type AccountAggregates = ReturnType<typeof createAccountAggregates>;
