import { badRequest, conflict } from '../lib/errors.ts';
import {
  ATLASSIAN_IMPLICIT_SCOPES,
  isKnownAtlassianScope,
  nearestAtlassianScope,
} from './atlassian-scopes.ts';
import { basicCredential, sameOrigin, sendJson, tokenRequest } from './http.ts';
import {
  ProviderError,
  type ApiAccount,
  type ApiTokenCredential,
  type BoundSite,
  type Identity,
  type ProviderApp,
  type ProviderDefinition,
  type Site,
} from './types.ts';

/** The products whose APIs the gateway serves per site: `jira/…` and `confluence/…`. */
const PRODUCTS = new Set(['jira', 'confluence']);

/**
 * Atlassian: OAuth 2.0 (3LO) with JSON token requests, `audience` and `prompt=consent` on
 * authorize, `offline_access` (refresh tokens) and `read:me` (identity) added to every request, no
 * scope on refresh, sites from accessible-resources and identity from /me; service accounts'
 * client credentials; API tokens over HTTP Basic, checked at Jira's /rest/api/3/myself. API calls
 * go to the gateway (`{ATLASSIAN_API_URL}/ex/{product}/{cloudId}/…`), or to a classic API
 * token's own site.
 */
export const atlassian = {
  schemes: ['oauth2_3lo', 'client_credentials', 'api_token'],
  settings: {
    authUrl: {
      env: 'ATLASSIAN_AUTH_URL',
      default: 'https://auth.atlassian.com',
      description:
        "Atlassian's authorize/token host; point it and the next one at the emulator to run without Atlassian",
    },
    apiUrl: {
      env: 'ATLASSIAN_API_URL',
      default: 'https://api.atlassian.com',
      description: "Atlassian's API gateway (accessible-resources, `/me`, `api_base_url`)",
    },
  } as const,
  // The refresh family's absolute expiry: 365 days from consent.
  familyLifetimeDays: 365,
  // An older access token dies about 10 minutes after a refresh, even before its expiry.
  companionRevocationSeconds: 600,
  // A refresh token unused for 90 days dies: an idle account is refreshed about every 30 days.
  keepAliveDays: 30,
  pinsSites: true,

  /** Each scope checked against the catalog (the nearest known one suggested for a typo). */
  normalizeScopes(scopes) {
    const unique = [...new Set(scopes)];
    for (const scope of unique) {
      if (isKnownAtlassianScope(scope)) continue;
      const suggestion = nearestAtlassianScope(scope);
      throw badRequest(
        'unknown_scope',
        `body.scopes: "${scope}" is not a known Atlassian scope; did you mean "${suggestion}"?`,
        { field: `body.scopes[${scopes.indexOf(scope)}]`, scope, suggestion },
      );
    }
    if (unique.every((s) => ATLASSIAN_IMPLICIT_SCOPES.includes(s))) {
      throw badRequest(
        'invalid_request',
        'body.scopes must include at least one Jira or Confluence scope',
      );
    }
    return unique;
  },

  create({ urls, http }) {
    const requestedScopes = (app: ProviderApp) => [
      ...new Set([...app.scopes, ...ATLASSIAN_IMPLICIT_SCOPES]),
    ];
    const token = (app: ProviderApp, body: Record<string, string>) =>
      tokenRequest(http.operator, app.tenantId, `${urls.authUrl}/oauth/token`, body, {
        format: 'json',
      });

    async function getJson(tenantId: string, url: string, accessToken: string): Promise<unknown> {
      const res = await sendJson(http.operator, {
        tenantId,
        url,
        method: 'GET',
        headers: { authorization: `Bearer ${accessToken}` },
      });
      if (res.status === 200) return res.json;
      const kind = res.status === 429 || res.status >= 500 ? 'transient' : 'rejected';
      throw new ProviderError(kind, `${new URL(url).pathname} answered ${res.status}`, res.status);
    }

    /** A site reached through the gateway, as the token endpoint reports it (Jira's form). */
    const gatewayBase = (cloudId: string) => `${urls.apiUrl}/ex/jira/${cloudId}`;

    const apiBaseUrl = (account: ApiAccount, cloudId: string | null): string | null => {
      const bound = account.boundSite;
      if (bound) return bound.siteUrl ?? gatewayBase(encodeURIComponent(bound.cloudId ?? ''));
      return cloudId ? gatewayBase(cloudId) : null;
    };

    return {
      // PKCE on top of the client secret: a code that leaks cannot be redeemed without the
      // verifier of the session that asked for it.
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
          ...(codeChallenge
            ? { code_challenge: codeChallenge, code_challenge_method: 'S256' }
            : {}),
        });
        return `${urls.authUrl}/authorize?${q.toString().replace(/\+/g, '%20')}`;
      },
      exchangeCode: (app, { code, codeVerifier }) =>
        token(app, {
          grant_type: 'authorization_code',
          client_id: app.clientId,
          client_secret: app.clientSecret,
          code,
          redirect_uri: app.redirectUri,
          ...(codeVerifier ? { code_verifier: codeVerifier } : {}),
        }),
      refresh: (app, refreshToken) =>
        token(app, {
          grant_type: 'refresh_token',
          client_id: app.clientId,
          client_secret: app.clientSecret,
          refresh_token: refreshToken,
        }),
      // A service account's credential: the scopes are those chosen for it in admin.atlassian.com.
      clientCredentials: (app) =>
        token(app, {
          grant_type: 'client_credentials',
          client_id: app.clientId,
          client_secret: app.clientSecret,
        }),
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

      /**
       * Asks Jira who an API token is (`GET /rest/api/3/myself`). A classic token calls its own
       * site, a URL the tenant supplied (the egress-policy agent); a scoped one the gateway.
       */
      async verifyApiToken(tenantId: string, site: BoundSite, cred: ApiTokenCredential) {
        const base = apiBaseUrl(
          { id: '', authConfigId: '', settings: null, boundSite: site },
          null,
        );
        const res = await sendJson(site.siteUrl ? http.tenant : http.operator, {
          tenantId,
          url: `${base}/rest/api/3/myself`,
          method: 'GET',
          headers: { authorization: `Basic ${basicCredential(cred.email, cred.apiToken)}` },
        });
        if (res.status === 200) return toMyself(res.json);
        const kind = res.status === 429 || res.status >= 500 ? 'transient' : 'rejected';
        throw new ProviderError(kind, `/rest/api/3/myself answered ${res.status}`, res.status);
      },

      apiBaseUrl,

      apiTarget(account, segments, cloudId) {
        const product = segments[0]!;
        if (!PRODUCTS.has(product) || segments.length < 2) {
          throw badRequest(
            'proxy_path_invalid',
            'Atlassian paths start with jira/ or confluence/ (e.g. jira/rest/api/3/myself); nothing was sent',
          );
        }
        if (!apiBaseUrl(account, cloudId)) {
          throw conflict(
            'site_missing',
            `connected account ${account.id} has no Atlassian site to call`,
          );
        }
        // A classic API token's own site serves both products; the gateway names the product.
        const siteUrl = account.boundSite?.siteUrl;
        if (siteUrl) return { base: siteUrl, rest: segments.slice(1), origin: 'tenant' };
        return {
          base: `${urls.apiUrl}/ex/${product}/${encodeURIComponent(cloudId!)}/`,
          rest: segments.slice(1),
          origin: 'operator',
        };
      },
    };
  },
} satisfies ProviderDefinition<'authUrl' | 'apiUrl'>;

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

/** Jira's `/rest/api/3/myself` as an identity. */
function toMyself(raw: unknown): Identity {
  const me = (raw ?? {}) as Record<string, unknown>;
  if (typeof me.accountId !== 'string') {
    throw new ProviderError('rejected', '/rest/api/3/myself answered without an accountId');
  }
  const str = (k: string) => (typeof me[k] === 'string' ? (me[k] as string) : null);
  const avatars = (me.avatarUrls ?? {}) as Record<string, unknown>;
  const picture = typeof avatars['48x48'] === 'string' ? avatars['48x48'] : null;
  return {
    account_id: me.accountId,
    email: str('emailAddress'),
    name: str('displayName'),
    picture,
    account_type: str('accountType'),
  };
}
