import { LRUCache } from 'lru-cache';

const ALLOWED = { allowed: true } as const;

/**
 * Fixed-window counters per key (a client IP, an API key id), in memory and bounded: what the rate
 * limits and the failed-authentication limit are made of. `now` is passed in (tests move it).
 */
export class WindowCounter {
  private readonly windows: LRUCache<string, { count: number; resetAt: number }>;

  constructor(
    private readonly windowMs: number,
    private readonly now: () => number,
    maxKeys = 20_000,
  ) {
    this.windows = new LRUCache({ max: maxKeys });
  }

  /** Counts one hit; over `limit` in the current window → the seconds until it resets. */
  hit(
    key: string,
    limit: number,
  ): { allowed: true } | { allowed: false; retryAfterSeconds: number } {
    const t = this.now();
    let w = this.windows.get(key);
    if (!w || w.resetAt <= t) {
      w = { count: 0, resetAt: t + this.windowMs };
      this.windows.set(key, w);
    }
    w.count++;
    if (w.count <= limit) return ALLOWED;
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((w.resetAt - t) / 1000)) };
  }

  /** Whether `key` is already over `limit` in the current window (without counting a hit). */
  over(key: string, limit: number): number | null {
    const w = this.windows.get(key);
    const t = this.now();
    if (!w || w.resetAt <= t || w.count < limit) return null;
    return Math.max(1, Math.ceil((w.resetAt - t) / 1000));
  }
}
