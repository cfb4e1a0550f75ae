import type { Site, TokenSet } from '../providers/types.ts';

/** What a provider answered with: the token columns every grant write stores. */
export interface TokenGrant {
  accessToken: string;
  /** absent: keep the stored one (a refresh token is never replaced with nothing) */
  refreshToken?: string;
  tokenType: string;
  expiresAt: Date | null;
  /** the provider's expires_in for this token (L of the min_ttl contract) */
  lifetimeSeconds: number | null;
}

/**
 * A provider's token answer as a grant to store. Its expiry is counted from `sentAt`, when the
 * request went out: the provider's clock started no earlier than that.
 */
export const grantOf = (tokens: TokenSet, sentAt: Date): TokenGrant => ({
  accessToken: tokens.accessToken,
  refreshToken: tokens.refreshToken,
  tokenType: tokens.tokenType,
  expiresAt: tokens.expiresIn ? new Date(sentAt.getTime() + tokens.expiresIn * 1000) : null,
  lifetimeSeconds: tokens.expiresIn ?? null,
});

/**
 * The site a new grant selects: the pinned one if the grant covers it, the only site when there
 * is one, none guessed among several. `not_granted`: the pinned site is not among them.
 */
export function selectSite(sites: Site[], pinned: string | null): string | null | 'not_granted' {
  if (pinned) return sites.find((s) => new URL(s.url).origin === pinned)?.cloud_id ?? 'not_granted';
  return sites.length === 1 ? sites[0]!.cloud_id : null;
}
