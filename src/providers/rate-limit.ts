/**
 * Whether a token endpoint's rate-limit headers say the app's quota is spent or nearly so, and
 * for how long: what pauses an app's refreshes before its 429s begin
 * (docs/contracts.md#rate-limit-pause). Read: the IETF `RateLimit` header (structured, `r=…;t=…`,
 * or the older `limit=…, remaining=…, reset=…` and `RateLimit-Remaining`/`-Reset`), Atlassian's
 * `Beta-RateLimit` (`"tenant-app-quota";r=…;t=…`) with `Beta-RateLimit-Policy` (`q=…`),
 * `X-Beta-RateLimit-NearLimit: true` with `X-Beta-RateLimit-Reset`, and
 * `X-RateLimit-Remaining`/`-Limit`/`-Reset`.
 */

type Headers = Record<string, string | string[] | undefined>;

/** "Nearly spent": at most this share of the quota left (or a single request where none is said). */
const NEAR_SHARE = 0.01;
/** How long to hold off when the headers say the quota is spent but not when it comes back. */
const DEFAULT_RESET_SECONDS = 60;
const MAX_RESET_SECONDS = 3600;

const first = (h: Headers, name: string): string | undefined => {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
};

/** `r`, `t`, `q` (or remaining/reset/limit) out of a structured or key=value header. */
function params(v: string | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  if (!v) return out;
  for (const m of v.matchAll(/\b([a-z]+)\s*=\s*(-?\d+(?:\.\d+)?)/gi)) {
    out[m[1]!.toLowerCase()] = Number(m[2]);
  }
  return out;
}

/** Seconds until `v` (delta seconds, epoch seconds or an ISO instant); undefined if unreadable. */
function resetSeconds(v: string | undefined, now: Date): number | undefined {
  if (!v) return undefined;
  const n = Number(v);
  if (Number.isFinite(n)) return n > 1e9 ? n - now.getTime() / 1000 : n;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : (t - now.getTime()) / 1000;
}

const near = (remaining: number | undefined, limit: number | undefined) =>
  remaining !== undefined &&
  (limit !== undefined && limit > 0 ? remaining <= limit * NEAR_SHARE : remaining <= 1);

const bounded = (s: number | undefined) =>
  Math.min(Math.max(Math.ceil(s ?? DEFAULT_RESET_SECONDS), 1), MAX_RESET_SECONDS);

/** Seconds to pause the app's refreshes when its quota is (nearly) spent; undefined otherwise. */
export function quotaSpentSeconds(h: Headers, now: Date): number | undefined {
  const beta = params(first(h, 'beta-ratelimit'));
  const betaPolicy = params(first(h, 'beta-ratelimit-policy'));
  if (near(beta.r, betaPolicy.q)) return bounded(beta.t);
  if (/^true$/i.test(first(h, 'x-beta-ratelimit-nearlimit') ?? ''))
    return bounded(resetSeconds(first(h, 'x-beta-ratelimit-reset'), now));
  const rl = params(first(h, 'ratelimit'));
  const rlPolicy = params(first(h, 'ratelimit-policy'));
  const remaining = rl.r ?? rl.remaining ?? num(first(h, 'ratelimit-remaining'));
  if (near(remaining, rlPolicy.q ?? rl.limit ?? num(first(h, 'ratelimit-limit'))))
    return bounded(rl.t ?? rl.reset ?? resetSeconds(first(h, 'ratelimit-reset'), now));
  const xRemaining = num(first(h, 'x-ratelimit-remaining'));
  if (near(xRemaining, num(first(h, 'x-ratelimit-limit'))))
    return bounded(resetSeconds(first(h, 'x-ratelimit-reset'), now));
  return undefined;
}

function num(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}
