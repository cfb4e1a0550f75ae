import type { Oauth2Settings } from './types.ts';
import { InternalError } from '../lib/errors.ts';
import { sameOrigin, tokenRequest, type ProviderHttp } from './http.ts';
import type { Provider, ProviderApp } from './types.ts';

/**
 * A generic OAuth 2.0 authorization-code provider with the iHub-style knobs of the auth config:
 * token body json|form, client_secret_post|basic, scope on token requests, PKCE, extra params.
 */
export function createOauth2Provider(http: ProviderHttp): Provider {
  const settings = (app: ProviderApp): Oauth2Settings => {
    if (!app.oauth2) {
      throw new InternalError(
        'oauth2_settings_missing',
        'an oauth2 auth config without oauth2 settings',
      );
    }
    return app.oauth2;
  };

  function token(app: ProviderApp, body: Record<string, string>) {
    const s = settings(app);
    const full = { ...body };
    if (s.include_scope_in_token_request) full.scope = app.scopes.join(s.scope_separator);
    const basic = s.client_auth === 'client_secret_basic';
    if (!basic) Object.assign(full, { client_id: app.clientId, client_secret: app.clientSecret });
    else full.client_id = app.clientId;
    return tokenRequest(http, app.tenantId, s.token_url, full, {
      format: s.token_request_format,
      basicAuth: basic ? { id: app.clientId, secret: app.clientSecret } : undefined,
    });
  }

  return {
    familyLifetimeDays: null,
    usesPkce: (app) => settings(app).pkce,
    // The configured issuer when there is one; else the authorization endpoint's origin.
    issuerMatches: (app, iss) => {
      const s = settings(app);
      return s.issuer ? iss === s.issuer : sameOrigin(iss, s.authorization_url ?? s.token_url);
    },
    authorizationUrl(app, { state, codeChallenge }) {
      const s = settings(app);
      if (!s.authorization_url) {
        throw new InternalError('oauth2_settings_missing', 'no authorization_url for this config');
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
      const s = settings(app);
      return token(app, {
        grant_type: 'client_credentials',
        ...(app.scopes.length && !s.include_scope_in_token_request
          ? { scope: app.scopes.join(s.scope_separator) }
          : {}),
      });
    },
    discover: async () => ({ sites: [], identity: null }),
    apiBaseUrl: () => null,
  };
}
