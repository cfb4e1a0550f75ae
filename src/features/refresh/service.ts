import { setTimeout as sleep } from 'node:timers/promises';
import { isDatabaseUnavailable } from '../../db/errors.ts';
import type { AccountInsert, AccountRow } from '../../db/schema/index.ts';
import type { Clock } from '../../lib/clock.ts';
import { EGRESS_DENIED } from '../../lib/egress.ts';
import { unlessFound } from '../../lib/errors.ts';
import { OUTBOUND_BUSY } from '../../lib/outbound-limiter.ts';
import type { Logger } from '../../lib/logger.ts';
import { PROVIDER_RESPONSE_TOO_LARGE } from '../../providers/http.ts';
import type { Providers } from '../../providers/index.ts';
import { ProviderError } from '../../providers/types.ts';
import type { AuthConfigService } from '../auth-configs/service.ts';
import type { AccountLeaseService } from '../connected-accounts/leases.ts';
import { backoffSeconds } from '../connected-accounts/schedule.ts';
import { tokenField, type ConnectedAccountService } from '../connected-accounts/service.ts';
import type { DataKeyService } from '../data-keys/service.ts';

/** Failures on the vault's side of the wire, recorded under their own names. */
const OUTBOUND_CODES = new Set([OUTBOUND_BUSY, EGRESS_DENIED, PROVIDER_RESPONSE_TOO_LARGE]);

/** The last_error_code of a refresh that failed without ending the grant. */
function failureCode(err: ProviderError): string {
  if (err.kind === 'client_credentials') return 'client_credentials_invalid';
  if (err.oauthError && OUTBOUND_CODES.has(err.oauthError)) return err.oauthError;
  return err.kind === 'transient' ? 'provider_unavailable' : 'refresh_rejected';
}

export type RefreshOutcome =
  | { kind: 'refreshed'; row: AccountRow }
  /** another refresher wrote first (or took the lease over): nothing of ours was written */
  | { kind: 'lost' }
  | { kind: 'expired'; row: AccountRow }
  | {
      kind: 'failed';
      row: AccountRow | undefined;
      code: string;
      retryable: boolean;
      retryAfterSeconds?: number;
    };

export interface RefreshDeps {
  clock: Clock;
  logger: Logger;
  dataKeys: Pick<DataKeyService, 'decrypt'>;
  authConfigs: Pick<AuthConfigService, 'get' | 'providerApp' | 'withClientSecret'>;
  accounts: Pick<ConnectedAccountService, 'grantColumns'>;
  leases: Omit<AccountLeaseService, 'notifyConsentExpiring'>;
  providers: Providers;
  /** this process's identity in leases */
  owner: string;
  leaseSeconds: number;
  onOutcome?: (o: RefreshOutcome, provider: string) => void;
  /** consecutive failures after which connected_account.refresh_failed is emitted */
  failureStreak: number;
}

/**
 * One refresh procedure for the worker and the token endpoint alike (SPEC §6): it runs only under a
 * lease, writes with compare-and-swap on the generation, never drops a stored refresh token, backs off
 * on transient failures without touching the status, and treats invalid_grant as final only after
 * re-reading the row.
 */
