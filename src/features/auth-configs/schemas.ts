import { Type, type Static } from 'typebox';
import { ListQuery, Timestamp } from '../../http/schemas.ts';
import { Name } from '../api-keys/schemas.ts';

const HttpUrl = Type.String({ maxLength: 2048, pattern: '^https?://[^\\s#]+$' });
const Token = Type.String({ minLength: 1, maxLength: 512, pattern: '^[\\x21-\\x7e]+$' });
const Scope = Type.String({ minLength: 1, maxLength: 200, pattern: '^[\\x21-\\x7e]+$' });
const Status = Type.Union([Type.Literal('enabled'), Type.Literal('disabled')]);
export const AuthSchemeSchema = Type.Union(
  [Type.Literal('oauth2_3lo'), Type.Literal('client_credentials'), Type.Literal('api_token')],
  {
    description:
      'oauth2_3lo: user consent through the connect flow (default); client_credentials: a service account’s OAuth 2.0 client credentials (accounts created by the API alone); api_token: Atlassian API tokens over HTTP Basic, one per connected account (atlassian only; no client id/secret)',
  },
);

const Oauth2Fields = {
  authorization_url: Type.Union([HttpUrl, Type.Null()], {
    description: 'required for oauth2_3lo; null for client_credentials configs',
  }),
  token_url: HttpUrl,
  authorization_params: Type.Record(
    Type.String({ pattern: '^[A-Za-z0-9_.-]{1,64}$' }),
    Type.String({ maxLength: 1024 }),
    {
      maxProperties: 20,
    },
  ),
  token_request_format: Type.Union([Type.Literal('json'), Type.Literal('form')]),
  client_auth: Type.Union([
    Type.Literal('client_secret_post'),
    Type.Literal('client_secret_basic'),
  ]),
  include_scope_in_token_request: Type.Boolean(),
  pkce: Type.Boolean(),
  scope_separator: Type.Union([Type.Literal(' '), Type.Literal(','), Type.Literal('+')]),
  issuer: Type.Union([HttpUrl, Type.Null()], {
    description:
      'RFC 9207 issuer; when the server sends `iss` to the callback it must equal this (default: the authorization URL’s origin)',
  }),
  api_base_url: Type.Union([HttpUrl, Type.Null()], {
    description:
      'where the proxy sends this config’s API calls (`…/proxy/{path}` → `{api_base_url}/{path}`); held to the same egress policy as token_url',
  }),
};

export const Oauth2Input = Type.Object(
  {
    authorization_url: Type.Optional(HttpUrl),
    token_url: Oauth2Fields.token_url,
    authorization_params: Type.Optional(Oauth2Fields.authorization_params),
    token_request_format: Type.Optional(Oauth2Fields.token_request_format),
    client_auth: Type.Optional(Oauth2Fields.client_auth),
    include_scope_in_token_request: Type.Optional(Oauth2Fields.include_scope_in_token_request),
    pkce: Type.Optional(Oauth2Fields.pkce),
    scope_separator: Type.Optional(Oauth2Fields.scope_separator),
    issuer: Type.Optional(Oauth2Fields.issuer),
    api_base_url: Type.Optional(Oauth2Fields.api_base_url),
  },
  { additionalProperties: false },
);
export type Oauth2InputT = Static<typeof Oauth2Input>;

const common = {
  name: Name,
  client_id: Token,
  client_secret: Type.String({ minLength: 1, maxLength: 1024, description: 'write-only' }),
  scopes: Type.Array(Scope, { minItems: 1, maxItems: 100 }),
  allowed_return_urls: Type.Array(HttpUrl, { maxItems: 50 }),
  status: Status,
};

export const CreateAuthConfigBody = Type.Object(
  {
    name: common.name,
    provider: Type.Union([Type.Literal('atlassian'), Type.Literal('oauth2')]),
    auth_scheme: Type.Optional(AuthSchemeSchema),
    client_id: Type.Optional(common.client_id),
    client_secret: Type.Optional(common.client_secret),
    scopes: common.scopes,
    allowed_return_urls: Type.Optional(common.allowed_return_urls),
    status: Type.Optional(common.status),
    oauth2: Type.Optional(Oauth2Input),
  },
  { additionalProperties: false },
);
export type CreateAuthConfigInput = Static<typeof CreateAuthConfigBody>;

export const UpdateAuthConfigBody = Type.Object(
  {
    name: Type.Optional(common.name),
    client_id: Type.Optional(common.client_id),
    client_secret: Type.Optional(common.client_secret),
    previous_secret_overlap_seconds: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 30 * 86400,
        description:
          'with client_secret: keep the old secret as a fallback this long (default 86400; 0 drops it)',
      }),
    ),
    scopes: Type.Optional(common.scopes),
    allowed_return_urls: Type.Optional(common.allowed_return_urls),
    status: Type.Optional(common.status),
    oauth2: Type.Optional(Oauth2Input),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateAuthConfigInput = Static<typeof UpdateAuthConfigBody>;

export const AuthConfig = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    provider: Type.String(),
    auth_scheme: AuthSchemeSchema,
    client_id: Type.Union([Type.String(), Type.Null()], {
      description: 'null for api_token configs',
    }),
    client_secret: Type.Object(
      {
        set: Type.Boolean({ description: 'false for api_token configs, which hold no secret' }),
        last4: Type.Union([Type.String(), Type.Null()], {
          description: 'the last 4 characters, shown only for secrets of 16 or more characters',
        }),
        updated_at: Timestamp,
        previous: Type.Union([
          Type.Object(
            { last4: Type.Union([Type.String(), Type.Null()]), expires_at: Timestamp },
            { additionalProperties: false },
          ),
          Type.Null(),
        ]),
        working: Type.Union([Type.Literal('current'), Type.Literal('previous'), Type.Null()], {
          description: 'which secret the provider last accepted (null: not used yet)',
        }),
      },
      { additionalProperties: false, description: 'the secret itself is write-only' },
    ),
    scopes: Type.Array(Type.String()),
    status: Status,
    allowed_return_urls: Type.Array(Type.String()),
    callback_url: Type.String({
      description:
        'this config’s own OAuth redirect URI (PUBLIC_URL/v1/oauth/callback/{id}): register it as the callback in the provider console',
    }),
    oauth2: Type.Union([Type.Object(Oauth2Fields, { additionalProperties: false }), Type.Null()]),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { additionalProperties: false },
);

export const AuthConfigListQuery = ListQuery({
  status: Type.Optional(Status),
  provider: Type.Optional(Type.Union([Type.Literal('atlassian'), Type.Literal('oauth2')])),
  auth_scheme: Type.Optional(AuthSchemeSchema),
});
