import { setTimeout as sleep } from 'node:timers/promises';
import { isDatabaseUnavailable } from './errors.ts';

/**
 * Repeating database work that failed because the connection died or no primary was reachable
 * (a failover, a restart, a cut network path), for as long as `forMs` of waiting allows.
 *
 * Only for work whose repetition cannot do anything twice. A statement whose connection died may
 * or may not have been executed (or committed), so "safe" means one of:
 *  - it changes nothing (a read);
 *  - it is idempotent by construction: a compare-and-swap whose condition the first execution
 *    falsifies (a refresh result is written only where the generation is still the one read, so a
 *    second execution matches no row), or a write that sets what is already set (a lease release);
 *  - the caller recognises its own earlier write when the repetition matches nothing
 *    (`attempt > 0` tells it an earlier execution may have landed).
 * Never for a write that adds to something (a counter, an insert with a fresh id) unless it can
 * tell its first execution apart.
 */
export async function retryWhileUnavailable<T>(
  work: (attempt: number) => Promise<T>,
  opts: { forMs: number; onRetry?: (err: unknown) => void },
): Promise<T> {
  let waited = 0;
  for (let attempt = 0; ; attempt++) {
    try {
      return await work(attempt);
    } catch (err) {
      if (!isDatabaseUnavailable(err) || waited >= opts.forMs) throw err;
      opts.onRetry?.(err);
      // The first repetition goes at once (a connection that died idle is simply replaced), then
      // backs off to 500 ms; the bound counts the time slept, not the clock (a test may freeze it).
      const pause = attempt === 0 ? 0 : Math.min(50 * 2 ** (attempt - 1), 500);
      await sleep(pause);
      waited += pause;
    }
  }
}

/** How long reads and the short idempotent writes wait out a database blip before failing. */
export const BLIP_RETRY_MS = 1_500;

/**
 * How long a refresh result keeps being written across a failover: the new refresh token exists
 * only in this process until it is stored, so it outlasts any failover a managed or HA PostgreSQL
 * should take (pg_auto_failover and Patroni take some 30 s with their defaults).
 */
export const RESULT_RETRY_MS = 90_000;

const LOCKING = /\bfor\s+(update|no\s+key\s+update|share|key\s+share)\b/i;
const STATEFUL_FUNCTIONS =
  /\b(nextval|setval|pg_advisory\w*|pg_notify|pg_terminate_backend|pg_cancel_backend|set_config|lo_\w+|txid_current|pg_current_xact_id)\s*\(/i;

/** A statement that changes nothing when run twice: a plain SELECT (no locks, no stateful calls). */
export function isPlainRead(text: string): boolean {
  return /^\s*select\b/i.test(text) && !LOCKING.test(text) && !STATEFUL_FUNCTIONS.test(text);
}
