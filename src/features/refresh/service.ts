import { setTimeout as sleep } from 'node:timers/promises';
import { isDatabaseUnavailable } from '../../db/errors.ts';
import type { AccountRow, AuthConfigRow } from '../../db/schema/index.ts';
import { backoff } from '../../lib/backoff.ts';
import { unlessFound } from '../../lib/errors.ts';
import { backoffSeconds } from '../../lib/schedule.ts';
import { ids, traced } from '../../lib/tracing.ts';
import { ProviderError } from '../../providers/types.ts';
import { providerAccess } from '../../schemes/access.ts';
import { familyEnd, grantOf } from '../../schemes/grant.ts';
import { schemeOf } from '../../schemes/index.ts';
import type { FatalRefusal, RenewContext } from '../../schemes/types.ts';
import type { AccountUpdate } from '../connected-accounts/token-read-model.ts';
import {
  failureCode,
  type RefreshCause,
  type RefreshDeps,
  type RefreshOutcome,
} from './outcome.ts';

export type { RefreshCause, RefreshDeps, RefreshOutcome };

/**
 * One refresh procedure for the worker and the token endpoint alike: it runs only under a lease,
 * writes with compare-and-swap on the generation, never drops a stored refresh token, backs off on
 * transient failures without touching the status, and treats a refusal its scheme calls fatal
 * as final only once what could make it stale has been ruled out. How the new token is obtained
 * (a refresh token, the client's credentials) is the account's scheme's.
 */
