import type { AccountRow } from '../../db/schema/index.ts';
import type { Clock } from '../../lib/clock.ts';
import { conflict, forbidden, notFound } from '../../lib/errors.ts';
import type { TenantPrincipal } from '../../lib/principal.ts';
import { cacheUntil, tokenLifetimeSeconds, tokenNeed } from '../../lib/schedule.ts';
import { ids, traced, tracingEnabled } from '../../lib/tracing.ts';
import { providerDefinition, type Providers } from '../../providers/index.ts';
import { schemeOf } from '../../schemes/index.ts';
import type { AuditWriter } from '../audit/writer.ts';
import type { AuthConfigService } from '../auth-configs/service.ts';
import type { TokenCandidate, TokenRow } from '../connected-accounts/token-read-model.ts';
import type { TokenReads } from '../connected-accounts/token-reads.ts';
import type { DataKeyService, FieldRef } from '../data-keys/service.ts';
import type { RefreshService } from '../refresh/service.ts';
import { apiAccountOf, createDescriber, notActive, retryLater } from './answer.ts';

export { apiAccountOf, notActive };

type MaybePromise<T> = T | Promise<T>;

/** A credential ready to hand out, and the row it was read from. */
interface Fresh {
  a: TokenRow | AccountRow;
  tokenType: string;
  credential: string;
  refreshed: boolean;
}

export interface TokenRequest {
  minTtl: number;
  ip: string;
}

/**
 * The hot path: one read, one decryption, no database write in front of the caller. A stored
 * token that does not meet min_ttl is refreshed first, once across all callers and processes.
 * How a credential is renewed and presented is its scheme's (schemes/); where its calls go is its
 * provider's.
 */
