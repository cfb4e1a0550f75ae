import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.ts';

/**
 * Counts one request of `holder` in the window starting at `windowStart` and returns how many it
 * has made in that window, this one included: one statement, atomic across replicas. A replica
 * whose clock lags behind counts into the window already begun rather than starting an old one.
 */
export const countRequest = (db: DbOrTx, tenantId: string, holder: string, windowStart: Date) =>
  db
    .execute(
      sql`insert into request_budgets (tenant_id, holder, window_start, used)
          values (${tenantId}, ${holder}, ${windowStart.toISOString()}::timestamptz, 1)
          on conflict (tenant_id, holder) do update set
            used = case when excluded.window_start > request_budgets.window_start then 1
                        else request_budgets.used + 1 end,
            window_start = greatest(request_budgets.window_start, excluded.window_start)
          returning used, window_start`,
    )
    .then((r) => {
      const row = (r as unknown as { rows: { used: number; window_start: string | Date }[] })
        .rows[0]!;
      return { used: Number(row.used), windowStart: new Date(row.window_start) };
    });
