import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { tenantPrincipal } from '../../http/auth.ts';
import { IdParam, Timestamp, problems } from '../../http/schemas.ts';
import { ID_PATTERN } from '../../lib/ids.ts';
import type { TokenService } from '../tokens/service.ts';
import { PROXY_TOKEN_MAX_SECONDS, type ProxyTokenService } from './service.ts';
import { PROXY_TOKEN_TYPE } from './token.ts';

export const ProxyTokenResponse = Type.Object(
  {
    access_token: Type.String({
      description: 'send it as Authorization: Bearer to the proxy routes of this account (only)',
    }),
    issued_token_type: Type.Literal(PROXY_TOKEN_TYPE),
    token_type: Type.Literal('Bearer'),
    expires_in: Type.Integer(),
    expires_at: Timestamp,
    connected_account_id: Type.String(),
    proxy_url: Type.String({
      description: 'append the provider path: …/proxy/jira/rest/api/3/myself',
    }),
  },
  { additionalProperties: false },
);

const TtlSeconds = Type.Integer({
  minimum: 10,
  maximum: PROXY_TOKEN_MAX_SECONDS,
  description: `seconds the token lives (at most ${PROXY_TOKEN_MAX_SECONDS}; default PROXY_TOKEN_TTL_SECONDS)`,
});

const tags = ['proxy-tokens'];
// Like a token read: counted in the audit trail by the service, not an admin change.
const config = { roles: ['admin' as const, 'service' as const], audit: false as const };
const responses = { 200: ProxyTokenResponse, ...problems(400, 401, 403, 404, 409) };

/**
 * A proxy token for an account the key may use: handed to an agent or a browser-side helper, it
 * lets them call the provider through the proxy, for that account and within the key's policy,
 * for a few minutes, without ever holding the provider's token or the vault key.
 */
export const proxyTokenRoutes =
  (
    svc: ProxyTokenService,
    tokens: Pick<TokenService, 'candidateOfAccount' | 'candidateOfConfig'>,
  ): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.post(
      '/v1/connected-accounts/:id/proxy-token',
      {
        config,
        schema: {
          tags,
          summary: 'A short-lived proxy token for this account (proxy routes only)',
          params: IdParam('ca'),
          body: Type.Object(
            { ttl_seconds: Type.Optional(TtlSeconds) },
            { additionalProperties: false },
          ),
          response: responses,
        },
      },
      async (req, reply) => {
        const principal = tenantPrincipal(req);
        const c = await tokens.candidateOfAccount(principal, req.params.id);
        reply.header('cache-control', 'no-store');
        return svc.issueForKey(principal, c, { ttlSeconds: req.body.ttl_seconds, ip: req.ip });
      },
    );

    app.post(
      '/v1/auth-configs/:id/proxy-token',
      {
        config,
        schema: {
          tags,
          summary:
            'A short-lived proxy token for the auth config’s account (select by user_id or connected_account_id)',
          params: IdParam('ac'),
          body: Type.Object(
            {
              user_id: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
              connected_account_id: Type.Optional(Type.String({ pattern: ID_PATTERN('ca') })),
              ttl_seconds: Type.Optional(TtlSeconds),
            },
            { additionalProperties: false },
          ),
          response: responses,
        },
      },
      async (req, reply) => {
        const principal = tenantPrincipal(req);
        const b = req.body;
        const c = await tokens.candidateOfConfig(principal, req.params.id, {
          userId: b.user_id,
          accountId: b.connected_account_id,
        });
        reply.header('cache-control', 'no-store');
        return svc.issueForKey(principal, c, { ttlSeconds: b.ttl_seconds, ip: req.ip });
      },
    );
  };
