import type { TokenRow } from '../connected-accounts/token-read-model.ts';
import { badRequest, conflict } from '../../lib/errors.ts';
import { schemeOf } from '../../schemes/index.ts';

/**
 * The cloud id a proxied call goes to: the one the caller names (it must be granted), the
 * account's selected site, or its only one. A credential bound to a site (an API token) goes to
 * that site alone: its cloud id (the gateway form needs it), or none for a site reached at its
 * own URL.
 */
export function proxyCloudId(a: TokenRow, named?: string): string | null {
  const bound = schemeOf(a.authScheme).boundSite(a);
  if (bound) {
    if (named !== undefined && named !== bound.cloudId)
      throw badRequest(
        'site_not_granted',
        `X-Vault-Cloud-Id ${named} is not the site connected account ${a.id}'s credential is bound to`,
      );
    return bound.cloudId;
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