export function createRefreshService(deps: RefreshDeps) {
  const { clock, logger, owner, leases } = deps;
  const inflight = new Map<string, Promise<AccountRow | undefined>>();
  const leaseUntil = (now: Date) => new Date(now.getTime() + deps.leaseSeconds * 1000);

  const write = (
    row: AccountRow,
    set: Partial<AccountInsert>,
    event?: Parameters<typeof leases.writeLeased>[3],
  ) => leases.writeLeased(row, owner, set, event);

  async function fail(row: AccountRow, code: string, err?: ProviderError): Promise<RefreshOutcome> {
    const now = clock.now();
    const failures = row.refreshFailures + 1;
    const delay = backoffSeconds(failures, err?.retryAfterSeconds);
    const written = await write(
      row,
      {
        refreshFailures: failures,
        lastErrorCode: code,
        lastErrorAt: now,
        nextRefreshAt: new Date(now.getTime() + delay * 1000),
        updatedAt: now,
      },
      failures === deps.failureStreak ? 'connected_account.refresh_failed' : undefined,
    );
    return {
      kind: 'failed',
      row: written,
      code,
      retryable: true,
      retryAfterSeconds: Math.ceil(delay),
    };
  }

  async function expire(row: AccountRow, reason: string): Promise<RefreshOutcome> {
    const now = clock.now();
    const written = await write(
      row,
      {
        status: 'EXPIRED',
        statusReason: reason,
        lastErrorCode: reason,
        lastErrorAt: now,
        nextRefreshAt: null,
        updatedAt: now,
      },
      'connected_account.expired',
    );
    if (!written) return { kind: 'lost' };
    logger.info({ account: row.id, reason }, 'connected account expired');
    return { kind: 'expired', row: written };
  }

  /** Refreshes an account whose lease this process holds (the outcome, unreported). */
  async function refreshOnce(row: AccountRow, ctx: { provider: string }): Promise<RefreshOutcome> {
    const now = clock.now();
    // An API token is not refreshed (its checks are api-token-checks.ts): never expire one here
    // for want of a refresh token.
    if (row.authScheme === 'api_token') {
      await leases.release(row.tenantId, row.id, owner);
      return { kind: 'lost' };
    }
    if (row.familyExpiresAt && row.familyExpiresAt <= now) return expire(row, 'consent_expired');
    // Client credentials have no refresh token to lose: the vault asks for a new token instead.
    const clientCredentials = row.authScheme === 'client_credentials';
    if (!clientCredentials && !row.refreshTokenEnc) return expire(row, 'refresh_token_missing');
    // A config deleted under the lease (its accounts go with it) is the only "nothing to do" here;
    // a database that does not answer surfaces as it is and the lease runs out.
    const config = await unlessFound(
      deps.authConfigs.get(row.tenantId, row.authConfigId),
      'auth_config_not_found',
    );
    if (!config) {
      await leases.release(row.tenantId, row.id, owner);
      return { kind: 'lost' };
    }
    ctx.provider = config.provider;
    const provider = deps.providers.get(config.provider);
    let tokens;
    // Expiry is counted from before the call: the provider's clock started no earlier than that.
    const sentAt = clock.now();
    try {
      if (clientCredentials) {
        tokens = await deps.authConfigs.withClientSecret(config, (clientSecret) =>
          provider.clientCredentials(deps.authConfigs.providerApp(config, clientSecret)),
        );
      } else {
        const refreshToken = await deps.dataKeys.decrypt(
          tokenField(row.tenantId, row.id, 'refresh_token'),
          row.refreshTokenEnc!,
        );
        tokens = await deps.authConfigs.withClientSecret(config, (clientSecret) =>
          provider.refresh(deps.authConfigs.providerApp(config, clientSecret), refreshToken),
        );
      }
    } catch (err) {
      if (isDatabaseUnavailable(err)) throw err;
      if (!(err instanceof ProviderError)) {
        logger.error({ err, account: row.id }, 'refresh failed');
        return fail(row, 'internal_error');
      }
      if (
        clientCredentials &&
        (err.kind === 'client_credentials' || err.kind === 'invalid_grant')
      ) {
        // The secret is refused. If it was rotated while we asked, the new one deserves its try.
        const now = await deps.authConfigs.get(row.tenantId, row.authConfigId);
        if (now.clientSecretUpdatedAt.getTime() !== config.clientSecretUpdatedAt.getTime())
          return fail(row, 'client_credentials_invalid', err);
        return expire(row, 'client_credentials_invalid');
      }
      if (err.kind === 'invalid_grant') {
        // Another refresher may have spent this token and stored its successor: only a row that is
        // still at our generation proves the grant itself is dead.
        const current = await leases.read(row.tenantId, row.id);
        if (!current || current.generation !== row.generation) return { kind: 'lost' };
        return expire(row, 'refresh_token_invalid');
      }
      const code = failureCode(err);
      logger.warn({ account: row.id, code, status: err.status }, 'refresh failed');
      return fail(row, code, err);
    }
    const at = clock.now();
    const set: Partial<AccountInsert> = {
      ...(await deps.accounts.grantColumns(
        row,
        {
          accessToken: tokens.accessToken,
          refreshToken: tokens.refreshToken,
          tokenType: tokens.tokenType,
          expiresAt: tokens.expiresIn ? new Date(sentAt.getTime() + tokens.expiresIn * 1000) : null,
          lifetimeSeconds: tokens.expiresIn ?? null,
        },
        at,
      )),
      lastRefreshedAt: at,
    };
    if (tokens.scopes?.length) set.grantedScopes = tokens.scopes;
    const recovered = row.refreshFailures >= deps.failureStreak;
    // A client-credentials account revived by a new secret is ACTIVE again for real only now.
    const revived = clientCredentials && row.lastErrorCode === 'client_credentials_invalid';
    const written = await write(
      row,
      set,
      revived ? 'connected_account.active' : recovered ? 'connected_account.recovered' : undefined,
    );
    if (!written) {
      // Our lease ran out and someone else wrote: they refreshed with the token we spent, inside the
      // provider's reuse leeway. Ours is dropped; theirs is the live one.
      logger.warn({ account: row.id }, 'refresh result discarded: the lease was lost');
      return { kind: 'lost' };
    }
    return { kind: 'refreshed', row: written };
  }

  /** Refreshes an account whose lease this process holds, and reports the outcome (metrics). */
  async function refreshLeased(row: AccountRow): Promise<RefreshOutcome> {
    const ctx = { provider: 'unknown' };
    const outcome = await refreshOnce(row, ctx);
    deps.onOutcome?.(outcome, ctx.provider);
    return outcome;
  }

  /**
   * On demand (token endpoint): refresh unless the stored token already lives past `needUntil`.
   * Callers in this process join one in-flight refresh; across processes the lease decides, and the
   * losers wait for the winner's write instead of refreshing again.
   */
  function refreshNow(
    tenantId: string,
    id: string,
    needUntil: Date,
    waitMs = 15_000,
  ): Promise<AccountRow | undefined> {
    const running = inflight.get(id);
    if (running) return running;
    const p = (async () => {
      // The wait is bounded by the time it sleeps (not by the clock, which a test may freeze).
      let waited = 0;
      for (let attempt = 0; ; attempt++) {
        const now = clock.now();
        const leased = await leases.acquire(tenantId, id, owner, now, leaseUntil(now));
        if (leased) {
          if (leased.expiresAt && leased.expiresAt > needUntil) {
            await leases.release(tenantId, id, owner);
            return leased;
          }
          const outcome = await refreshLeased(leased);
          if (outcome.kind === 'lost') return leases.read(tenantId, id);
          return outcome.row;
        }
        const row = await leases.read(tenantId, id);
        if (!row || row.status !== 'ACTIVE' || (row.expiresAt && row.expiresAt > needUntil))
          return row;
        if (waited >= waitMs) return row;
        const pause = Math.min(25 * 2 ** Math.min(attempt, 3), 200);
        await sleep(pause);
        waited += pause;
      }
    })().finally(() => inflight.delete(id));
    inflight.set(id, p);
    return p;
  }

  return { refreshLeased, refreshNow, leaseUntil };
}

export type RefreshService = ReturnType<typeof createRefreshService>;
