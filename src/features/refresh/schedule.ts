/** When to refresh next, and how long to back off: pure functions of time (SPEC §6). */

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

/** Exponential backoff with full jitter (5 s, 10 s, 20 s … capped at 10 min), never before Retry-After. */
export function backoffSeconds(
  failures: number,
  retryAfterSeconds?: number,
  random = Math.random,
): number {
  const cap = Math.min(600, 5 * 2 ** Math.min(Math.max(failures - 1, 0), 10));
  const jittered = cap / 2 + (cap / 2) * random();
  return Math.max(jittered, retryAfterSeconds ?? 0);
}

/**
 * How much life a stored token must have left before it is handed out without a refresh: the
 * caller's min_ttl, but never more than half the token's own lifetime — a provider issuing tokens
 * shorter than min_ttl must not cause a refresh on every call.
 */
export function requiredRemainingSeconds(
  minTtl: number,
  lastRefreshedAt: Date | null,
  connectedAt: Date | null,
  expiresAt: Date,
): number {
  const issuedAt = lastRefreshedAt ?? connectedAt;
  if (!issuedAt) return minTtl;
  const lifetime = (expiresAt.getTime() - issuedAt.getTime()) / 1000;
  return Math.min(minTtl, Math.max(lifetime / 2, 0));
}
