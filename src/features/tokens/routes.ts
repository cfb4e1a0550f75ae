import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { compileObjectSerializer } from '../../http/serialize.ts';
import { IdParam, Nullable, Timestamp, problems } from '../../http/schemas.ts';
import { tenantPrincipal } from '../../http/auth.ts';
import type { TenantPrincipal } from '../../lib/principal.ts';
import { ID_PATTERN } from '../../lib/ids.ts';
import type { Metrics } from '../metrics/metrics.ts';
import type { PolicyService } from '../policies/service.ts';
import type { TokenService } from './service.ts';

/**
 * Counts and times every token request by outcome (issued, refreshed, or the error's code), and
 * writes a success with the precompiled serializer. A request answered from memory is answered
 * without a promise: the service returns the value itself (or throws).
 */
function settle<T extends { refreshed: boolean }>(
  m: Metrics,
  reply: FastifyReply,
  started: number,
  r: T | Promise<T>,
): T | Promise<T> {
  if (!('then' in r)) return succeeded(m, reply, started, r);
  return r.then(
    (v) => succeeded(m, reply, started, v),
    (err: unknown) => failed(m, started, err),
  );
}

function succeeded<T extends { refreshed: boolean }>(
  m: Metrics,
  reply: FastifyReply,
  started: number,
  r: T,
): T {
  m.tokenOutcome(r.refreshed ? 'refreshed' : 'issued').n++;
  m.tokenLatency.observe((performance.now() - started) / 1000);
  // A reply's own serializer leaves the content type to the route.
  reply.header('content-type', 'application/json; charset=utf-8');
  reply.serializer(serializeToken);
  return r;
}

function failed(m: Metrics, started: number, err: unknown): never {
  m.tokenOutcome((err as { code?: string }).code ?? 'error').n++;
  m.tokenLatency.observe((performance.now() - started) / 1000);
  throw err;
}

const tags = ['tokens'];
// Token issuance is not an admin change: the token service counts it (audit: false here).
const roles = { roles: ['admin' as const, 'service' as const], audit: false as const };
// The hot path logs only warnings and errors: two info lines per call cost more than the call.
const logLevel = 'warn';

const MinTtl = Type.Integer({
  minimum: 0,
  maximum: 3300,
  default: 60,
  description:
    'seconds the returned token must stay valid (refreshed first if needed); at most 3300',
});

const TokenResponse = Type.Object(
  {
    access_token: Type.String(),
    token_type: Type.String(),
    expires_at: Nullable(Timestamp),
    expires_in: Nullable(Type.Integer()),
    scopes: Type.Array(Type.String()),
    connected_account_id: Type.String(),
    refreshed: Type.Boolean(),
    cloud_id: Nullable(Type.String()),
    site_url: Nullable(Type.String()),
    api_base_url: Nullable(
      Type.String({ description: 'e.g. https://api.atlassian.com/ex/jira/{cloudId}' }),
    ),
    cache_until: Nullable(
      Type.String({
        format: 'date-time',
        description:
          'the latest moment this token may be used from a cache of the caller: never after expires_at, and for providers that revoke an older token some time after a refresh (Atlassian: 10 minutes) never later than that long after this answer; null when the token has no expiry',
      }),
    ),
  },
  { additionalProperties: false },
);

const responses = { 200: TokenResponse, ...problems(400, 401, 403, 404, 409, 503) };
// The 200 answer's serializer, compiled from its schema once (src/http/serialize.ts).
const serializeToken = compileObjectSerializer(TokenResponse);

/** The endpoints every backend service calls before each outgoing request. */
export const tokenRoutes =
  (
    svc: TokenService,
    metrics: Metrics,
    policies: Pick<PolicyService, 'tokenRead'>,
  ): FastifyPluginAsyncTypebox =>
  async (app) => {
    function byConfig(
      principal: TenantPrincipal,
      configId: string,
      b: { user_id?: string; connected_account_id?: string; min_ttl?: number },
      ip: string,
      reply: FastifyReply,
    ) {
      const started = performance.now();
      try {
        const sel = { userId: b.user_id, accountId: b.connected_account_id };
        const r = svc.forConfig(principal, configId, sel, { minTtl: b.min_ttl ?? 60, ip });
        return settle(metrics, reply, started, r);
      } catch (err) {
        return failed(metrics, started, err);
      }
    }

    function byAccount(
      principal: TenantPrincipal,
      accountId: string,
      b: { min_ttl?: number },
      ip: string,
      reply: FastifyReply,
    ) {
      const started = performance.now();
      try {
        const r = svc.forAccount(principal, accountId, { minTtl: b.min_ttl ?? 60, ip });
        return settle(metrics, reply, started, r);
      } catch (err) {
        return failed(metrics, started, err);
      }
    }

    app.post(
      '/v1/auth-configs/:id/token',
      {
        config: roles,
        logLevel,
        schema: {
          tags,
          summary:
            'A fresh access token for the auth config’s connected account (select by user_id or connected_account_id)',
          params: IdParam('ac'),
          body: Type.Object(
            {
              user_id: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
              connected_account_id: Type.Optional(Type.String({ pattern: ID_PATTERN('ca') })),
              min_ttl: Type.Optional(MinTtl),
            },
            { additionalProperties: false },
          ),
          response: responses,
        },
      },
      (req, reply) => {
        const principal = tenantPrincipal(req);
        reply.header('cache-control', 'no-store');
        // A key with a policy may be refused raw tokens (proxy only), or have spent its budget.
        if (!principal.policy) return byConfig(principal, req.params.id, req.body, req.ip, reply);
        const b = req.body;
        const target = {
          tenantId: principal.tenantId,
          authConfigId: req.params.id,
          accountId: b.connected_account_id,
          userId: b.user_id,
        };
        return policies
          .tokenRead(principal, target, req.ip)
          .then(() => byConfig(principal, req.params.id, b, req.ip, reply));
      },
    );

    app.post(
      '/v1/connected-accounts/:id/token',
      {
        config: roles,
        logLevel,
        schema: {
          tags,
          summary: 'A fresh access token for this connected account',
          params: IdParam('ca'),
          body: Type.Object({ min_ttl: Type.Optional(MinTtl) }, { additionalProperties: false }),
          response: responses,
        },
      },
      (req, reply) => {
        const principal = tenantPrincipal(req);
        reply.header('cache-control', 'no-store');
        if (!principal.policy) return byAccount(principal, req.params.id, req.body, req.ip, reply);
        const target = { tenantId: principal.tenantId, accountId: req.params.id };
        return policies
          .tokenRead(principal, target, req.ip)
          .then(() => byAccount(principal, req.params.id, req.body, req.ip, reply));
      },
    );
  };