export function createTokenService(deps: {
  clock: Clock;
  dataKeys: Pick<DataKeyService, 'decrypt' | 'decryptCached'>;
  authConfigs: Pick<AuthConfigService, 'get'>;
  reads: TokenReads;
  providers: Providers;
  refresh: Pick<RefreshService, 'refreshNow'>;
  audit: Pick<AuditWriter, 'issued'>;
  /** the worker's refresh-ahead window (REFRESH_AHEAD_SECONDS): `cache_until` of GitHub tokens */
  refreshAheadSeconds: number;
}) {
  const { clock } = deps;
  // The data key in memory (the common case) opens the token at once; else it is loaded first.
  const open = {
    open: (ref: FieldRef, sealed: string) =>
      deps.dataKeys.decryptCached(ref, sealed) ?? deps.dataKeys.decrypt(ref, sealed),
  };

  function allowed(p: TenantPrincipal, configId: string) {
    if (p.role === 'service' && p.authConfigIds && !p.authConfigIds.includes(configId)) {
      throw forbidden(`this service key may not fetch tokens for auth config ${configId}`);
    }
  }

  function pick(rows: TokenCandidate[], configId: string, userId?: string): TokenCandidate {
    if (rows.length === 1) return rows[0]!;
    const active = rows.filter((r) => r.account.status === 'ACTIVE');
    if (active.length === 1) return active[0]!;
    throw conflict(
      'connected_account_ambiguous',
      `auth config ${configId} has ${rows.length} connected accounts${userId !== undefined ? ` for user ${userId}` : ''}; pass connected_account_id${userId === undefined ? ' or user_id' : ''}`,
      {
        connected_account_ids: rows.map((r) => r.account.id),
      },
    );
  }

  /** The account a config-level call means: the one of `sel`, or the config's only one. */
  async function candidateOfConfig(
    p: TenantPrincipal,
    configId: string,
    sel: { userId?: string; accountId?: string },
  ): Promise<TokenCandidate> {
    allowed(p, configId);
    const rows = await deps.reads.tokenCandidates(p.tenantId, configId, sel);
    if (rows.length === 0) {
      await deps.authConfigs.get(p.tenantId, configId); // 404 for an unknown config
      if (sel.accountId) throw notFound('connected_account', sel.accountId);
      throw notFound(
        'connected_account',
        sel.userId !== undefined ? `for user ${sel.userId}` : `for auth config ${configId}`,
      );
    }
    return pick(rows, configId, sel.userId);
  }

  async function candidateOfAccount(
    p: TenantPrincipal,
    accountId: string,
  ): Promise<TokenCandidate> {
    const row = await deps.reads.tokenCandidate(p.tenantId, accountId);
    if (!row) throw notFound('connected_account', accountId);
    allowed(p, row.account.authConfigId);
    return row;
  }

  /** The token path's span (docs/operations.md#traces): `ok`, `refreshed` or the error's code. */
  const readSpan = <T extends { refreshed: boolean }>(
    attrs: Parameters<typeof ids>[0],
    run: (note: { set(a: Record<string, string>): void }) => Promise<T>,
  ) => traced('token.read', ids(attrs), run, (r) => (r.refreshed ? 'refreshed' : 'ok'));

  /**
   * The token of the config's account `sel` selects. Answered from memory when the cache holds the
   * account and its data key and no refresh is due — then without a promise (a value, or a
   * synchronous throw); otherwise a promise. With traces on, always inside a `token.read` span.
   */
  function forConfig(
    p: TenantPrincipal,
    configId: string,
    sel: { userId?: string; accountId?: string },
    req: TokenRequest,
  ) {
    if (tracingEnabled())
      return readSpan({ tenantId: p.tenantId, authConfigId: configId }, async (note) => {
        const c = await candidateOfConfig(p, configId, sel);
        note.set({ 'cv.connected_account_id': c.account.id });
        return issue(p, c, req);
      });
    const rows = deps.reads.cachedCandidates(p.tenantId, configId, sel);
    if (rows === undefined || rows.length === 0)
      return candidateOfConfig(p, configId, sel).then((c) => issue(p, c, req));
    allowed(p, configId);
    return issue(p, pick(rows, configId, sel.userId), req);
  }

  /** The account's token; from memory as `forConfig`. */
  function forAccount(p: TenantPrincipal, accountId: string, req: TokenRequest) {
    if (tracingEnabled())
      return readSpan({ tenantId: p.tenantId, accountId }, async (note) => {
        const c = await candidateOfAccount(p, accountId);
        note.set({ 'cv.auth_config_id': c.account.authConfigId });
        return issue(p, c, req);
      });
    const row = deps.reads.cachedCandidate(p.tenantId, accountId);
    if (row === undefined) return candidateOfAccount(p, accountId).then((c) => issue(p, c, req));
    if (!row) throw notFound('connected_account', accountId);
    allowed(p, row.account.authConfigId);
    return issue(p, row, req);
  }

  /**
   * Refreshes until the token meets the caller's need (the min_ttl contract). A caller that
   * joined a refresh started before it arrived may find the result short of its own deadline; it
   * refreshes once more. A strict need still unmet is a 503, never a 200 with a shorter token.
   */
  const refreshFor = (a: TokenRow, minTtl: number, now: Date) =>
    traced(
      'token.refresh',
      ids({ tenantId: a.tenantId, authConfigId: a.authConfigId, accountId: a.id }),
      () => refreshUntilMet(a, minTtl, now),
      () => 'refreshed',
    );

  async function refreshUntilMet(
    a: TokenRow,
    minTtl: number,
    now: Date,
  ): Promise<TokenRow | AccountRow> {
    let row: TokenRow | AccountRow = a;
    for (let round = 0; round < 2; round++) {
      const need = tokenNeed(minTtl, tokenLifetimeSeconds(row), now);
      const after = await deps.refresh.refreshNow(row.tenantId, row.id, need.needUntil);
      if (!after || after.status !== 'ACTIVE') throw notActive(after ?? row);
      const met = tokenNeed(minTtl, tokenLifetimeSeconds(after), now);
      if (after.expiresAt && after.expiresAt >= met.needUntil) return after;
      // min_ttl > L: nothing the provider issues meets it; the stored token serves while it lives.
      if (!met.strict && after.expiresAt && after.expiresAt > now) return after;
      if (after.generation === row.generation) {
        throw retryLater(
          after,
          now,
          'the token could not be refreshed to meet min_ttl; retry shortly',
        );
      }
      row = after;
    }
    throw retryLater(
      'refreshFailures' in row ? row : {},
      now,
      'the token could not be refreshed to meet min_ttl; retry shortly',
    );
  }

  /**
   * The account's credential as the caller sends it: renewed first when its scheme renews it and
   * it does not meet min_ttl; one its scheme cannot renew is answered while it lives (past its
   * own expiry it is refused here, and the worker's check records that: the token path writes
   * nothing).
   */
  function fresh(c: TokenCandidate, minTtl: number, now: Date): MaybePromise<Fresh> {
    const a = c.account;
    if (c.configStatus !== 'enabled')
      throw conflict('auth_config_disabled', `auth config ${a.authConfigId} is disabled`);
    const scheme = schemeOf(a.authScheme);
    if (a.status !== 'ACTIVE' || !scheme.holdsCredential(a)) throw notActive(a);
    const lapsed = scheme.lapsed?.(a, now);
    if (lapsed) throw notActive({ id: a.id, status: 'EXPIRED', statusReason: lapsed });
    if (
      scheme.renewal.kind === 'renew' &&
      a.expiresAt &&
      a.expiresAt < tokenNeed(minTtl, tokenLifetimeSeconds(a), now).needUntil
    ) {
      return refreshFor(a, minTtl, now).then(async (after) => {
        const { tokenType, credential } = await scheme.present(open, after);
        return { a: after, tokenType, credential, refreshed: after.generation !== a.generation };
      });
    }
    const shown = scheme.present(open, a);
    return 'then' in shown
      ? shown.then(({ tokenType, credential }) => ({ a, tokenType, credential, refreshed: false }))
      : { a, tokenType: shown.tokenType, credential: shown.credential, refreshed: false };
  }

  /**
   * Counted like every other use of an account's token (aggregated per minute), naming the user
   * and, for a token exchange or a proxy token, who acted (a read through an exchange is recorded
   * as `token.exchanged`).
   */
  const audited = (p: TenantPrincipal, a: TokenRow | AccountRow, ip: string, action: string) =>
    deps.audit.issued({
      tenantId: a.tenantId,
      actorKeyId: p.keyId,
      actorRole: p.role,
      action: p.via?.kind === 'exchange' && action === 'token.issued' ? 'token.exchanged' : action,
      resourceId: a.id,
      ip,
      actor: p.via?.actor,
      usedAccount: a.id,
      details: p.via
        ? { ...p.via.audit, auth_config_id: a.authConfigId, user_id: a.userId, decision: 'allowed' }
        : { auth_config_id: a.authConfigId, user_id: a.userId, decision: 'allowed' },
    });

  const describe = createDescriber(deps.providers);

  function answer(p: TenantPrincipal, c: TokenCandidate, f: Fresh, now: Date, ip: string) {
    const a = f.a;
    const d = describe(c, a);
    audited(p, a, ip, 'token.issued');
    return {
      access_token: f.credential,
      token_type: f.tokenType,
      expires_at: d.expiresAt,
      expires_in:
        d.expiresMs === null ? null : Math.max(0, Math.floor((d.expiresMs - now.getTime()) / 1000)),
      scopes: a.grantedScopes,
      connected_account_id: a.id,
      refreshed: f.refreshed,
      // How long the caller may keep it: a refresh revokes it early with some providers.
      cache_until:
        cacheUntil(
          now,
          a.expiresAt,
          providerDefinition(c.provider).companionRevocationSeconds,
          deps.refreshAheadSeconds,
          tokenLifetimeSeconds(a),
        )?.toISOString() ?? null,
      cloud_id: d.cloudId,
      site_url: d.siteUrl,
      api_base_url: d.apiBaseUrl,
    };
  }

  function issue(p: TenantPrincipal, c: TokenCandidate, req: TokenRequest) {
    // One instant for the whole request: the min_ttl deadline and expires_in are counted from it.
    const now = clock.now();
    const f = fresh(c, req.minTtl, now);
    return 'then' in f ? f.then((x) => answer(p, c, x, now, req.ip)) : answer(p, c, f, now, req.ip);
  }

  /** What the proxy sends a call with: a credential valid for at least 60 s (proxy.request). */
  async function forProxy(p: TenantPrincipal, c: TokenCandidate, req: { ip: string }) {
    const { a, tokenType, credential } = await fresh(c, 60, clock.now());
    audited(p, a, req.ip, 'proxy.request');
    return { account: a, credential, tokenType };
  }

  return {
    forConfig,
    forAccount,
    candidateOfConfig,
    candidateOfAccount,
    forProxy,
  };
}

export type TokenService = ReturnType<typeof createTokenService>;
