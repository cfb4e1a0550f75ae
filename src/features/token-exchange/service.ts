import { decodeJwt, type JWTPayload } from 'jose';
import type { TrustedIssuerRow } from '../../db/schema/index.ts';
import type { Clock } from '../../lib/clock.ts';
import { AppError } from '../../lib/errors.ts';
import type { Principal, TenantPrincipal } from '../../lib/principal.ts';
import type { AuditWriter } from '../audit/writer.ts';
import type { AuthConfigService } from '../auth-configs/service.ts';
import type { Metrics } from '../metrics/metrics.ts';
import type { PolicyLayer } from '../policies/policy.ts';
import { layersOf, type PolicyService } from '../policies/service.ts';
import type { ProxyTokenService } from '../proxy-tokens/service.ts';
import { PROXY_TOKEN_TYPE, type ProxyTokenParents } from '../proxy-tokens/token.ts';
import type { TokenService } from '../tokens/service.ts';
import type { IssuerDirectory } from '../trusted-issuers/directory.ts';
import { JwksError, type JwksCache } from '../trusted-issuers/jwks.ts';
import {
  TokenRefused,
  checkRequiredClaims,
  subjectOf,
  verifyIssuerToken,
} from '../trusted-issuers/verify.ts';
import { OAuthError, oauthErrorOf } from './errors.ts';
import { ACCESS_TOKEN_TYPE, checkRequest, targetOf, type ExchangeRequest } from './request.ts';

export { ACCESS_TOKEN_TYPE, JWT_TOKEN_TYPES, TOKEN_EXCHANGE_GRANT } from './request.ts';

/** A verified token of a trusted issuer: who it names, and until when it is good. */
interface Verified {
  issuer: TrustedIssuerRow;
  subject: string;
  expiresAt: Date;
}

/**
 * Token exchange (RFC 8693): a user's JWT from a trusted `user` issuer, presented by a service key
 * and/or a workload's JWT from a trusted `workload` issuer, becomes that user's token of one auth
 * config — a raw access token, or a proxy token — within the policies of everyone involved. The
 * user is whoever the subject token names; no caller picks a user_id.
 */
