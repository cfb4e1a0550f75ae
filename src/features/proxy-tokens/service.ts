import type { ProxyTokenKeys } from '../../crypto/proxy-token-keys.ts';
import type { TrustedIssuerRow } from '../../db/schema/index.ts';
import type { Clock } from '../../lib/clock.ts';
import { conflict } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import type { Principal } from '../../lib/principal.ts';
import type { ApiKeyService } from '../api-keys/service.ts';
import type { AuditWriter } from '../audit/writer.ts';
import type { TokenCandidate } from '../connected-accounts/token-read-model.ts';
import type { PolicyLayer } from '../policies/policy.ts';
import { layersOf } from '../policies/service.ts';
import type { IssuerDirectory } from '../trusted-issuers/directory.ts';
import {
  PROXY_TOKEN_TYPE,
  signProxyToken,
  verifyProxyToken,
  type ProxyTokenParents,
} from './token.ts';

/** The most a proxy token may live. */
export const PROXY_TOKEN_MAX_SECONDS = 900;

/** Who acted and for whom, as audit details and the key their counts are kept apart by. */
export function actorOf(parents: ProxyTokenParents) {
  const audit: Record<string, unknown> = {};
  if (parents.k) audit.key_id = parents.k;
  if (parents.w) audit.workload = { issuer_id: parents.w.i, subject: parents.w.s };
  if (parents.u) audit.user = { issuer_id: parents.u.i, subject: parents.u.s };
  const actor = [
    parents.w && `${parents.w.i}:${parents.w.s}`,
    parents.u && `${parents.u.i}:${parents.u.s}`,
  ]
    .filter(Boolean)
    .join('|');
  return { audit, actor };
}

const usable = (row: TrustedIssuerRow | undefined, kind: string, configId: string) =>
  row &&
  row.kind === kind &&
  row.status === 'enabled' &&
  (!row.authConfigIds || row.authConfigIds.includes(configId))
    ? row
    : undefined;

/**
 * Proxy tokens: short-lived JWTs signed by the vault that the proxy routes accept instead of a
 * vault key, for one account and within the policies of whoever obtained them. Each use checks
 * that its key and issuers are still trusted, through the same cached lookups that the change feed
 * keeps current, so revoking a key or an issuer (or disabling the account) stops it within a second.
 */
