import { isDatabaseUnavailable } from '../../db/errors.ts';
import type { AccountInsert, AccountRow, EventType } from '../../db/schema/index.ts';
import type { Clock } from '../../lib/clock.ts';
import type { Logger } from '../../lib/logger.ts';
import type { Providers } from '../../providers/index.ts';
import { ProviderError } from '../../providers/types.ts';
import type { AccountLeaseService } from '../connected-accounts/leases.ts';
import { apiTokenSite, openApiToken } from '../connected-accounts/api-token-accounts.ts';
import {
  CREDENTIAL_WARNING_MS,
  backoffSeconds,
  nextCredentialCheckAt,
} from '../connected-accounts/schedule.ts';
import type { DataKeyService } from '../data-keys/service.ts';

export interface CheckResult {
  checked: number;
  ok: number;
  warned: number;
  expired: number;
  failed: number;
  lost: number;
}

/**
 * The daily look at every API token (SPEC §3): a token past its expiry turns the account
 * EXPIRED/credential_expired (without asking the site); one the site refuses turns it
 * EXPIRED/credential_invalid; 14 days before its expiry connected_account.credential_expiring is
 * sent once. Due accounts are claimed in batches from a partial index on next_check_at (SKIP
 * LOCKED + lease, like refreshes), so an idle tick is one index probe and a million tokens are a
 * million checks a day spread by jitter, not a scan.
 */
export function createApiTokenChecks(deps: {
  clock: Clock;
  logger: Logger;
  dataKeys: Pick<DataKeyService, 'decrypt'>;
  leases: Pick<AccountLeaseService, 'claimDueChecks' | 'writeLeased'>;
  providers: Pick<Providers, 'apiTokens'>;
  owner: string;
  leaseSeconds: number;
  batchSize: number;
  concurrency: number;
}) {
  const { clock, logger, leases } = deps;

  async function checkOne(row: AccountRow): Promise<keyof CheckResult> {
    const now = clock.now();
    const write = (set: Partial<AccountInsert>, event?: EventType) =>
      leases.writeLeased(row, deps.owner, { ...set, updatedAt: now }, event);
    const expire = async (reason: string) => {
      const written = await write(
        {
          status: 'EXPIRED',
          statusReason: reason,
          lastErrorCode: reason,
          lastErrorAt: now,
          nextCheckAt: null,
        },
        'connected_account.expired',
      );
      if (written) logger.info({ account: row.id, reason }, 'connected account expired');
      return written ? 'expired' : 'lost';
    };
    if (row.expiresAt && row.expiresAt <= now) return expire('credential_expired');
    try {
      await deps.providers.apiTokens.verify(
        apiTokenSite(row),
        await openApiToken(deps.dataKeys, row),
      );
    } catch (err) {
      if (isDatabaseUnavailable(err) || !(err instanceof ProviderError)) throw err;
      if (err.kind === 'rejected' && err.oauthError !== 'egress_denied')
        return expire('credential_invalid');
      // An outage (or a site the egress policy now refuses) proves nothing about the token: back
      // off, status unchanged.
      const failures = row.refreshFailures + 1;
      const code = err.kind === 'transient' ? 'provider_unavailable' : 'egress_denied';
      logger.warn({ account: row.id, code, status: err.status }, 'API token check failed');
      const written = await write({
        refreshFailures: failures,
        lastErrorCode: code,
        lastErrorAt: now,
        nextCheckAt: new Date(
          now.getTime() + backoffSeconds(failures, err.retryAfterSeconds) * 1000,
        ),
      });
      return written ? 'failed' : 'lost';
    }
    const warn =
      row.expiresAt !== null &&
      !row.credentialExpiringNotifiedAt &&
      row.expiresAt.getTime() - CREDENTIAL_WARNING_MS <= now.getTime();
    const written = await write(
      {
        lastCheckedAt: now,
        refreshFailures: 0,
        lastErrorCode: null,
        lastErrorAt: null,
        ...(warn ? { credentialExpiringNotifiedAt: now } : {}),
        nextCheckAt: nextCredentialCheckAt(
          now,
          row.expiresAt,
          warn || row.credentialExpiringNotifiedAt !== null,
        ),
      },
      warn ? 'connected_account.credential_expiring' : undefined,
    );
    if (!written) return 'lost';
    return warn ? 'warned' : 'ok';
  }

  /** Checks what is due, batch after batch, until nothing is or `budgetMs` is spent. */
  async function runDue(budgetMs = 25_000, stopping = () => false): Promise<CheckResult> {
    const result: CheckResult = { checked: 0, ok: 0, warned: 0, expired: 0, failed: 0, lost: 0 };
    const started = clock.now().getTime();
    while (!stopping() && clock.now().getTime() - started < budgetMs) {
      const now = clock.now();
      const rows = await leases.claimDueChecks(
        deps.owner,
        now,
        new Date(now.getTime() + deps.leaseSeconds * 1000),
        deps.batchSize,
      );
      if (rows.length === 0) break;
      result.checked += rows.length;
      let next = 0;
      const lane = async () => {
        while (next < rows.length) {
          const row = rows[next++]!;
          try {
            result[await checkOne(row)]++;
          } catch (err) {
            // The lease runs out and a later tick checks it again; nothing was written.
            logger.error({ err, account: row.id }, 'API token check crashed');
            result.failed++;
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(deps.concurrency, rows.length) }, lane));
      if (rows.length < deps.batchSize) break;
    }
    return result;
  }

  return { runDue };
}

export type ApiTokenChecks = ReturnType<typeof createApiTokenChecks>;
