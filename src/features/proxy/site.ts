import type { TokenRow } from '../connected-accounts/service.ts';
import { apiTokenSite } from '../connected-accounts/api-token-accounts.ts';
import { badRequest, conflict } from '../../lib/errors.ts';

/**
 * The cloud id a proxied call goes to: the one the caller names (it must be granted), the
 * account's selected site, or its only one. An API token is bound to its own site: a scoped
 * token's cloud id (the gateway form needs it), or none for a classic token (reached at its site
 * URL).
 */
export function proxyCloudId(a: TokenRow, named?: string): string | null {
  if (a.authScheme === 'api_token') {
    const own = apiTokenSite(a).cloudId;
    if (named !== undefined && named !== own)
      throw badRequest(
        'site_not_granted',
        `X-Vault-Cloud-Id ${named} is not the site of connected account ${a.id}'s API token`,
      );
    return own;
  }
  if (named !== undefined) {
    if (!a.sites.some((s) => s.cloud_id === named))
      throw badRequest(
        'site_not_granted',
        `X-Vault-Cloud-Id ${named} is not one of connected account ${a.id}'s sites`,
      );
    return named;
  }
  const selected = a.sites.find((s) => s.cloud_id === a.selectedCloudId);
  if (selected) return selected.cloud_id;
  if (a.sites.length <= 1) return a.sites[0]?.cloud_id ?? null;
  throw conflict(
    'site_ambiguous',
    `connected account ${a.id} has ${a.sites.length} sites and none selected; name one with X-Vault-Cloud-Id or select one on the account`,
    { cloud_ids: a.sites.map((s) => s.cloud_id) },
  );
}
