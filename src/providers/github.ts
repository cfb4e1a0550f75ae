import { badRequest } from '../lib/errors.ts';
import { sameOrigin, sendJson, tokenRequest } from './http.ts';
import {
  ProviderError,
  type Identity,
  type ProviderApp,
  type ProviderDefinition,
  type TokenSet,
} from './types.ts';

/** GitHub refuses API requests without a User-Agent; it names who calls. */
const USER_AGENT = 'credential-vault';

/** The REST API version the vault's own calls (`/user`) are written against. */
const API_VERSION = '2022-11-28';

/**
 * What GitHub's token endpoint means by its `error` codes (it answers every one with HTTP 200):
 * a dead refresh token (spent, expired or revoked) ends the grant; refused client credentials are
 * the config's fault. Anything else (bad_verification_code, redirect_uri_mismatch,
 * unverified_user_email) is a plain refusal.
 */
const TOKEN_ERRORS = {
  bad_refresh_token: 'invalid_grant',
  incorrect_client_credentials: 'invalid_client',
} as const;

/** What a proxied call carries unless the caller says otherwise: GitHub's own media type. */
const API_HEADERS = { 'user-agent': USER_AGENT, accept: 'application/vnd.github+json' } as const;

/**
 * GitHub Apps user access tokens: authorize at `{GITHUB_URL}/login/oauth/authorize` with PKCE and
 * state, tokens from `{GITHUB_URL}/login/oauth/access_token` (8-hour access tokens, refresh tokens
 * that rotate on every use with no reuse leeway and live six months from each refresh; apps that
 * switched expiring tokens off get one token that lives until revoked), identity from
 * `{GITHUB_API_URL}/user`, no sites, and API calls to `{GITHUB_API_URL}/{path}`. GitHub Apps have
 * no OAuth scopes: what a token may do is the app's permissions, set in its settings.
 */
export const github = {
  schemes: ['oauth2_3lo'],
  settings: {
    url: {
      env: 'GITHUB_URL',
      default: 'https://github.com',
      description:
        "GitHub's authorize/token host (a GitHub Enterprise Server's own URL there); point it and the next one at the emulator to run without GitHub",
    },
    apiUrl: {
      env: 'GITHUB_API_URL',
      default: 'https://api.github.com',
      description:
        "GitHub's REST API (`/user`, the proxy's target and `api_base_url`; Enterprise Server: `https://HOST/api/v3`)",
    },
  } as const,
  // No absolute limit: each refresh token states its own end (refresh_token_expires_in).
  familyLifetimeDays: null,
  // A refresh kills the previous access token at once (docs/github.md).
  companionRevocationSeconds: 0,
  // A refresh token lives six months from its issue: an idle account is refreshed monthly.
  keepAliveDays: 30,
  pinsSites: false,

  /** None: a scope would suggest a limit GitHub never applies. */
  normalizeScopes(scopes) {
    if (scopes.length === 0) return [];
    throw badRequest(
      'unknown_scope',
      `body.scopes: GitHub Apps have no OAuth scopes ("${scopes[0]}"); what a token may do is the app's permissions, set in its settings: leave scopes empty`,
      { field: 'body.scopes[0]', scope: scopes[0] },
    );
  },

  create({ urls, http }) {
    // GitHub says "bearer"; callers get the scheme as every other OAuth grant gives it.
    const bearer = (t: TokenSet): TokenSet =>
      /^bearer$/i.test(t.tokenType) ? { ...t, tokenType: 'Bearer' } : t;
    const token = async (app: ProviderApp, body: Record<string, string>) =>
      bearer(
        await tokenRequest(
          http.operator,
          app.tenantId,
          `${urls.url}/login/oauth/access_token`,
          { client_id: app.clientId, client_secret: app.clientSecret, ...body },
          { format: 'form', errors: TOKEN_ERRORS, headers: { 'user-agent': USER_AGENT } },
        ),
      );

    return {
      // PKCE on top of the client secret, as GitHub recommends.
      usesPkce: () => true,
      issuerMatches: (_app, iss) => sameOrigin(iss, urls.url),
      authorizationUrl(app, { state, codeChallenge }) {
        const q = new URLSearchParams({
          client_id: app.clientId,
          redirect_uri: app.redirectUri,
          state,
          ...(codeChallenge
            ? { code_challenge: codeChallenge, code_challenge_method: 'S256' }
            : {}),
        });
        return `${urls.url}/login/oauth/authorize?${q}`;
      },
      exchangeCode: (app, { code, codeVerifier }) =>
        token(app, {
          code,
          redirect_uri: app.redirectUri,
          ...(codeVerifier ? { code_verifier: codeVerifier } : {}),
        }),
      refresh: (app, refreshToken) =>
        token(app, { grant_type: 'refresh_token', refresh_token: refreshToken }),

      async discover(app, accessToken) {
        const res = await sendJson(http.operator, {
          tenantId: app.tenantId,
          url: `${urls.apiUrl}/user`,
          method: 'GET',
          headers: {
            ...API_HEADERS,
            authorization: `Bearer ${accessToken}`,
            'x-github-api-version': API_VERSION,
          },
        });
        if (res.status === 200) return { sites: [], identity: toIdentity(res.json) };
        // A 403 with Retry-After or no requests left is a rate limit, not a refusal.
        const limited =
          res.status === 403 &&
          (res.headers['retry-after'] !== undefined ||
            res.headers['x-ratelimit-remaining'] === '0');
        const kind = res.status === 429 || res.status >= 500 || limited ? 'transient' : 'rejected';
        throw new ProviderError(kind, `/user answered ${res.status}`, res.status);
      },

      apiBaseUrl: () => urls.apiUrl,
      apiTarget: (_account, segments) => ({
        base: urls.apiUrl,
        rest: segments,
        origin: 'operator',
        headers: API_HEADERS,
      }),
    };
  },
} satisfies ProviderDefinition<'url' | 'apiUrl'>;

/** `GET /user` as an identity: the numeric id (as a string), login, name, email and avatar. */
function toIdentity(raw: unknown): Identity {
  const u = (raw ?? {}) as Record<string, unknown>;
  if (typeof u.id !== 'number' && typeof u.id !== 'string') {
    throw new ProviderError('rejected', '/user answered without an id');
  }
  const str = (k: string) => (typeof u[k] === 'string' && u[k] !== '' ? (u[k] as string) : null);
  return {
    account_id: String(u.id),
    login: str('login'),
    email: str('email'),
    name: str('name'),
    picture: str('avatar_url'),
  };
}
