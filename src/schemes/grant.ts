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
  /** when the refresh token of this answer dies unused, where the provider says; else null */
  refreshExpiresAt: Date | null;
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
  refreshExpiresAt:
    tokens.refreshToken && tokens.refreshTokenExpiresIn
      ? new Date(sentAt.getTime() + tokens.refreshTokenExpiresIn * 1000)
      : null,
});

const DAY_MS = 86_400_000;

/**
 * When a grant ends unless it is renewed: the provider's absolute limit counted from consent
 * (`lifetimeDays`: Atlassian's 365 days), or the stored refresh token's own expiry where the
 * provider states one (GitHub: six months from each refresh, so every rotation moves it on),
 * whichever comes first; null when neither is known.
 */
export function familyEnd(
  consentAt: Date,
  lifetimeDays: number | null,
  refreshExpiresAt: Date | null,
): Date | null {
  const absolute = lifetimeDays ? new Date(consentAt.getTime() + lifetimeDays * DAY_MS) : null;
  if (!absolute || !refreshExpiresAt) return absolute ?? refreshExpiresAt;
  return absolute < refreshExpiresAt ? absolute : refreshExpiresAt;
}

/**
 * The site a new grant selects: the pinned one if the grant covers it, the only site when there
 * is one, none guessed among several. `not_granted`: the pinned site is not among them.
 */
export function selectSite(sites: Site[], pinned: string | null): string | null | 'not_granted' {
  if (pinned) return sites.find((s) => new URL(s.url).origin === pinned)?.cloud_id ?? 'not_granted';
  return sites.length === 1 ? sites[0]!.cloud_id : null;
}
