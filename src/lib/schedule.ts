import { backoff } from './backoff.ts';

/** When to refresh and check next, and how long to back off: pure functions of time. */

/**
 * Refresh ahead of expiry by the configured window, less a random jitter of up to a fifth of it so
 * that accounts connected together do not refresh together. A token that lives shorter than twice
 * the window is refreshed at half its life instead.
 */
export function nextRefreshAt(
  now: Date,
  expiresAt: Date | null,
  aheadSeconds: number,
  random = Math.random,
): Date | null {
  if (!expiresAt) return null;
  const lifetime = (expiresAt.getTime() - now.getTime()) / 1000;
  const window = Math.min(aheadSeconds, Math.max(lifetime / 2, 0));
  const jitter = window * 0.2 * random();
  return new Date(expiresAt.getTime() - (window + jitter) * 1000);
}

/**
 * After a failed refresh or check: 5 s, 10 s, 20 s … capped at 10 min, each between half the step
 * and the step (jitter), and never before the provider's Retry-After.
 */
export function backoffSeconds(
  failures: number,
  retryAfterSeconds?: number,
  random = Math.random,
): number {
  const delay = backoff(failures, { base: 5, cap: 600, jitter: 'equal' }, random);
  return Math.max(delay, retryAfterSeconds ?? 0);
}

/**
 * The lifetime L the provider gave the stored token: its `expires_in`, recorded when it was issued
 * (rows from before that was recorded were given one by migration 0006). Null: no expiry known.
 */
export const tokenLifetimeSeconds = (a: { tokenLifetimeSeconds: number | null }): number | null =>
  a.tokenLifetimeSeconds;

export interface TokenNeed {
  /** the stored token must live until then, or it is refreshed first */
  needUntil: Date;
  /** min_ttl ≤ L: a token that still falls short after the refresh is a 503, never a 200 */
  strict: boolean;
}

/**
 * The min_ttl contract. With `min_ttl ≤ L` the token returned lives at least `min_ttl`
 * more seconds. With `min_ttl > L` no token the provider issues can: refresh only once the stored
 * one is past half its life, so such callers cause at most one refresh per half-lifetime.
 * `now` is the request's arrival: the deadline is fixed then, whatever the refresh costs.
 */
export function tokenNeed(minTtl: number, lifetime: number | null, now: Date): TokenNeed {
  const strict = lifetime === null || minTtl <= lifetime;
  const seconds = strict ? minTtl : lifetime / 2;
  return { needUntil: new Date(now.getTime() + seconds * 1000), strict };
}

const DAY_MS = 86_400_000;
/** connected_account.credential_expiring is sent this long before an API token's expiry. */
export const CREDENTIAL_WARNING_MS = 14 * DAY_MS;

/**
 * When the worker next looks at an API token: about a day from now (0.8–1.2 days, so that tokens
 * stored together are not checked together), but no later than the moment its expiry warning is
 * due (at once if that has passed unsent) or the token expires.
 */
export function nextCredentialCheckAt(
  now: Date,
  expiresAt: Date | null,
  warned: boolean,
  random = Math.random,
): Date {
  const t = now.getTime();
  let next = t + DAY_MS * (0.8 + 0.4 * random());
  if (expiresAt) {
    const warnAt = expiresAt.getTime() - CREDENTIAL_WARNING_MS;
    if (!warned) next = Math.min(next, Math.max(warnAt, t));
    next = Math.min(next, Math.max(expiresAt.getTime(), t));
  }
  return new Date(next);
}

/**
 * `cache_until` (docs/contracts.md#cache_until): the latest moment a caller may keep using the
 * token it was handed at `now` from its own cache. Never after its expiry. Where the provider
 * revokes an older access token `revocationSeconds` after a refresh issues a newer one (Atlassian:
 * 600), no later than that long after `now`: any refresh from now on kills it no sooner. Where it
 * revokes it at once (GitHub: 0), no later than the earliest moment the worker refreshes ahead
 * (expiry less the window and its largest jitter, see nextRefreshAt); a refresh another caller's
 * min_ttl forces may still come earlier, which the docs say.
 */
export function cacheUntil(
  now: Date,
  expiresAt: Date | null,
  revocationSeconds: number | null,
  aheadSeconds: number,
  lifetimeSeconds: number | null,
): Date | null {
  if (!expiresAt) return null;
  let until = expiresAt.getTime();
  if (revocationSeconds !== null && revocationSeconds > 0) {
    until = Math.min(until, now.getTime() + revocationSeconds * 1000);
  } else if (revocationSeconds === 0) {
    const lifetime = lifetimeSeconds ?? (expiresAt.getTime() - now.getTime()) / 1000;
    const window = Math.min(aheadSeconds, Math.max(lifetime / 2, 0));
    until = Math.min(until, expiresAt.getTime() - window * 1.2 * 1000);
  }
  return new Date(Math.max(until, now.getTime()));
}

/**
 * When the worker refreshes an idle account next, only to keep its grant alive
 * (docs/contracts.md#use-driven-refresh): `keepAliveDays` from now less up to a tenth (jitter, so
 * that accounts idle together are not refreshed together), and before its grant's end comes
 * within the 14-day expiry warning where it has one still ahead.
 */
export function keepAliveAt(
  now: Date,
  keepAliveDays: number,
  familyExpiresAt: Date | null,
  random = Math.random,
): Date {
  const t = now.getTime();
  let next = t + keepAliveDays * DAY_MS * (1 - 0.1 * random());
  if (familyExpiresAt) {
    const end = familyExpiresAt.getTime();
    const beforeWarning = end - 15 * DAY_MS;
    if (beforeWarning > t) next = Math.min(next, beforeWarning);
    else if (end > t) next = Math.min(next, end);
  }
  return new Date(next);
}
