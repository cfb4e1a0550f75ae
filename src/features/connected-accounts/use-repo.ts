import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.ts';

/** One account's latest use (a token read, a proxied call) as the audit flush saw it. */
export interface AccountUse {
  tenantId: string;
  accountId: string;
  at: Date;
}

/** The warm due point of a row `ca`: expiry less the window (half the token's life if shorter). */
const warmAt = (aheadSeconds: number) =>
  sql`ca.expires_at - make_interval(secs => least(${aheadSeconds}::float8, coalesce(ca.token_lifetime_seconds, ${2 * aheadSeconds}) / 2.0))`;

/**
 * Records the latest use of each account (docs/contracts.md#use-driven-refresh), in one statement
 * per batch: `last_used_at` moves forward only, and only by more than `granularitySeconds` (an
 * account in constant use is written about once a minute, not at every flush), and an account the worker kept on its idle
 * schedule (next_refresh_at past the refresh-ahead point of its token, no failures pending) is
 * due ahead of expiry again, so that it stays warm. Neither column is one the token read returns:
 * nothing is announced.
 */
export async function recordAccountUses(
  db: DbOrTx,
  uses: AccountUse[],
  aheadSeconds: number,
  granularitySeconds: number,
): Promise<void> {
  if (uses.length === 0) return;
  const rows = sql.join(
    uses.map((u) => sql`(${u.tenantId}, ${u.accountId}, ${u.at.toISOString()}::timestamptz)`),
    sql`, `,
  );
  const warm = warmAt(aheadSeconds);
  await db.execute(sql`
    update connected_accounts as ca set
      last_used_at = u.at,
      next_refresh_at = case
        when ca.status = 'ACTIVE' and ca.refresh_failures = 0 and ca.expires_at is not null
          and ca.next_refresh_at > ${warm}
        then ${warm}
        else ca.next_refresh_at end
    from (values ${rows}) as u(tenant_id, id, at)
    where ca.tenant_id = u.tenant_id and ca.id = u.id
      and (ca.last_used_at is null
        or ca.last_used_at < u.at - make_interval(secs => ${granularitySeconds}::float8))`);
}

/**
 * A config now keeps every account warm (`refresh_policy: always`): its accounts on the idle
 * schedule are due ahead of expiry again, in the change's transaction.
 */
export async function warmConfigAccounts(
  db: DbOrTx,
  tenantId: string,
  configId: string,
  aheadSeconds: number,
): Promise<void> {
  const warm = warmAt(aheadSeconds);
  await db.execute(sql`
    update connected_accounts as ca set next_refresh_at = ${warm}
    where ca.tenant_id = ${tenantId} and ca.auth_config_id = ${configId}
      and ca.status = 'ACTIVE' and ca.refresh_failures = 0 and ca.expires_at is not null
      and ca.next_refresh_at > ${warm}`);
}
