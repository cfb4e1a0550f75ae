/**
 * The vault's one backoff: attempt n waits `base · 2^(n−1)`, never more than `cap`, spread by a
 * jitter so that many callers failing together do not retry together:
 * - `none`: exactly the step (a short poll whose pace matters more than its spread);
 * - `equal`: between half the step and the step (refreshes and checks: never sooner than half);
 * - `spread`: the step ±20% (webhook deliveries: about the step, over many attempts).
 * Attempts count from 1; the unit is the caller's (seconds or milliseconds, as `base` and `cap`).
 */
export type Jitter = 'none' | 'equal' | 'spread';

export interface BackoffPolicy {
  base: number;
  cap: number;
  jitter: Jitter;
}

export function backoff(attempt: number, p: BackoffPolicy, random = Math.random): number {
  const step = Math.min(p.cap, p.base * 2 ** Math.min(Math.max(attempt - 1, 0), 30));
  if (p.jitter === 'equal') return step / 2 + (step / 2) * random();
  if (p.jitter === 'spread') return step * (0.8 + 0.4 * random());
  return step;
}
