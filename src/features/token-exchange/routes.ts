import formbody from '@fastify/formbody';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyError } from 'fastify';
import { Type } from 'typebox';
import { authenticateClient } from '../../http/auth.ts';
import { describeValidation } from '../../http/problem.ts';
import type { Limiter } from '../../http/rate-limit.ts';
import { Nullable, Timestamp } from '../../http/schemas.ts';
import { loggableError } from '../../db/errors.ts';
import type { ApiKeyService } from '../api-keys/service.ts';
import { OAuthError, oauthErrorOf } from './errors.ts';
import {
  ACCESS_TOKEN_TYPE,
  JWT_TOKEN_TYPES,
  TOKEN_EXCHANGE_GRANT,
  type TokenExchangeService,
} from './service.ts';
import { PROXY_TOKEN_TYPE } from '../proxy-tokens/token.ts';

const Token = Type.String({ minLength: 1, maxLength: 16_384 });
const TokenType = Type.String({ maxLength: 200, description: JWT_TOKEN_TYPES.join(' | ') });

// Form values are strings: the same names, and min_ttl as a number or its digits.
const Body = Type.Object(
  {
    grant_type: Type.String({ maxLength: 200, description: TOKEN_EXCHANGE_GRANT }),
    subject_token: Type.Optional(Token),
    subject_token_type: Type.Optional(TokenType),
    actor_token: Type.Optional(Token),
    actor_token_type: Type.Optional(TokenType),
    resource: Type.Optional(
      Type.String({
        maxLength: 2048,
        description: 'the auth config’s URL: PUBLIC_URL/v1/auth-configs/ac_…',
      }),
    ),
    audience: Type.Optional(Type.String({ maxLength: 200, description: 'the auth config’s id' })),
    requested_token_type: Type.Optional(
      Type.String({
        maxLength: 200,
        description: `${ACCESS_TOKEN_TYPE} (default: the user’s provider token) or ${PROXY_TOKEN_TYPE}`,
      }),
    ),
    min_ttl: Type.Optional(
      Type.Union([Type.Integer(), Type.String({ pattern: '^[0-9]{1,5}$' })], {
        description: 'for an access token: as on the token endpoint (default 60, at most 3300)',
      }),
    ),
    scope: Type.Optional(Type.String({ maxLength: 1000, description: 'accepted and ignored' })),
    client_id: Type.Optional(Type.String({ maxLength: 200 })),
    client_secret: Type.Optional(Type.String({ maxLength: 300 })),
  },
  // RFC 6749 §3.2: parameters a server does not know are ignored, not refused.
  { additionalProperties: true },
);

