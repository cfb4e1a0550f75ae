import { Type, type Static, type TSchema } from 'typebox';
import { ListQuery, Literals, Timestamp } from '../../http/schemas.ts';
import { PROVIDER_CONFIG_FIELDS, PROVIDER_NAMES } from '../../providers/index.ts';
import { SCHEME_NAMES, SCHEMES_SUMMARY } from '../../schemes/index.ts';
import { Name } from '../api-keys/schemas.ts';

const HttpUrl = Type.String({ maxLength: 2048, pattern: '^https?://[^\\s#]+$' });
const Token = Type.String({ minLength: 1, maxLength: 512, pattern: '^[\\x21-\\x7e]+$' });
const Scope = Type.String({ minLength: 1, maxLength: 200, pattern: '^[\\x21-\\x7e]+$' });
const Status = Type.Union([Type.Literal('enabled'), Type.Literal('disabled')]);
export const AuthSchemeSchema = Literals(SCHEME_NAMES, { description: SCHEMES_SUMMARY });
const Provider = Literals(PROVIDER_NAMES);

/** Each provider's own field (e.g. `oauth2`) in the create and update bodies. */
const providerInputs = Object.fromEntries(
  PROVIDER_CONFIG_FIELDS.map((f) => [f.field, Type.Optional(f.input)]),
) as Record<string, ReturnType<typeof Type.Optional<TSchema>>>;

/** … and in the view: the config's own provider's settings, null for every other field. */
const providerViews = Object.fromEntries(
  PROVIDER_CONFIG_FIELDS.map((f) => [f.field, Type.Union([f.view, Type.Null()])]),
);

const common = {
  name: Name,
  client_id: Token,
  client_secret: Type.String({ minLength: 1, maxLength: 1024, description: 'write-only' }),
  // How many a config needs is its provider's rule (Atlassian and oauth2: at least one; GitHub
  // Apps have no OAuth scopes at all).
  scopes: Type.Array(Scope, {
    maxItems: 100,
    description:
      'the OAuth scopes to request, checked by the provider (an unknown Atlassian scope is a 400 naming the nearest known one); a provider without OAuth scopes takes an empty list',
  }),
  allowed_return_urls: Type.Array(HttpUrl, { maxItems: 50 }),
  status: Status,
  refresh_policy: Type.Union([Type.Literal('on_use'), Type.Literal('always')], {
    description:
      'on_use (default): accounts used within REFRESH_WARM_HOURS are refreshed ahead of expiry, idle ones on demand and kept alive by the worker; always: every account is refreshed ahead of expiry',
  }),
};

export const CreateAuthConfigBody = Type.Object(
  {
    name: common.name,
    provider: Provider,
    auth_scheme: Type.Optional(AuthSchemeSchema),
    client_id: Type.Optional(common.client_id),
    client_secret: Type.Optional(common.client_secret),
    scopes: Type.Optional(common.scopes),
    allowed_return_urls: Type.Optional(common.allowed_return_urls),
    status: Type.Optional(common.status),
    refresh_policy: Type.Optional(common.refresh_policy),
    ...providerInputs,
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
    refresh_policy: Type.Optional(common.refresh_policy),
    ...providerInputs,
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
    refresh_policy: common.refresh_policy,
    refresh_paused_until: Type.Union([Timestamp, Type.Null()], {
      description:
        "the provider's token endpoint rate-limited this app: no refresh of its accounts is sent before then (null: none paused)",
    }),
    callback_url: Type.String({
      description:
        'this config’s own OAuth redirect URI (PUBLIC_URL/v1/oauth/callback/{id}): register it as the callback in the provider console',
    }),
    ...providerViews,
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { additionalProperties: false },
);

export const AuthConfigListQuery = ListQuery({
  status: Type.Optional(Status),
  provider: Type.Optional(Provider),
  auth_scheme: Type.Optional(AuthSchemeSchema),
});
