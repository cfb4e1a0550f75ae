import { Type, type Static } from 'typebox';
import { InternalError, badRequest, conflict } from '../lib/errors.ts';
import { tenantUrl } from '../lib/tenant-urls.ts';
import { sameOrigin, tokenRequest } from './http.ts';
import type { ApiAccount, ProviderApp, ProviderDefinition } from './types.ts';

const HttpUrl = Type.String({ maxLength: 2048, pattern: '^https?://[^\\s#]+$' });

const Fields = {
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

/** The knobs of a generic OAuth 2.0 auth config (iHub-style), in the create and update bodies. */
export const Oauth2Input = Type.Object(
  {
    authorization_url: Type.Optional(HttpUrl),
    token_url: Fields.token_url,
    authorization_params: Type.Optional(Fields.authorization_params),
    token_request_format: Type.Optional(Fields.token_request_format),
    client_auth: Type.Optional(Fields.client_auth),
    include_scope_in_token_request: Type.Optional(Fields.include_scope_in_token_request),
    pkce: Type.Optional(Fields.pkce),
    scope_separator: Type.Optional(Fields.scope_separator),
    issuer: Type.Optional(Fields.issuer),
    api_base_url: Type.Optional(Fields.api_base_url),
  },
  { additionalProperties: false },
);
type Oauth2InputT = Static<typeof Oauth2Input>;

/** The knobs as stored (the auth config's provider settings). */
export interface Oauth2Settings {
  /** null for client_credentials configs (no authorization step) */
  authorization_url: string | null;
  token_url: string;
  authorization_params: Record<string, string>;
  token_request_format: 'json' | 'form';
  client_auth: 'client_secret_post' | 'client_secret_basic';
  include_scope_in_token_request: boolean;
  pkce: boolean;
  scope_separator: ' ' | ',' | '+';
  /** RFC 9207 issuer identifier, checked against the callback's `iss` when the server sends one */
  issuer?: string | null;
  /** where the proxy sends API calls (configs stored before it existed have none) */
  api_base_url?: string | null;
}

/** The stored settings of a config of this provider (written by `normalize` below). */
function settingsOf(holder: { settings: unknown }): Oauth2Settings {
  if (!holder.settings) {
    throw new InternalError(
      'oauth2_settings_missing',
      'an oauth2 auth config without oauth2 settings',
    );
  }
  return holder.settings as Oauth2Settings;
}

/**
 * A generic OAuth 2.0 provider with the iHub-style knobs of the auth config: token body
 * json|form, client_secret_post|basic, scope on token requests, PKCE, extra params, an RFC 9207
 * issuer, and the API base the proxy calls. Every URL is the tenant's: the egress-policy agent.
 */
export const oauth2 = {
  schemes: ['oauth2_3lo', 'client_credentials'],
  settings: {},
  familyLifetimeDays: null,
  // Unknown per server: an older access token is taken to live to its expiry.
  companionRevocationSeconds: null,
  // Unknown per server; 30 days stays inside the common limits (90 days and more).
  keepAliveDays: 30,
  pinsSites: false,
  normalizeScopes(scopes) {
    if (scopes.length === 0)
      throw badRequest('invalid_request', 'body.scopes must list at least one scope', {
        field: 'body.scopes',
      });
    return [...new Set(scopes)];
  },

  configFields: {
    field: 'oauth2',
    input: Oauth2Input,
    view: Type.Object(Fields, { additionalProperties: false }),
    normalize(input, current, { policy, needsAuthorization }): Oauth2Settings {
      const merged = {
        ...(current as Oauth2Settings | null),
        ...(input as Oauth2InputT | undefined),
      };
      // Client credentials have no authorization step: the token URL is all they need.
      if (!merged.token_url || (needsAuthorization && !merged.authorization_url)) {
        throw badRequest(
          'invalid_request',
          needsAuthorization
            ? 'body.oauth2 with authorization_url and token_url is required for provider oauth2'
            : 'body.oauth2 with token_url is required for provider oauth2',
        );
      }
      for (const field of ['authorization_url', 'token_url', 'issuer', 'api_base_url'] as const) {
        const value = merged[field];
        if (value) tenantUrl(`body.oauth2.${field}`, value, policy);
      }
      return {
        authorization_url: merged.authorization_url ?? null,
        token_url: merged.token_url,
        authorization_params: merged.authorization_params ?? {},
        token_request_format: merged.token_request_format ?? 'form',
        client_auth: merged.client_auth ?? 'client_secret_basic',
        include_scope_in_token_request: merged.include_scope_in_token_request ?? false,
        pkce: merged.pkce ?? true,
        scope_separator: merged.scope_separator ?? ' ',
        issuer: merged.issuer ?? null,
        // without a trailing slash: proxied paths are appended after one
        api_base_url: merged.api_base_url ? merged.api_base_url.replace(/\/+$/, '') : null,
      };
    },
    urlsToCall(settings) {
      const s = settings as Oauth2Settings;
      return s.api_base_url ? [s.token_url, s.api_base_url] : [s.token_url];
    },
    present(settings) {
      const s = settings as Oauth2Settings;
      return {
        ...s,
        authorization_url: s.authorization_url ?? null,
        issuer: s.issuer ?? null,
        api_base_url: s.api_base_url ?? null,
      };
    },
  },

  create({ http }) {
    const client = http.tenant;

    function token(app: ProviderApp, body: Record<string, string>) {
      const s = settingsOf(app);
      const full = { ...body };
      if (s.include_scope_in_token_request) full.scope = app.scopes.join(s.scope_separator);
      const basic = s.client_auth === 'client_secret_basic';
      if (!basic) Object.assign(full, { client_id: app.clientId, client_secret: app.clientSecret });
      else full.client_id = app.clientId;
      return tokenRequest(client, app.tenantId, s.token_url, full, {
        format: s.token_request_format,
        basicAuth: basic ? { id: app.clientId, secret: app.clientSecret } : undefined,
      });
    }

    const apiBaseUrl = (account: ApiAccount) => settingsOf(account).api_base_url ?? null;

    return {
      usesPkce: (app) => settingsOf(app).pkce,
      // The configured issuer when there is one; else the authorization endpoint's origin.
      issuerMatches: (app, iss) => {
        const s = settingsOf(app);
        return s.issuer ? iss === s.issuer : sameOrigin(iss, s.authorization_url ?? s.token_url);
      },
      authorizationUrl(app, { state, codeChallenge }) {
        const s = settingsOf(app);
        if (!s.authorization_url) {
          throw new InternalError(
            'oauth2_settings_missing',
            'no authorization_url for this config',
          );
        }
        const url = new URL(s.authorization_url);
        for (const [k, v] of Object.entries(s.authorization_params)) url.searchParams.set(k, v);
        url.searchParams.set('response_type', 'code');
        url.searchParams.set('client_id', app.clientId);
        url.searchParams.set('redirect_uri', app.redirectUri);
        url.searchParams.set('scope', app.scopes.join(s.scope_separator));
        url.searchParams.set('state', state);
        if (codeChallenge) {
          url.searchParams.set('code_challenge', codeChallenge);
          url.searchParams.set('code_challenge_method', 'S256');
        }
        return url.toString();
      },
      exchangeCode: (app, { code, codeVerifier }) =>
        token(app, {
          grant_type: 'authorization_code',
          code,
          redirect_uri: app.redirectUri,
          ...(codeVerifier ? { code_verifier: codeVerifier } : {}),
        }),
      refresh: (app, refreshToken) =>
        token(app, { grant_type: 'refresh_token', refresh_token: refreshToken }),
      // RFC 6749 §4.4; the scope names what the client asks for (servers may narrow it).
      clientCredentials: (app) => {
        const s = settingsOf(app);
        return token(app, {
          grant_type: 'client_credentials',
          ...(app.scopes.length && !s.include_scope_in_token_request
            ? { scope: app.scopes.join(s.scope_separator) }
            : {}),
        });
      },
      discover: async () => ({ sites: [], identity: null }),
      apiBaseUrl,
      apiTarget(account, segments) {
        const base = apiBaseUrl(account);
        if (!base) {
          throw conflict(
            'proxy_not_configured',
            `auth config ${account.authConfigId} has no oauth2.api_base_url; set one to proxy its calls`,
          );
        }
        return { base, rest: segments, origin: 'tenant' };
      },
    };
  },
} satisfies ProviderDefinition<never>;