const Answer = Type.Object(
  {
    access_token: Type.String(),
    issued_token_type: Type.String(),
    token_type: Type.String(),
    expires_in: Nullable(Type.Integer()),
    scope: Type.String({ description: 'the scopes the provider granted the account' }),
    expires_at: Nullable(Timestamp),
    connected_account_id: Type.String(),
    // the token endpoint's fields (an access token)
    scopes: Type.Optional(Type.Array(Type.String())),
    refreshed: Type.Optional(Type.Boolean()),
    cloud_id: Type.Optional(Nullable(Type.String())),
    site_url: Type.Optional(Nullable(Type.String())),
    api_base_url: Type.Optional(Nullable(Type.String())),
    cache_until: Type.Optional(Nullable(Timestamp)),
    // a proxy token
    proxy_url: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

const OAuthErrorBody = Type.Object(
  {
    error: Type.String({ description: 'RFC 6749 §5.2 / RFC 8693 error code' }),
    error_description: Type.String(),
    code: Type.String({ description: 'the vault’s stable code' }),
    request_id: Type.String(),
  },
  { additionalProperties: true },
);

const description = `RFC 8693 token exchange. The caller authenticates with a service key (Authorization: Bearer; or client_secret_basic / client_secret_post with the key's id as client_id and the key as client_secret), or with an actor_token (a JWT of a trusted workload issuer) alone. subject_token is a JWT of a trusted user issuer: the user it names (its user_claim, mapped to a user_id) is whose connected account of the auth config named by resource or audience answers. requested_token_type ${ACCESS_TOKEN_TYPE} (default) returns the provider token, as the token endpoint does; ${PROXY_TOKEN_TYPE} a vault-signed proxy token for the proxy routes of that account. The policies of the key, the workload issuer and the user issuer all apply. Form-encoded or JSON. Errors are RFC 6749 §5.2 JSON with the vault's code (never problem+json).`;

const FASTIFY_BODY_ERRORS = /^FST_ERR_CTP_/;

/** POST /v1/oauth/token: the token exchange, answered as OAuth clients expect. */
export const tokenExchangeRoutes =
  (
    svc: TokenExchangeService,
    auth: {
      keys: Pick<ApiKeyService, 'check' | 'authenticate'>;
      limiter: Pick<Limiter, 'refusal' | 'failed' | 'countCaller'>;
    },
  ): FastifyPluginAsyncTypebox =>
  async (app) => {
    await app.register(formbody, { bodyLimit: 64 * 1024 });
    // Every refusal here is an OAuth error (RFC 6749 §5.2), never a problem document: the clients
    // of this endpoint are OAuth libraries.
    app.setErrorHandler((err: FastifyError, req, reply) => {
      let e = oauthErrorOf(err);
      if (err.validation) {
        const issues = describeValidation(err.validationContext ?? 'body', err.validation as never);
        e = oauthErrorOf(
          new OAuthError(
            'invalid_request',
            'invalid_request',
            issues.map((i) => `${i.field} ${i.message}`).join('; '),
          ),
        );
      } else if (err.code && FASTIFY_BODY_ERRORS.test(err.code)) {
        e = oauthErrorOf(new OAuthError('invalid_request', 'invalid_request', err.message));
      } else if (e.status >= 500 && e.error === 'server_error') {
        req.log.error({ err: loggableError(err) }, 'token exchange failed');
      }
      const retry = e.extra.retry_after_seconds;
      if (e.status === 429 || e.status === 503)
        reply.header('retry-after', String(typeof retry === 'number' ? retry : 1));
      if (e.status === 401 && req.headers.authorization)
        reply.header('www-authenticate', 'Basic realm="credential-vault"');
      const { retry_after_seconds: _r, ...extra } = e.extra;
      return reply
        .code(e.status)
        .headers({ 'cache-control': 'no-store', pragma: 'no-cache' })
        .type('application/json')
        .send({
          ...extra,
          error: e.error,
          error_description: e.description,
          code: e.code,
          request_id: req.id,
        });
    });

    app.post(
      '/v1/oauth/token',
      {
        config: { public: true, oauthClient: true },
        logLevel: 'warn',
        schema: {
          tags: ['token-exchange'],
          summary: 'Exchange a user’s identity token for their provider token or a proxy token',
          description,
          consumes: ['application/x-www-form-urlencoded', 'application/json'],
          body: Body,
          response: {
            200: Answer,
            400: OAuthErrorBody,
            401: OAuthErrorBody,
            429: OAuthErrorBody,
            503: OAuthErrorBody,
          },
        },
      },
      async (req, reply) => {
        const b = req.body;
        const key = await authenticateClient(req, auth.keys, auth.limiter, {
          clientId: b.client_id,
          clientSecret: b.client_secret,
        });
        // Authenticated by an actor token alone: a source past its failed authentications gets no
        // more verifications (each may cost a lookup), and a refused actor token counts as one.
        if (!key) {
          const refusal = auth.limiter.refusal(req.ip);
          if (refusal) throw refusal;
        }
        const answer = await svc
          .exchange(
            {
              grant_type: b.grant_type,
              subject_token: b.subject_token,
              subject_token_type: b.subject_token_type,
              actor_token: b.actor_token,
              actor_token_type: b.actor_token_type,
              resource: b.resource,
              audience: b.audience,
              requested_token_type: b.requested_token_type,
              min_ttl: b.min_ttl === undefined ? undefined : Number(b.min_ttl),
            },
            key,
            req.ip,
            (id) => auth.limiter.countCaller(id),
          )
          .catch((err: unknown) => {
            if (!key && err instanceof OAuthError && err.error === 'invalid_client')
              throw auth.limiter.failed(req.ip) ?? err;
            throw err;
          });
        reply.headers({ 'cache-control': 'no-store', pragma: 'no-cache' });
        return answer;
      },
    );
  };
