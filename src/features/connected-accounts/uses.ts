import type { Db } from '../../db/client.ts';
import type { AuthConfigRow } from '../../db/schema/index.ts';
import type { TxScope } from '../../db/transact.ts';
import { recordAccountUses, warmConfigAccounts, type AccountUse } from './use-repo.ts';

export type { AccountUse };

/**
 * The accounts' last use, as the audit flush hands it over (never a write on a request's path):
 * what keeps a used account warm (docs/contracts.md#use-driven-refresh).
 */
export function createAccountUses(deps: {
  db: Db;
  refreshAheadSeconds: number;
  /** REFRESH_WARM_HOURS: last use is kept to a tenth of it, at most a minute */
  warmHours: number;
}) {
  const granularity = Math.min(60, (deps.warmHours * 3600) / 10);
  return {
    async record(uses: AccountUse[]): Promise<void> {
      for (let i = 0; i < uses.length; i += 500)
        await recordAccountUses(
          deps.db,
          uses.slice(i, i + 500),
          deps.refreshAheadSeconds,
          granularity,
        );
    },
    /** Its config turned `refresh_policy: always`: idle accounts are due ahead of expiry now. */
    warmAllOf: (config: AuthConfigRow, scope: TxScope) =>
      warmConfigAccounts(scope.tx, config.tenantId, config.id, deps.refreshAheadSeconds),
  };
}

export type AccountUses = ReturnType<typeof createAccountUses>;
