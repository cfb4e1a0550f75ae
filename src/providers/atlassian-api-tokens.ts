import type { Identity } from './types.ts';
import { ProviderError } from './types.ts';
import { sendJson, type ProviderHttp } from './http.ts';

/**
 * Atlassian API tokens (HTTP Basic `email:token`): a classic token calls its site directly
 * (`https://{site}.atlassian.net`, a URL the tenant supplied, so it goes through the egress-policy
 * agent); a scoped (service-account) token calls the api.atlassian.com gateway by cloud id.
 */
export interface ApiTokenSite {
  /** classic: the site's base URL */
  siteUrl: string | null;
  /** scoped: the site's cloud id */
  cloudId: string | null;
}

export interface ApiTokenCredential {
  email: string;
  apiToken: string;
}

/** The value of `Authorization: Basic …` for an API token. */
export const basicCredential = (c: ApiTokenCredential) =>
  Buffer.from(`${c.email}:${c.apiToken}`, 'utf8').toString('base64');

export function createAtlassianApiTokens(
  urls: { apiUrl: string },
  http: { operator: ProviderHttp; tenant: ProviderHttp },
) {
  /** Where API calls of this credential go (Jira: `<base>/rest/api/3/…`). */
  const apiBaseUrl = (site: ApiTokenSite): string =>
    site.siteUrl ?? `${urls.apiUrl}/ex/jira/${encodeURIComponent(site.cloudId ?? '')}`;

  /**
   * Asks Jira who the credential is (`GET /rest/api/3/myself`), for `tenantId`. A 401/403/404 is
   * the site saying no to it (`rejected`); 429/5xx/network failures are `transient`.
   */
  async function verify(
    tenantId: string,
    site: ApiTokenSite,
    cred: ApiTokenCredential,
  ): Promise<Identity> {
    const res = await sendJson(site.siteUrl ? http.tenant : http.operator, {
      tenantId,
      url: `${apiBaseUrl(site)}/rest/api/3/myself`,
      method: 'GET',
      headers: { authorization: `Basic ${basicCredential(cred)}` },
    });
    if (res.status === 200) {
      const me = (res.json ?? {}) as Record<string, unknown>;
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
    const kind = res.status === 429 || res.status >= 500 ? 'transient' : 'rejected';
    throw new ProviderError(kind, `/rest/api/3/myself answered ${res.status}`, res.status);
  }

  return { apiBaseUrl, verify };
}

export type AtlassianApiTokens = ReturnType<typeof createAtlassianApiTokens>;
