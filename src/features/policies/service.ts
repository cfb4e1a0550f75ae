import type { IncomingHttpHeaders } from 'node:http';
import type { Db } from '../../db/client.ts';
import type { Clock } from '../../lib/clock.ts';
import { AppError } from '../../lib/errors.ts';
import type { Principal } from '../../lib/principal.ts';
import type { AuditWriter } from '../audit/writer.ts';
import { allowsCall, type PolicyLayer } from './policy.ts';
import * as repo from './repo.ts';

export const POLICY_DENIED = 'policy_denied';
export const POLICY_BUDGET_EXHAUSTED = 'policy_budget_exhausted';

/** Headers some servers read as the method: a rule allowing POST must not let a DELETE through. */
const METHOD_OVERRIDES = ['x-http-method-override', 'x-http-method', 'x-method-override'];

const whose = (l: PolicyLayer) =>
  l.source === 'key'
    ? `key ${l.id}`
    : l.source === 'proxy_token'
      ? 'this proxy token'
      : `the ${l.source === 'user_issuer' ? 'user' : 'workload'} issuer ${l.id}`;

/** 403 `policy_denied`, naming the policy and the rule it would need. */
export function policyDenied(
  layer: Pick<PolicyLayer, 'source' | 'id'> | null,
  missing: Record<string, unknown>,
  detail: string,
) {
  return new AppError(POLICY_DENIED, 403, 'Forbidden', `${detail}; nothing was sent`, {
    policy: layer ? { source: layer.source, id: layer.id } : null,
    missing_rule: missing,
  });
}

/** The policies a call of `p` must pass: none for a key without one (a null check). */
export const layersOf = (p: Principal): PolicyLayer[] =>
  p.via
    ? p.via.layers
    : p.policy
      ? [{ source: 'key', id: p.keyId, holder: p.keyId, policy: p.policy }]
      : [];

/** What a token read or proxied call is on: the account (or, before it is known, the config). */
export interface Target {
  tenantId: string;
  authConfigId?: string;
  accountId?: string;
  userId?: string | null;
}

/**
 * The policy decisions: a token read or a proxied call of a holder with a policy is checked against
 * every policy that applies, before anything is read or sent, and counted against their budgets.
 * A denial is audited (aggregated per minute like issuances) and counted.
 */
export function createPolicyService(deps: {
  db: Db;
  clock: Clock;
  audit: Pick<AuditWriter, 'issued'>;
  /** cv_policy_decisions_total (typed here: metrics depends on features that depend on this) */
  metrics: { policyDecisions: { inc(labels: { on: string; decision: string }): void } };
}) {
  const { clock } = deps;

  function audited(p: Principal, t: Target, ip: string, action: string, extra: object) {
    deps.audit.issued({
      tenantId: t.tenantId,
      actorKeyId: p.keyId,
      actorRole: p.role,
      action,
      resourceType: t.accountId ? 'connected-accounts' : 'auth-configs',
      resourceId: t.accountId ?? t.authConfigId ?? null,
      ip,
      actor: p.via?.actor,
      details: {
        ...p.via?.audit,
        auth_config_id: t.authConfigId ?? null,
        user_id: t.userId ?? null,
        decision: 'denied',
        ...extra,
      },
    });
  }

  /** Counts a request against every budget in `layers`; throws 429 once one is spent. */
  async function spend(layers: PolicyLayer[], tenantId: string) {
    const now = clock.now().getTime();
    for (const l of layers) {
      const b = l.policy.budget;
      if (!b) continue;
      const windowMs = b.window_seconds * 1000;
      const start = new Date(Math.floor(now / windowMs) * windowMs);
      const { used, windowStart } = await repo.countRequest(deps.db, tenantId, l.holder, start);
      if (used > b.requests) {
        const wait = Math.max(1, Math.ceil((windowStart.getTime() + windowMs - now) / 1000));
        throw new AppError(
          POLICY_BUDGET_EXHAUSTED,
          429,
          'Too many requests',
          `the budget of ${whose(l)} (${b.requests} requests per ${b.window_seconds} s) is spent; it renews in ${wait} s; nothing was sent`,
          { policy: { source: l.source, id: l.id }, retry_after_seconds: wait },
          true,
        );
      }
    }
  }

  async function decide(
    p: Principal,
    t: Target,
    ip: string,
    on: 'token' | 'proxy',
    check: (layers: PolicyLayer[]) => void,
  ) {
    const layers = layersOf(p);
    try {
      check(layers);
      await spend(layers, t.tenantId);
      deps.metrics.policyDecisions.inc({ on, decision: 'allowed' });
    } catch (err) {
      if (err instanceof AppError) {
        deps.metrics.policyDecisions.inc({ on, decision: 'denied' });
        audited(p, t, ip, on === 'token' ? 'token.denied' : 'proxy.denied', {
          code: err.code,
          ...(err.extra.missing_rule ? { missing_rule: err.extra.missing_rule } : {}),
          ...(err.extra.policy ? { policy: err.extra.policy } : {}),
        });
      }
      throw err;
    }
  }

  /** A raw token read (token routes, a token exchange for an access token). */
  const tokenRead = (p: Principal, t: Target, ip: string) =>
    decide(p, t, ip, 'token', (layers) => {
      const refusing = layers.find((l) => l.policy.token === false);
      if (refusing)
        throw policyDenied(
          refusing,
          { token: true },
          `the policy of ${whose(refusing)} allows proxied calls only, not raw tokens (token: false)`,
        );
    });

  /** A proxied call, checked before its token is read or anything is sent upstream. */
  const proxyCall = (
    p: Principal,
    t: Target & { accountId: string },
    method: string,
    segments: string[],
    headers: IncomingHttpHeaders,
    ip: string,
  ) =>
    decide(p, t, ip, 'proxy', (layers) => {
      if (p.via?.accountId && p.via.accountId !== t.accountId)
        throw policyDenied(
          { source: 'proxy_token', id: p.via.accountId },
          { connected_account_id: t.accountId },
          `this proxy token is for connected account ${p.via.accountId} only`,
        );
      const methods = [method];
      for (const h of METHOD_OVERRIDES) {
        const v = headers[h];
        if (typeof v === 'string') methods.push(v.trim().toUpperCase());
        else if (Array.isArray(v)) methods.push(...v.map((x) => x.trim().toUpperCase()));
      }
      const path = segments.join('/');
      for (const l of layers) {
        const missing = methods.find((m) => !allowsCall(l.policy, [m], segments));
        if (missing !== undefined)
          throw policyDenied(
            l,
            { methods: [missing], paths: [path] },
            `the policy of ${whose(l)} has no rule allowing ${missing} ${path}`,
          );
      }
    });

  return { tokenRead, proxyCall };
}

export type PolicyService = ReturnType<typeof createPolicyService>;