export function createProxyTokenService(deps: {
  clock: Clock;
  keys: ProxyTokenKeys;
  /** the vault's public URL: the tokens' issuer and audience, and where the proxy is */
  publicUrl: string;
  defaultTtlSeconds: number;
  apiKeys: Pick<ApiKeyService, 'principalById'>;
  issuers: Pick<IssuerDirectory, 'byId'>;
  audit: Pick<AuditWriter, 'issued'>;
}) {
  const { clock } = deps;

  /**
   * A token for the account of `c`, for `parents`, within `layers` (their policies are written into
   * it; budgets are counted on use, per their holders). Never past `notAfter` (the tokens it was
   * exchanged for).
   */
  async function issue(
    p: Principal,
    c: TokenCandidate,
    parents: ProxyTokenParents,
    layers: PolicyLayer[],
    opts: { ttlSeconds?: number; notAfter?: Date; ip: string },
  ) {
    const a = c.account;
    if (c.configStatus !== 'enabled')
      throw conflict('auth_config_disabled', `auth config ${a.authConfigId} is disabled`);
    if (a.status !== 'ACTIVE')
      throw conflict(
        'connected_account_not_active',
        `connected account ${a.id} is ${a.status}${a.statusReason ? ` (${a.statusReason})` : ''}`,
        { connected_account_status: a.status, status_reason: a.statusReason },
      );
    const now = clock.now();
    const ttl = Math.min(opts.ttlSeconds ?? deps.defaultTtlSeconds, PROXY_TOKEN_MAX_SECONDS);
    let expires = now.getTime() + ttl * 1000;
    if (opts.notAfter) expires = Math.min(expires, opts.notAfter.getTime());
    const expiresAt = new Date(Math.floor(expires / 1000) * 1000);
    const id = newId('pt', now);
    const token = await signProxyToken(
      deps.keys,
      deps.publicUrl,
      {
        id,
        tenantId: a.tenantId,
        accountId: a.id,
        authConfigId: a.authConfigId,
        parents,
        policies: layers.map((l) => l.policy),
        expiresAt,
      },
      now,
    );
    const who = actorOf(parents);
    deps.audit.issued({
      tenantId: a.tenantId,
      actorKeyId: p.keyId,
      actorRole: p.role,
      action: 'proxy_token.issued',
      resourceId: a.id,
      ip: opts.ip,
      actor: who.actor,
      details: {
        ...who.audit,
        auth_config_id: a.authConfigId,
        user_id: a.userId,
        decision: 'allowed',
      },
    });
    return {
      access_token: token,
      issued_token_type: PROXY_TOKEN_TYPE,
      token_type: 'Bearer' as const,
      expires_in: Math.max(0, Math.floor((expires - now.getTime()) / 1000)),
      expires_at: expiresAt.toISOString(),
      connected_account_id: a.id,
      proxy_url: `${deps.publicUrl}/v1/connected-accounts/${a.id}/proxy/`,
    };
  }

  /** A service (or admin) key's own token for an account it may use. */
  const issueForKey = (
    p: Principal,
    c: TokenCandidate,
    opts: { ttlSeconds?: number; ip: string },
  ) => issue(p, c, { k: p.keyId }, layersOf(p), opts);

  /**
   * The caller a presented proxy token stands for, or null: a forged, expired or foreign token, or
   * one whose key or issuer is no longer trusted (revoked, disabled, deleted, narrowed away from
   * its auth config).
   */
  async function authenticate(token: string): Promise<Principal | null> {
    const claims = await verifyProxyToken(deps.keys, deps.publicUrl, token, clock.now());
    if (!claims) return null;
    const { parents: par, tenantId, authConfigId: ac } = claims;
    const layers: PolicyLayer[] = [];
    if (par.k) {
      const key = await deps.apiKeys.principalById(par.k);
      if (!key || key.tenantId !== tenantId) return null;
      if (key.authConfigIds && !key.authConfigIds.includes(ac)) return null;
      if (key.policy) layers.push({ source: 'key', id: par.k, holder: par.k, policy: key.policy });
    }
    for (const [who, kind] of [
      ['w', 'workload'],
      ['u', 'user'],
    ] as const) {
      const s = par[who];
      if (!s) continue;
      const issuer = usable(await deps.issuers.byId(tenantId, s.i), kind, ac);
      if (!issuer) return null;
      if (issuer.policy)
        layers.push({
          source: kind === 'user' ? 'user_issuer' : 'workload_issuer',
          id: issuer.id,
          holder: `${issuer.id}:${s.s}`,
          policy: issuer.policy,
        });
    }
    // What applied when it was issued still binds it (its budgets are counted above, by holder).
    for (const policy of claims.policies)
      layers.push({
        source: 'proxy_token',
        id: claims.id,
        holder: claims.id,
        policy: { ...policy, budget: null },
      });
    const who = actorOf(par);
    return {
      keyId: par.k ?? par.w?.i ?? par.u!.i,
      tenantId,
      role: 'service',
      authConfigIds: [ac],
      policy: null,
      via: {
        kind: 'proxy_token',
        layers,
        accountId: claims.accountId,
        // kept apart from the key's own calls in the audit counts
        actor: `pt|${who.actor}`,
        audit: { via: 'proxy_token', proxy_token_id: claims.id, ...who.audit },
      },
    };
  }

  return { issue, issueForKey, authenticate };
}

export type ProxyTokenService = ReturnType<typeof createProxyTokenService>;
