// What a token answer reports besides the credential: the account's site, its API base URL and
// expiry (docs/contracts.md, docs/api.md), and the errors of an account that cannot answer.
import type { AccountRow } from '../../db/schema/index.ts';
import { AppError, conflict } from '../../lib/errors.ts';
import { OUTBOUND_BUSY } from '../../lib/outbound-limiter.ts';
import type { Providers } from '../../providers/index.ts';
import type { ApiAccount } from '../../providers/types.ts';
import { schemeOf } from '../../schemes/index.ts';
import type { TokenCandidate, TokenRow } from '../connected-accounts/token-read-model.ts';

export interface Described {
  expiresAt: string | null;
  expiresMs: number | null;
  cloudId: string | null;
  siteUrl: string | null;
  apiBaseUrl: string | null;
}

/** The connection error of an account that cannot answer with a token now. */
export const notActive = (a: Pick<TokenRow, 'id' | 'status' | 'statusReason'>) =>
  conflict(
    'connected_account_not_active',
    `connected account ${a.id} is ${a.status}${a.statusReason ? ` (${a.statusReason})` : ''}`,
    {
      connected_account_status: a.status,
      status_reason: a.statusReason,
    },
  );

/** What a provider needs of a token candidate to say where its API calls go. */
export const apiAccountOf = (c: TokenCandidate): ApiAccount => ({
  id: c.account.id,
  authConfigId: c.account.authConfigId,
  settings: c.settings,
  boundSite: schemeOf(c.account.authScheme).boundSite(c.account),
});

/** The site the token endpoint reports: the one the credential is bound to, or the selected one. */
export function reportedSite(a: TokenRow | AccountRow): {
  cloudId: string | null;
  siteUrl: string | null;
} {
  const bound = schemeOf(a.authScheme).boundSite(a);
  if (bound) return bound;
  const site = a.sites.find((s) => s.cloud_id === a.selectedCloudId);
  return { cloudId: site?.cloud_id ?? null, siteUrl: site?.url ?? null };
}

/**
 * What an answer reports of a row besides its token (site, API base URL, expiry): the same for
 * every request a cached row serves, so worked out once per row object (cached rows are never
 * changed in place: a change replaces them).
 */
/** `describe(candidate, row)`, remembered per row object. */
export function createDescriber(providers: Providers) {
  const described = new WeakMap<object, Described>();
  return function describe(c: TokenCandidate, a: TokenRow | AccountRow): Described {
    let d = described.get(a);
    if (d) return d;
    const site = reportedSite(a);
    d = {
      expiresAt: a.expiresAt?.toISOString() ?? null,
      expiresMs: a.expiresAt?.getTime() ?? null,
      cloudId: site.cloudId,
      siteUrl: site.siteUrl,
      // Where API calls go: the provider's answer, the same the proxy sends its calls to.
      apiBaseUrl: providers.get(c.provider).apiBaseUrl(apiAccountOf(c), site.cloudId),
    };
    described.set(a, d);
    return d;
  };
}

/** The 503 of a token that could not be refreshed in time, with when to try again. */
export const retryLater = (
  a: Partial<Pick<AccountRow, 'refreshFailures' | 'nextRefreshAt' | 'lastErrorCode'>>,
  now: Date,
  detail: string,
) => {
  // A refresh that failed backed off until next_refresh_at; say when trying again makes sense.
  const wait =
    a.refreshFailures && a.nextRefreshAt
      ? Math.ceil((a.nextRefreshAt.getTime() - now.getTime()) / 1000)
      : 1;
  // No outbound slot of this tenant came free in time: the vault's congestion, not the provider's.
  const busy = a.lastErrorCode === OUTBOUND_BUSY;
  return new AppError(
    busy ? OUTBOUND_BUSY : 'provider_unavailable',
    503,
    busy ? 'Service unavailable' : 'Provider unavailable',
    busy ? `${detail} (no outbound slot of this tenant came free in time)` : detail,
    { retry_after_seconds: Math.min(Math.max(wait, 1), 60) },
    true,
  );
};