export function createTokenExchangeService(deps: {
  clock: Clock;
  publicUrl: string;
  issuers: Pick<IssuerDirectory, 'byIssuer' | 'workloadIssuers'>;
  jwks: JwksCache;
  tokens: Pick<TokenService, 'candidateOfConfig' | 'forAccount'>;
  authConfigs: Pick<AuthConfigService, 'missingIds'>;
  policies: Pick<PolicyService, 'tokenRead'>;
  proxyTokens: Pick<ProxyTokenService, 'issue'>;
  audit: Pick<AuditWriter, 'issued'>;
  metrics: Pick<Metrics, 'tokenExchanges'>;
}) {
  const { clock } = deps;
  const resourcePrefix = `${deps.publicUrl}/v1/auth-configs/`;

  /** The `iss` of a token, unverified: only to find the issuer whose keys then verify it. */
  function issOf(token: string, which: 'subject' | 'actor'): string {
    let payload: JWTPayload;
    try {
      payload = decodeJwt(token);
    } catch {
      throw refused(which, new TokenRefused('malformed', 'the token is not a JWT'));
    }
    if (typeof payload.iss !== 'string' || payload.iss === '')
      throw refused(which, new TokenRefused('issuer', 'the token names no issuer'));
    return payload.iss;
  }

  /** A refused subject token is a bad grant; a refused actor token a bad grant or a bad client. */
  function refused(which: 'subject' | 'actor', r: TokenRefused, asClient = false) {
    const extra = { reason: r.reason };
    const code = `${which}_token_invalid`;
    return asClient
      ? new OAuthError('invalid_client', code, `actor_token: ${r.message}`, extra)
      : new OAuthError('invalid_grant', code, `${which}_token: ${r.message}`, extra);
  }

  const untrusted = new TokenRefused('issuer', 'its issuer is not trusted by this tenant');

  async function verify(
    token: string,
    which: 'subject' | 'actor',
    issuer: TrustedIssuerRow | undefined,
    configId: string,
    asClient: boolean,
  ): Promise<Verified> {
    if (!issuer || issuer.status !== 'enabled') throw refused(which, untrusted, asClient);
    try {
      const payload = await verifyIssuerToken(token, issuer, deps.jwks, clock.now());
      checkRequiredClaims(payload, issuer);
      const subject = subjectOf(payload, issuer);
      if (issuer.authConfigIds && !issuer.authConfigIds.includes(configId))
        throw new OAuthError(
          'invalid_target',
          'auth_config_not_allowed',
          `the ${issuer.kind} issuer ${issuer.id} may not reach auth config ${configId}`,
        );
      return { issuer, subject, expiresAt: new Date((payload.exp as number) * 1000) };
    } catch (err) {
      if (err instanceof TokenRefused) throw refused(which, err, asClient);
      // The issuer's keys could not be had: the token cannot be verified. Down or slow is worth a
      // retry; an answer that is too large, not a key set, or refused by the egress policy is not.
      if (err instanceof JwksError)
        throw err.retryable
          ? new OAuthError(
              'temporarily_unavailable',
              err.code,
              `${which}_token: ${err.detail}`,
              err.extra,
              503,
            )
          : new OAuthError(
              asClient ? 'invalid_client' : 'invalid_grant',
              err.code,
              `${which}_token: ${err.detail}`,
            );
      throw err;
    }
  }

  /** The tenant of an exchange authenticated by a workload token alone: its issuer's. */
  async function workloadTenant(iss: string, configId: string) {
    for (const issuer of await deps.issuers.workloadIssuers(iss)) {
      if (issuer.status !== 'enabled') continue;
      const missing = await deps.authConfigs.missingIds(issuer.tenantId, [configId]);
      if (missing.length === 0) return issuer;
    }
    throw refused('actor', untrusted, true);
  }

  async function run(
    r: ExchangeRequest,
    key: Principal | null,
    ip: string,
    onCaller: (id: string) => void,
  ) {
    const requested = checkRequest(r);
    const configId = targetOf(r, resourcePrefix);
    if (!key && !r.actor_token)
      throw new OAuthError(
        'invalid_client',
        'invalid_client',
        'authenticate with a service key (Bearer, client_secret_basic or client_secret_post) or an actor_token',
      );
    let tenantId = key?.tenantId ?? null;
    let actor: Verified | undefined;
    /** A refusal after the caller is known is audited (a failed client authentication is not). */
    const denied = (err: unknown) => {
      const e = oauthErrorOf(err);
      if (!tenantId || e.code === 'policy_denied' || e.code === 'policy_budget_exhausted') return;
      deps.audit.issued({
        tenantId,
        actorKeyId: key?.keyId ?? actor?.issuer.id ?? null,
        actorRole: 'service',
        action: 'exchange.denied',
        resourceType: 'auth-configs',
        resourceId: configId,
        ip,
        actor: actor ? `${actor.issuer.id}:${actor.subject}` : undefined,
        details: {
          ...(actor ? { workload: { issuer_id: actor.issuer.id, subject: actor.subject } } : {}),
          decision: 'denied',
          error: e.error,
          code: e.code,
          ...(e.extra.reason ? { reason: e.extra.reason } : {}),
        },
      });
    };
    try {
      if (r.actor_token) {
        const iss = issOf(r.actor_token, 'actor');
        const issuer = key
          ? await deps.issuers.byIssuer(key.tenantId!, 'workload', iss)
          : await workloadTenant(iss, configId);
        actor = await verify(r.actor_token, 'actor', issuer, configId, !key);
        tenantId = actor.issuer.tenantId;
      }
      const caller = key?.keyId ?? actor!.issuer.id;
      onCaller(key ? caller : `${caller}:${actor!.subject}`);
      const user = await verify(
        r.subject_token!,
        'subject',
        await deps.issuers.byIssuer(tenantId!, 'user', issOf(r.subject_token!, 'subject')),
        configId,
        false,
      );
      const layers: PolicyLayer[] = [...(key ? layersOf(key) : [])];
      for (const v of [actor, user]) {
        if (v?.issuer.policy)
          layers.push({
            source: v.issuer.kind === 'user' ? 'user_issuer' : 'workload_issuer',
            id: v.issuer.id,
            holder: `${v.issuer.id}:${v.subject}`,
            policy: v.issuer.policy,
          });
      }
      const parents: ProxyTokenParents = { u: { i: user.issuer.id, s: user.subject } };
      if (key) parents.k = key.keyId;
      if (actor) parents.w = { i: actor.issuer.id, s: actor.subject };
      const audit: Record<string, unknown> = { via: 'exchange' };
      if (key) audit.key_id = key.keyId;
      if (actor) audit.workload = { issuer_id: actor.issuer.id, subject: actor.subject };
      audit.user = { issuer_id: user.issuer.id, subject: user.subject };
      // The user's issuer was found in the tenant: the exchange acts there.
      const principal: TenantPrincipal = {
        keyId: caller,
        tenantId: user.issuer.tenantId,
        role: 'service',
        authConfigIds: key?.authConfigIds ?? null,
        policy: null,
        via: {
          kind: 'exchange',
          layers,
          actor: `${actor ? `${actor.issuer.id}:${actor.subject}` : ''}|${user.issuer.id}:${user.subject}`,
          audit,
        },
      };
      const candidate = await deps.tokens.candidateOfConfig(principal, configId, {
        userId: user.subject,
      });
      if (requested === PROXY_TOKEN_TYPE) {
        const notAfter = new Date(
          Math.min(user.expiresAt.getTime(), actor?.expiresAt.getTime() ?? Infinity),
        );
        const answer = await deps.proxyTokens.issue(principal, candidate, parents, layers, {
          notAfter,
          ip,
        });
        return { ...answer, scope: candidate.account.grantedScopes.join(' ') };
      }
      const target = {
        tenantId: tenantId!,
        authConfigId: configId,
        accountId: candidate.account.id,
        userId: candidate.account.userId,
      };
      if (layers.length) await deps.policies.tokenRead(principal, target, ip);
      const t = await deps.tokens.forAccount(principal, candidate.account.id, {
        minTtl: r.min_ttl ?? 60,
        ip,
      });
      return {
        ...t,
        issued_token_type: ACCESS_TOKEN_TYPE,
        scope: t.scopes.join(' '),
      };
    } catch (err) {
      denied(err);
      throw err;
    }
  }

  /** One exchange; counted by outcome (the access token, a proxy token, or the error's code). */
  async function exchange(
    r: ExchangeRequest,
    key: Principal | null,
    ip: string,
    onCaller: (id: string) => void = () => {},
  ) {
    try {
      const answer = await run(r, key, ip, onCaller);
      deps.metrics.tokenExchanges.inc({
        outcome: answer.issued_token_type === PROXY_TOKEN_TYPE ? 'proxy_token' : 'access_token',
      });
      return answer;
    } catch (err) {
      deps.metrics.tokenExchanges.inc({
        outcome: err instanceof AppError ? err.code : 'internal_error',
      });
      throw err;
    }
  }

  return { exchange };
}

export type TokenExchangeService = ReturnType<typeof createTokenExchangeService>;
