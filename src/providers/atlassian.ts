import type { Identity, Site } from './types.ts';
import { ATLASSIAN_IMPLICIT_SCOPES } from './atlassian-scopes.ts';
import { ProviderError, type Provider, type ProviderApp } from './types.ts';
import { sameOrigin, sendJson, tokenRequest, type ProviderHttp } from './http.ts';

/**
 * Atlassian OAuth 2.0 (3LO): JSON token requests, `audience` and `prompt=consent` on authorize,
 * `offline_access` (refresh tokens) and `read:me` (identity) added to every request, no PKCE (not
 * documented for 3LO), no scope on refresh, sites from accessible-resources and identity from /me.
 */
export function createAtlassianProvider(
  urls: { authUrl: string; apiUrl: string },
  http: ProviderHttp,
): Provider {
  const requestedScopes = (app: ProviderApp) => [
    ...new Set([...app.scopes, ...ATLASSIAN_IMPLICIT_SCOPES]),
  ];

  async function getJson(tenantId: string, url: string, accessToken: string): Promise<unknown> {
    const res = await sendJson(http, {
      tenantId,
      url,
      method: 'GET',
      headers: { authorization: `Bearer ${accessToken}` },
    });
    if (res.status === 200) return res.json;
    const kind = res.status === 429 || res.status >= 500 ? 'transient' : 'rejected';
    throw new ProviderError(kind, `${new URL(url).pathname} answered ${res.status}`, res.status);
  }

  return {
    familyLifetimeDays: 365,
    // PKCE on top of the client secret: a code that leaks cannot be redeemed without the verifier
    // of the session that asked for it.
    usesPkce: () => true,
    issuerMatches: (_app, iss) => sameOrigin(iss, urls.authUrl),
    authorizationUrl(app, { state, codeChallenge }) {
      const q = new URLSearchParams({
        audience: 'api.atlassian.com',
        client_id: app.clientId,
        scope: requestedScopes(app).join(' '),
        redirect_uri: app.redirectUri,
        state,
        response_type: 'code',
        prompt: 'consent',
        ...(codeChallenge ? { code_challenge: codeChallenge, code_challenge_method: 'S256' } : {}),
      });
      return `${urls.authUrl}/authorize?${q.toString().replace(/\+/g, '%20')}`;
    },
    exchangeCode: (app, { code, codeVerifier }) =>
      tokenRequest(
        http,
        app.tenantId,
        `${urls.authUrl}/oauth/token`,
        {
          grant_type: 'authorization_code',
          client_id: app.clientId,
          client_secret: app.clientSecret,
          code,
          redirect_uri: app.redirectUri,
          ...(codeVerifier ? { code_verifier: codeVerifier } : {}),
        },
        { format: 'json' },
      ),
    refresh: (app, refreshToken) =>
      tokenRequest(
        http,
        app.tenantId,
        `${urls.authUrl}/oauth/token`,
        {
          grant_type: 'refresh_token',
          client_id: app.clientId,
          client_secret: app.clientSecret,
          refresh_token: refreshToken,
        },
        { format: 'json' },
      ),
    // A service account's credential: the scopes are those chosen for it in admin.atlassian.com.
    clientCredentials: (app) =>
      tokenRequest(
        http,
        app.tenantId,
        `${urls.authUrl}/oauth/token`,
        {
          grant_type: 'client_credentials',
          client_id: app.clientId,
          client_secret: app.clientSecret,
        },
        { format: 'json' },
      ),
    async discover(app, accessToken, opts = {}) {
      const [resources, me] = await Promise.all([
        getJson(app.tenantId, `${urls.apiUrl}/oauth/token/accessible-resources`, accessToken),
        getJson(app.tenantId, `${urls.apiUrl}/me`, accessToken).catch((err: unknown) => {
          if (opts.identityOptional && err instanceof ProviderError && err.kind === 'rejected')
            return undefined;
          throw err;
        }),
      ]);
      return { sites: toSites(resources), identity: toIdentity(me) };
    },
    apiBaseUrl: (cloudId) => (cloudId ? `${urls.apiUrl}/ex/jira/${cloudId}` : null),
  };
}

/** accessible-resources lists a site once per product (same id): merge them, keep every scope. */
function toSites(raw: unknown): Site[] {
  if (!Array.isArray(raw))
    throw new ProviderError('rejected', 'accessible-resources did not return a list');
  const byId = new Map<string, Site>();
  for (const r of raw as Record<string, unknown>[]) {
    if (typeof r.id !== 'string' || typeof r.url !== 'string') continue;
    const scopes = Array.isArray(r.scopes)
      ? r.scopes.filter((s): s is string => typeof s === 'string')
      : [];
    const prev = byId.get(r.id);
    if (prev) prev.scopes = [...new Set([...prev.scopes, ...scopes])];
    else
      byId.set(r.id, {
        cloud_id: r.id,
        name: typeof r.name === 'string' ? r.name : r.url,
        url: r.url,
        scopes,
      });
  }
  return [...byId.values()];
}

function toIdentity(raw: unknown): Identity | null {
  const me = raw as Record<string, unknown> | undefined;
  if (!me || typeof me.account_id !== 'string') return null;
  const str = (k: string) => (typeof me[k] === 'string' ? (me[k] as string) : null);
  return {
    account_id: me.account_id,
    email: str('email'),
    name: str('name'),
    picture: str('picture'),
    account_type: str('account_type'),
    account_status: str('account_status'),
  };
}
