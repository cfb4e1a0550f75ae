import type { AccountRow } from '../../db/schema/index.ts';
import type { Clock } from '../../lib/clock.ts';
import { AppError, conflict, forbidden, notFound } from '../../lib/errors.ts';
import type { Principal } from '../../lib/principal.ts';
import type { Providers } from '../../providers/index.ts';
import type { AuditWriter } from '../audit/writer.ts';
import type { AuthConfigService } from '../auth-configs/service.ts';
import { tokenLifetimeSeconds, tokenNeed } from '../connected-accounts/schedule.ts';
import {
  tokenField,
  type ConnectedAccountService,
  type TokenCandidate,
  type TokenRow,
} from '../connected-accounts/service.ts';
import type { DataKeyService } from '../data-keys/service.ts';
import type { RefreshService } from '../refresh/service.ts';
import { apiTokenSite, openApiToken } from '../connected-accounts/api-token-accounts.ts';
import { basicCredential } from '../../providers/atlassian-api-tokens.ts';

export interface TokenRequest {
  minTtl: number;
  ip: string;
}

/**
 * The hot path (SPEC §3): one read, one decryption, no database write in front of the caller. A
 * stored token that does not meet min_ttl is refreshed first, once across all callers and processes.
 */
export function createTokenService(deps: {
  clock: Clock;
  dataKeys: Pick<DataKeyService, 'decrypt'>;
  authConfigs: Pick<AuthConfigService, 'get'>;
  accounts: Pick<ConnectedAccountService, 'tokenCandidates' | 'tokenCandidate'>;
  providers: Providers;
  refresh: Pick<RefreshService, 'refreshNow'>;
  audit: Pick<AuditWriter, 'issued'>;
}) {
  const { clock } = deps;

  function allowed(p: Principal, configId: string) {
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

  async function forConfig(
    p: Principal,
    configId: string,
    sel: { userId?: string; accountId?: string },
    req: TokenRequest,
  ) {
    const tenantId = p.tenantId!;
    allowed(p, configId);
    const rows = await deps.accounts.tokenCandidates(tenantId, configId, sel);
    if (rows.length === 0) {
      await deps.authConfigs.get(tenantId, configId); // 404 for an unknown config
      if (sel.accountId) throw notFound('connected_account', sel.accountId);
      throw notFound(
        'connected_account',
        sel.userId !== undefined ? `for user ${sel.userId}` : `for auth config ${configId}`,
      );
    }
    return issue(p, pick(rows, configId, sel.userId), req);
  }

  async function forAccount(p: Principal, accountId: string, req: TokenRequest) {
    const row = await deps.accounts.tokenCandidate(p.tenantId!, accountId);
    if (!row) throw notFound('connected_account', accountId);
    allowed(p, row.account.authConfigId);
    return issue(p, row, req);
  }

  const notActive = (a: Pick<TokenRow, 'id' | 'status' | 'statusReason'>) =>
    conflict(
      'connected_account_not_active',
      `connected account ${a.id} is ${a.status}${a.statusReason ? ` (${a.statusReason})` : ''}`,
      {
        connected_account_status: a.status,
        status_reason: a.statusReason,
      },
    );

  const retryLater = (
    a: Partial<Pick<AccountRow, 'refreshFailures' | 'nextRefreshAt'>>,
    now: Date,
    detail: string,
  ) => {
    // A refresh that failed backed off until next_refresh_at; say when trying again makes sense.
    const wait =
      a.refreshFailures && a.nextRefreshAt
        ? Math.ceil((a.nextRefreshAt.getTime() - now.getTime()) / 1000)
        : 1;
    return new AppError(
      'provider_unavailable',
      503,
      'Provider unavailable',
      detail,
      { retry_after_seconds: Math.min(Math.max(wait, 1), 60) },
      true,
    );
  };

  /**
   * Refreshes until the token meets the caller's need (SPEC §3 min_ttl contract). A caller that
   * joined a refresh started before it arrived may find the result short of its own deadline; it
   * refreshes once more. A strict need still unmet is a 503, never a 200 with a shorter token.
   */
  async function refreshFor(a: TokenRow, minTtl: number, now: Date): Promise<TokenRow> {
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

  const issued = (p: Principal, a: TokenRow, ip: string) =>
    deps.audit.issued({
      tenantId: a.tenantId,
      actorKeyId: p.keyId,
      actorRole: p.role,
      action: 'token.issued',
      resourceId: a.id,
      ip,
      details: { auth_config_id: a.authConfigId },
    });

  /**
   * An API token is returned as it is (it cannot be refreshed): HTTP Basic, its own expiry. One that
   * has expired is refused here; the worker records the EXPIRED status (no write on this path).
   */
  async function issueApiToken(p: Principal, a: TokenRow, req: TokenRequest) {
    if (a.status !== 'ACTIVE' || !a.apiTokenEnc) throw notActive(a);
    const now = clock.now();
    if (a.expiresAt && a.expiresAt <= now)
      throw notActive({ id: a.id, status: 'EXPIRED', statusReason: 'credential_expired' });
    const credential = await openApiToken(deps.dataKeys, a);
    const site = apiTokenSite(a);
    issued(p, a, req.ip);
    return {
      access_token: basicCredential(credential),
      token_type: 'Basic',
      expires_at: a.expiresAt?.toISOString() ?? null,
      expires_in: a.expiresAt
        ? Math.max(0, Math.floor((a.expiresAt.getTime() - now.getTime()) / 1000))
        : null,
      scopes: a.grantedScopes,
      connected_account_id: a.id,
      refreshed: false,
      cloud_id: site.cloudId,
      site_url: site.siteUrl,
      api_base_url: deps.providers.apiTokens.apiBaseUrl(site),
    };
  }

  async function issue(p: Principal, c: TokenCandidate, req: TokenRequest) {
    let a = c.account;
    if (c.configStatus !== 'enabled')
      throw conflict('auth_config_disabled', `auth config ${a.authConfigId} is disabled`);
    if (a.authScheme === 'api_token') return issueApiToken(p, a, req);
    if (a.status !== 'ACTIVE' || !a.accessTokenEnc) throw notActive(a);
    // One instant for the whole request: the min_ttl deadline and expires_in are counted from it.
    const now = clock.now();
    const generation = a.generation;
    if (
      a.expiresAt &&
      a.expiresAt < tokenNeed(req.minTtl, tokenLifetimeSeconds(a), now).needUntil
    ) {
      a = await refreshFor(a, req.minTtl, now);
    }
    const refreshed = a.generation !== generation;
    const accessToken = await deps.dataKeys.decrypt(
      tokenField(a.tenantId, a.id, 'access_token'),
      a.accessTokenEnc!,
    );
    const site = a.sites.find((s) => s.cloud_id === a.selectedCloudId) ?? null;
    issued(p, a, req.ip);
    return {
      access_token: accessToken,
      token_type: a.tokenType ?? 'Bearer',
      expires_at: a.expiresAt?.toISOString() ?? null,
      expires_in: a.expiresAt
        ? Math.max(0, Math.floor((a.expiresAt.getTime() - now.getTime()) / 1000))
        : null,
      scopes: a.grantedScopes,
      connected_account_id: a.id,
      refreshed,
      cloud_id: site?.cloud_id ?? null,
      site_url: site?.url ?? null,
      api_base_url: deps.providers.get(c.provider).apiBaseUrl(site?.cloud_id ?? null),
    };
  }

  return { forConfig, forAccount };
}

export type TokenService = ReturnType<typeof createTokenService>;
