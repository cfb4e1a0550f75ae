import type { Db } from '../../db/client.ts';
import type { Principal } from '../../http/auth.ts';
import type { Clock } from '../../lib/clock.ts';
import { AppError, conflict, forbidden, notFound } from '../../lib/errors.ts';
import type { Providers } from '../../providers/index.ts';
import type { AuditWriter } from '../audit/writer.ts';
import type { AuthConfigService } from '../auth-configs/service.ts';
import type { AccountRow } from '../connected-accounts/repo.ts';
import { tokenField } from '../connected-accounts/service.ts';
import type { DataKeyService } from '../data-keys/service.ts';
import type { RefreshService } from '../refresh/service.ts';
import { requiredRemainingSeconds } from '../refresh/schedule.ts';
import * as repo from './repo.ts';

export interface TokenRequest {
  minTtl: number;
  ip: string;
}

/**
 * The hot path (SPEC §3): one read, one decryption, no database write in front of the caller. A
 * stored token that does not meet min_ttl is refreshed first, once across all callers and processes.
 */
export function createTokenService(deps: {
  db: Db;
  clock: Clock;
  dataKeys: DataKeyService;
  authConfigs: AuthConfigService;
  providers: Providers;
  refresh: RefreshService;
  audit: AuditWriter;
}) {
  const { db, clock } = deps;

  function allowed(p: Principal, configId: string) {
    if (p.role === 'service' && p.authConfigIds && !p.authConfigIds.includes(configId)) {
      throw forbidden(`this service key may not fetch tokens for auth config ${configId}`);
    }
  }

  function pick(rows: repo.Candidate[], configId: string, userId?: string): repo.Candidate {
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
    const rows = await repo.accountsForConfig(db, tenantId, configId, sel);
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
    const row = await repo.accountById(db, p.tenantId!, accountId);
    if (!row) throw notFound('connected_account', accountId);
    allowed(p, row.account.authConfigId);
    return issue(p, row, req);
  }

  const notActive = (a: AccountRow) =>
    conflict(
      'connected_account_not_active',
      `connected account ${a.id} is ${a.status}${a.statusReason ? ` (${a.statusReason})` : ''}`,
      {
        connected_account_status: a.status,
        status_reason: a.statusReason,
      },
    );

  async function issue(p: Principal, c: repo.Candidate, req: TokenRequest) {
    let a = c.account;
    if (c.configStatus !== 'enabled')
      throw conflict('auth_config_disabled', `auth config ${a.authConfigId} is disabled`);
    if (a.status !== 'ACTIVE' || !a.accessTokenEnc) throw notActive(a);
    const now = clock.now();
    let refreshed = false;
    if (a.expiresAt) {
      const need = requiredRemainingSeconds(
        req.minTtl,
        a.lastRefreshedAt,
        a.connectedAt,
        a.expiresAt,
      );
      const needUntil = new Date(now.getTime() + need * 1000);
      if (a.expiresAt <= needUntil) {
        const after = await deps.refresh.refreshNow(a.tenantId, a.id, needUntil);
        if (!after || after.status !== 'ACTIVE') throw notActive(after ?? a);
        refreshed = after.generation !== a.generation;
        a = after;
        if (!a.expiresAt || a.expiresAt <= clock.now()) {
          throw new AppError(
            'provider_unavailable',
            503,
            'Provider unavailable',
            'the token has expired and could not be refreshed yet; retry shortly',
            {},
            true,
          );
        }
      }
    }
    const accessToken = await deps.dataKeys.decrypt(
      tokenField(a.tenantId, a.id, 'access_token'),
      a.accessTokenEnc!,
    );
    const site = a.sites.find((s) => s.cloud_id === a.selectedCloudId) ?? null;
    deps.audit.record({
      tenantId: a.tenantId,
      actorKeyId: p.keyId,
      action: 'token.issued',
      resourceType: 'connected_account',
      resourceId: a.id,
      ip: req.ip,
      details: { auth_config_id: a.authConfigId, refreshed },
    });
    const at = clock.now();
    return {
      access_token: accessToken,
      token_type: a.tokenType ?? 'Bearer',
      expires_at: a.expiresAt?.toISOString() ?? null,
      expires_in: a.expiresAt
        ? Math.max(0, Math.floor((a.expiresAt.getTime() - at.getTime()) / 1000))
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