export function createRefreshService(deps: RefreshDeps) {
  const { clock, logger, owner, leases } = deps;
  const inflight = new Map<string, Promise<AccountRow | undefined>>();
  const leaseUntil = (now: Date) => new Date(now.getTime() + deps.leaseSeconds * 1000);
  const renewing: RenewContext = {
    ...providerAccess(deps.providers, deps.authConfigs),
    open: deps.dataKeys.decrypt,
  };

  const write = (
    row: AccountRow,
    set: AccountUpdate,
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
        revivedAt: null,
        updatedAt: now,
      },
      'connected_account.expired',
    );
    if (!written) return { kind: 'lost' };
    logger.info({ account: row.id, reason }, 'connected account expired');
    return { kind: 'expired', row: written };
  }

  /** A refusal its scheme calls fatal, once what could make it stale is ruled out. */
  async function refused(
    row: AccountRow,
    config: AuthConfigRow,
    fatal: FatalRefusal,
    err: ProviderError,
  ): Promise<RefreshOutcome> {
    if (fatal.unless === 'superseded') {
      // Another refresher may have spent this token and stored its successor: only a row that is
      // still at our generation proves the grant itself is dead.
      const current = await leases.read(row.tenantId, row.id);
      if (!current || current.generation !== row.generation) return { kind: 'lost' };
    } else {
      // The secret is refused. If it was rotated while we asked, the new one deserves its try.
      const current = await deps.authConfigs.get(row.tenantId, row.authConfigId);
      if (current.clientSecretUpdatedAt.getTime() !== config.clientSecretUpdatedAt.getTime())
        return fail(row, fatal.reason, err);
    }
    return expire(row, fatal.reason);
  }

  /**
   * Refreshes an account whose lease this process holds: the outcome, and the provider it was
   * refreshed with (null: its config is gone).
   */
  async function refreshOnce(
    row: AccountRow,
    cause: RefreshCause,
  ): Promise<{ outcome: RefreshOutcome; provider: string | null }> {
    const renewal = schemeOf(row.authScheme).renewal;
    // A credential that is checked rather than renewed (API tokens: api-token-checks.ts) is never
    // expired here for want of a refresh.
    if (renewal.kind !== 'renew') {
      await leases.release(row.tenantId, row.id, owner);
      return { outcome: { kind: 'lost' }, provider: null };
    }
    const now = clock.now();
    if (row.familyExpiresAt && row.familyExpiresAt <= now)
      return { outcome: await expire(row, 'consent_expired'), provider: null };
    const blocked = renewal.blocked({ hasRefreshToken: row.refreshTokenEnc !== null });
    if (blocked) return { outcome: await expire(row, blocked), provider: null };
    // A config deleted under the lease (its accounts go with it) is the only "nothing to do" here;
    // a database that does not answer surfaces as it is and the lease runs out.
    const config = await unlessFound(
      deps.authConfigs.get(row.tenantId, row.authConfigId),
      'auth_config_not_found',
    );
    if (!config) {
      await leases.release(row.tenantId, row.id, owner);
      return { outcome: { kind: 'lost' }, provider: null };
    }
    const outcome = await renewWith(row, config, renewal, cause);
    return { outcome, provider: config.provider };
  }

  async function renewWith(
    row: AccountRow,
    config: AuthConfigRow,
    renewal: Extract<ReturnType<typeof schemeOf>['renewal'], { kind: 'renew' }>,
    cause: RefreshCause,
  ): Promise<RefreshOutcome> {
    let tokens;
    // Expiry is counted from before the call: the provider's clock started no earlier than that.
    let sentAt = clock.now();
    try {
      const answer = await deps.gate.call(config, () => {
        sentAt = clock.now();
        return renewal.renew(renewing, row, config);
      });
      // The app's refreshes are paused (its token endpoint rate-limited it): no call, back off
      // until the pause ends, spread over up to a tenth more (at most 30 s) so that its due
      // accounts do not all come back at once.
      if ('paused' in answer) {
        const wait = (answer.paused.getTime() - clock.now().getTime()) / 1000;
        const spread = Math.min(wait / 10, 30) * Math.random();
        const err = new ProviderError('transient', 'app paused', 429, undefined, wait + spread);
        return fail(row, 'provider_unavailable', err);
      }
      tokens = answer.tokens;
    } catch (err) {
      if (isDatabaseUnavailable(err)) throw err;
      if (!(err instanceof ProviderError)) {
        logger.error({ err, account: row.id }, 'refresh failed');
        return fail(row, 'internal_error');
      }
      const fatal = renewal.fatal(err);
      if (fatal) return refused(row, config, fatal, err);
      const code = failureCode(err);
      logger.warn({ account: row.id, code, status: err.status }, 'refresh failed');
      return fail(row, code, err);
    }
    const at = clock.now();
    const grant = grantOf(tokens, sentAt);
    const definition = renewing.definition(config);
    const family: AccountUpdate = {};
    if (grant.refreshExpiresAt) {
      // A refresh token that states its own expiry (GitHub's) moves the grant's end with every
      // rotation; a consent-expiring notice already sent is due again before the new end.
      const end = familyEnd(
        row.connectedAt ?? at,
        definition.familyLifetimeDays,
        grant.refreshExpiresAt,
      );
      family.familyExpiresAt = end;
      if (end && (!row.familyExpiresAt || end > row.familyExpiresAt))
        family.consentExpiringNotifiedAt = null;
    }
    // Use-driven refresh (docs/contracts.md#use-driven-refresh): the worker keeps refreshing
    // ahead only accounts used within the warm window (or all, with `always`); an idle account
    // is refreshed next only to keep its grant alive. A refresh someone needed is a use.
    const warm =
      !cause.scheduled ||
      config.refreshPolicy === 'always' ||
      (row.lastUsedAt !== null &&
        at.getTime() - row.lastUsedAt.getTime() < deps.warmHours * 3_600_000);
    const idle = warm
      ? undefined
      : {
          keepAliveDays: definition.keepAliveDays,
          familyExpiresAt:
            family.familyExpiresAt !== undefined ? family.familyExpiresAt : row.familyExpiresAt,
        };
    const set: AccountUpdate = {
      ...(await deps.grants.grantColumns(row, grant, at, idle)),
      ...family,
      lastRefreshedAt: at,
      revivedAt: null,
    };
    if (tokens.scopes?.length) set.grantedScopes = tokens.scopes;
    const recovered = row.refreshFailures >= deps.failureStreak;
    // An account a new secret revived is ACTIVE again for real only now.
    const revived = row.revivedAt !== null;
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
  const refreshLeased = (row: AccountRow, cause: RefreshCause = {}): Promise<RefreshOutcome> =>
    traced(
      'refresh.account',
      ids({ tenantId: row.tenantId, authConfigId: row.authConfigId, accountId: row.id }),
      async (note) => {
        const { outcome, provider } = await refreshOnce(row, cause);
        if (provider) note.set({ 'cv.provider': provider });
        deps.onOutcome?.(outcome, provider ?? 'unknown');
        return outcome;
      },
      // refreshed, lost, expired, or the failure's code (e.g. provider_unavailable)
      (o) => (o.kind === 'failed' ? o.code : o.kind),
    );

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
      for (let attempt = 1; ; attempt++) {
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
        // 25, 50, 100, 200, 200 … ms: the winner's write usually lands within a few of them.
        const pause = backoff(attempt, { base: 25, cap: 200, jitter: 'none' });
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
