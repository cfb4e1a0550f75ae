import { isDatabaseUnavailable } from '../../db/errors.ts';
import type { AccountRow, EventType } from '../../db/schema/index.ts';
import type { Clock } from '../../lib/clock.ts';
import { EGRESS_DENIED } from '../../lib/egress.ts';
import { unlessFound } from '../../lib/errors.ts';
import { laneShare, runFairly } from '../../lib/fair-lanes.ts';
import type { Logger } from '../../lib/logger.ts';
import { OUTBOUND_BUSY, type OutboundLimiter } from '../../lib/outbound-limiter.ts';
import {
  CREDENTIAL_WARNING_MS,
  backoffSeconds,
  nextCredentialCheckAt,
} from '../../lib/schedule.ts';
import { PROVIDER_RESPONSE_TOO_LARGE } from '../../providers/http.ts';
import type { Providers } from '../../providers/index.ts';
import { ProviderError } from '../../providers/types.ts';
import { providerAccess } from '../../schemes/access.ts';
import { schemeOf } from '../../schemes/index.ts';
import type { RenewContext } from '../../schemes/types.ts';
import type { AuthConfigService } from '../auth-configs/service.ts';
import type { AccountLeaseService } from '../connected-accounts/leases.ts';
import type { AccountUpdate } from '../connected-accounts/token-read-model.ts';
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
 * The daily look at every credential its scheme checks rather than renews (API tokens): one past
 * its expiry turns the account EXPIRED (credential_expired, without asking the site); one the
 * provider refuses turns it EXPIRED (credential_invalid); 14 days before its expiry
 * connected_account.credential_expiring is sent once. Outages back off on their own counter
 * (check_failures), apart from refreshes'. Due accounts are claimed in batches from a partial index on next_check_at (SKIP
 * LOCKED + lease, like refreshes), so an idle tick is one index probe and a million tokens are a
 * million checks a day spread by jitter, not a scan.
 */
export function createApiTokenChecks(deps: {
  clock: Clock;
  logger: Logger;
  dataKeys: Pick<DataKeyService, 'decrypt'>;
  authConfigs: Pick<AuthConfigService, 'get' | 'providerApp' | 'withClientApp'>;
  leases: Pick<AccountLeaseService, 'claimDueChecks' | 'writeLeased' | 'release'>;
  providers: Providers;
  /** whether a tenant's outbound calls have room now (its rows wait their turn otherwise) */
  outbound?: Pick<OutboundLimiter, 'hasRoom'>;
  owner: string;
  leaseSeconds: number;
  batchSize: number;
  concurrency: number;
}) {
  const { clock, logger, leases } = deps;
  const checking: RenewContext = {
    ...providerAccess(deps.providers, deps.authConfigs),
    open: deps.dataKeys.decrypt,
  };

  async function checkOne(row: AccountRow): Promise<keyof CheckResult> {
    const now = clock.now();
    const write = (set: AccountUpdate, event?: EventType) =>
      leases.writeLeased(row, deps.owner, { ...set, updatedAt: now }, event);
    const renewal = schemeOf(row.authScheme).renewal;
    const config = await unlessFound(
      deps.authConfigs.get(row.tenantId, row.authConfigId),
      'auth_config_not_found',
    );
    // Not a checked credential, or its config went with the lease held: nothing to do.
    if (renewal.kind !== 'check' || !config) {
      await leases.release(row.tenantId, row.id, deps.owner);
      return 'lost';
    }
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
    if (row.expiresAt && row.expiresAt <= now) return expire(renewal.expiredReason);
    try {
      await renewal.verify(checking, row, config);
    } catch (err) {
      if (isDatabaseUnavailable(err) || !(err instanceof ProviderError)) throw err;
      if (err.kind === 'rejected' && err.oauthError !== EGRESS_DENIED)
        return expire(renewal.rejectedReason);
      // An outage, a site the egress policy now refuses, an answer cut at its cap or no outbound
      // slot free prove nothing about the token: back off, status unchanged.
      const failures = row.checkFailures + 1;
      const code =
        err.kind !== 'transient'
          ? EGRESS_DENIED
          : err.oauthError === OUTBOUND_BUSY || err.oauthError === PROVIDER_RESPONSE_TOO_LARGE
            ? err.oauthError
            : 'provider_unavailable';
      logger.warn({ account: row.id, code, status: err.status }, 'API token check failed');
      const written = await write({
        checkFailures: failures,
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
        checkFailures: 0,
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

  /**
   * Checks what is due, batch after batch, on lanes shared fairly between tenants (like refreshes),
   * until nothing is or `budgetMs` is spent; claimed rows not started by then are handed back.
   */
  async function runDue(budgetMs = 25_000, stopping = () => false): Promise<CheckResult> {
    const result: CheckResult = { checked: 0, ok: 0, warned: 0, expired: 0, failed: 0, lost: 0 };
    const started = clock.now().getTime();
    const leftover = await runFairly<AccountRow>([], {
      lanes: deps.concurrency,
      perKey: laneShare(deps.concurrency),
      keyOf: (row) => row.tenantId,
      ready: deps.outbound ? (tenantId) => deps.outbound!.hasRoom(tenantId) : undefined,
      stop: () => stopping() || clock.now().getTime() - started >= budgetMs,
      async run(row) {
        try {
          result[await checkOne(row)]++;
        } catch (err) {
          // The lease runs out and a later tick checks it again; nothing was written.
          logger.error({ err, account: row.id }, 'API token check crashed');
          result.failed++;
        }
      },
      async more(excludeTenants) {
        const now = clock.now();
        const rows = await leases.claimDueChecks(
          deps.owner,
          now,
          new Date(now.getTime() + deps.leaseSeconds * 1000),
          deps.batchSize,
          excludeTenants,
        );
        result.checked += rows.length;
        return { items: rows, last: rows.length < deps.batchSize };
      },
    });
    for (const row of leftover) {
      await leases.release(row.tenantId, row.id, deps.owner);
      result.lost++;
    }
    return result;
  }

  return { runDue };
}

export type ApiTokenChecks = ReturnType<typeof createApiTokenChecks>;
