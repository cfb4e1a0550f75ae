import { setTimeout as sleep } from 'node:timers/promises';
import type { Db } from '../../db/client.ts';
import { isDatabaseUnavailable } from '../../db/errors.ts';
import { unlessFound } from '../../lib/errors.ts';
import type { Clock } from '../../lib/clock.ts';
import type { Logger } from '../../lib/logger.ts';
import type { Providers } from '../../providers/index.ts';
import { ProviderError } from '../../providers/types.ts';
import type { AuthConfigService } from '../auth-configs/service.ts';
import type { AccountInsert, AccountRow } from '../connected-accounts/repo.ts';
import { tokenField } from '../connected-accounts/service.ts';
import type { DataKeyService } from '../data-keys/service.ts';
import type { EventType } from '../../db/schema/index.ts';
import type { Outbox } from '../events/outbox.ts';
import * as repo from './repo.ts';
import { backoffSeconds, nextRefreshAt } from './schedule.ts';

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
  db: Db;
  clock: Clock;
  logger: Logger;
  dataKeys: DataKeyService;
  authConfigs: AuthConfigService;
  providers: Providers;
  /** this process's identity in leases */
  owner: string;
  aheadSeconds: number;
  leaseSeconds: number;
  onOutcome?: (o: RefreshOutcome, provider: string) => void;
  outbox: Outbox;
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
  const { db, clock, logger, owner } = deps;
  const inflight = new Map<string, Promise<AccountRow | undefined>>();
  const leaseUntil = (now: Date) => new Date(now.getTime() + deps.leaseSeconds * 1000);

  /** The CAS write, and — when the change is one that subscribers hear of — its event, atomically. */
  function write(row: AccountRow, set: Partial<AccountInsert>, event?: EventType) {
    if (!event) return repo.writeAsLeaseHolder(db, row, owner, set);
    return db.transaction(async (tx) => {
      const written = await repo.writeAsLeaseHolder(tx, row, owner, set);
      if (written) await deps.outbox.emit(tx, event, written);
      return written;
    });
  }

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

  /** Refreshes an account whose lease this process holds. */
  async function refreshLeased(
    row: AccountRow,
    ctx: { provider: string },
  ): Promise<RefreshOutcome> {
    const now = clock.now();
    if (row.familyExpiresAt && row.familyExpiresAt <= now) return expire(row, 'consent_expired');
    if (!row.refreshTokenEnc) return expire(row, 'refresh_token_missing');
    // A config deleted under the lease (its accounts go with it) is the only "nothing to do" here;
    // a database that does not answer surfaces as it is and the lease runs out.
    const config = await unlessFound(
      deps.authConfigs.get(row.tenantId, row.authConfigId),
      'auth_config_not_found',
    );
    if (!config) {
      await repo.releaseLease(db, row.tenantId, row.id, owner);
      return { kind: 'lost' };
    }
    ctx.provider = config.provider;
    const provider = deps.providers.get(config.provider);
    let tokens;
    // Expiry is counted from before the call: the provider's clock started no earlier than that.
    const sentAt = clock.now();
    try {
      const refreshToken = await deps.dataKeys.decrypt(
        tokenField(row.tenantId, row.id, 'refresh_token'),
        row.refreshTokenEnc,
      );
      tokens = await deps.authConfigs.withClientSecret(config, (clientSecret) =>
        provider.refresh(deps.authConfigs.providerApp(config, clientSecret), refreshToken),
      );
    } catch (err) {
      if (isDatabaseUnavailable(err)) throw err;
      if (!(err instanceof ProviderError)) {
        logger.error({ err, account: row.id }, 'refresh failed');
        return fail(row, 'internal_error');
      }
      if (err.kind === 'invalid_grant') {
        // Another refresher may have spent this token and stored its successor: only a row that is
        // still at our generation proves the grant itself is dead.
        const current = await repo.readAccount(db, row.tenantId, row.id);
        if (!current || current.generation !== row.generation) return { kind: 'lost' };
        return expire(row, 'refresh_token_invalid');
      }
      const code =
        err.kind === 'client_credentials'
          ? 'client_credentials_invalid'
          : err.kind === 'transient'
            ? 'provider_unavailable'
            : 'refresh_rejected';
      logger.warn({ account: row.id, code, status: err.status }, 'refresh failed');
      return fail(row, code, err);
    }
    const at = clock.now();
    const expiresAt = tokens.expiresIn
      ? new Date(sentAt.getTime() + tokens.expiresIn * 1000)
      : null;
    const set: Partial<AccountInsert> = {
      accessTokenEnc: await deps.dataKeys.encrypt(
        tokenField(row.tenantId, row.id, 'access_token'),
        tokens.accessToken,
      ),
      tokenType: tokens.tokenType,
      expiresAt,
      tokenLifetimeSeconds: tokens.expiresIn ?? null,
      generation: row.generation + 1,
      lastRefreshedAt: at,
      nextRefreshAt: nextRefreshAt(at, expiresAt, deps.aheadSeconds),
      refreshFailures: 0,
      lastErrorCode: null,
      lastErrorAt: null,
      updatedAt: at,
    };
    // Never replace a stored refresh token with nothing: a response without one keeps the old one.
    if (tokens.refreshToken) {
      set.refreshTokenEnc = await deps.dataKeys.encrypt(
        tokenField(row.tenantId, row.id, 'refresh_token'),
        tokens.refreshToken,
      );
    }
    if (tokens.scopes?.length) set.grantedScopes = tokens.scopes;
    const recovered = row.refreshFailures >= deps.failureStreak;
    const written = await write(row, set, recovered ? 'connected_account.recovered' : undefined);
    if (!written) {
      // Our lease ran out and someone else wrote: they refreshed with the token we spent, inside the
      // provider's reuse leeway. Ours is dropped; theirs is the live one.
      logger.warn({ account: row.id }, 'refresh result discarded: the lease was lost');
      return { kind: 'lost' };
    }
    return { kind: 'refreshed', row: written };
  }

  async function refreshAndReport(row: AccountRow): Promise<RefreshOutcome> {
    const ctx = { provider: 'unknown' };
    const outcome = await refreshLeased(row, ctx);
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
        const leased = await repo.acquireLease(db, tenantId, id, owner, now, leaseUntil(now));
        if (leased) {
          if (leased.expiresAt && leased.expiresAt > needUntil) {
            await repo.releaseLease(db, tenantId, id, owner);
            return leased;
          }
          const outcome = await refreshAndReport(leased);
          if (outcome.kind === 'lost') return repo.readAccount(db, tenantId, id);
          return outcome.row;
        }
        const row = await repo.readAccount(db, tenantId, id);
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

  /** Emits connected_account.consent_expiring once per family, 14 days before its absolute expiry. */
  async function notifyConsentExpiring(limit = 500): Promise<number> {
    const now = clock.now();
    const horizon = new Date(now.getTime() + 14 * 86_400_000);
    return db.transaction(async (tx) => {
      const rows = await repo.consentExpiringUnnotified(tx, horizon, limit);
      for (const r of rows) {
        const marked = await repo.markConsentExpiringNotified(tx, r.id, now);
        await deps.outbox.emit(tx, 'connected_account.consent_expiring', marked);
      }
      return rows.length;
    });
  }

  return { refreshLeased: refreshAndReport, refreshNow, leaseUntil, notifyConsentExpiring };
}

export type RefreshService = ReturnType<typeof createRefreshService>;
