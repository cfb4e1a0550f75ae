import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { IdParam, Nullable, Timestamp, problems } from '../../http/schemas.ts';
import { tenantPrincipal } from '../../http/auth.ts';
import { ID_PATTERN } from '../../lib/ids.ts';
import type { Metrics } from '../metrics/metrics.ts';
import type { PolicyService } from '../policies/service.ts';
import type { TokenService } from './service.ts';

/** Counts and times every token request by outcome: issued, refreshed, or the error's code. */
async function measured<T extends { refreshed: boolean }>(
  m: Metrics,
  run: () => Promise<T>,
): Promise<T> {
  const end = m.tokenLatency.startTimer();
  try {
    const r = await run();
    m.tokenRequests.inc({ outcome: r.refreshed ? 'refreshed' : 'issued' });
    return r;
  } catch (err) {
    m.tokenRequests.inc({ outcome: (err as { code?: string }).code ?? 'error' });
    throw err;
  } finally {
    end();
  }
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

/** The endpoints every backend service calls before each outgoing request. */
export const tokenRoutes =
  (
    svc: TokenService,
    metrics: Metrics,
    policies: Pick<PolicyService, 'tokenRead'>,
  ): FastifyPluginAsyncTypebox =>
  async (app) => {
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
      async (req, reply) => {
        const principal = tenantPrincipal(req);
        const tenantId = principal.tenantId;
        const b = req.body;
        reply.header('cache-control', 'no-store');
        // A key with a policy may be refused raw tokens (proxy only), or have spent its budget.
        if (req.principal!.policy)
          await policies.tokenRead(
            req.principal!,
            {
              tenantId,
              authConfigId: req.params.id,
              accountId: b.connected_account_id,
              userId: b.user_id,
            },
            req.ip,
          );
        return measured(metrics, () =>
          svc.forConfig(
            principal,
            req.params.id,
            { userId: b.user_id, accountId: b.connected_account_id },
            { minTtl: b.min_ttl ?? 60, ip: req.ip },
          ),
        );
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
      async (req, reply) => {
        const principal = tenantPrincipal(req);
        const tenantId = principal.tenantId;
        reply.header('cache-control', 'no-store');
        if (req.principal!.policy)
          await policies.tokenRead(req.principal!, { tenantId, accountId: req.params.id }, req.ip);
        return measured(metrics, () =>
          svc.forAccount(principal, req.params.id, {
            minTtl: req.body.min_ttl ?? 60,
            ip: req.ip,
          }),
        );
      },
    );
  };
