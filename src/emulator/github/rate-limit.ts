// GitHub's primary rate limit for user tokens: a quota per user per hour, announced on every answer
// in x-ratelimit-* headers and enforced (403 once spent) so that a client's back-off can be tested.
const HOUR_MS = 3_600_000;

export interface RateStatus {
  limit: number;
  remaining: number;
  used: number;
  /** Epoch seconds at which the window resets. */
  reset: number;
  resource: 'core';
}

interface Window {
  start: number;
  used: number;
}

export class RateWindows {
  private readonly windows = new Map<number, Window>();

  constructor(readonly limit: number) {}

  private window(userId: number, now: number): Window {
    const w = this.windows.get(userId);
    // A clock moved backwards starts a new window too, rather than freezing the old one.
    if (w && now >= w.start && now < w.start + HOUR_MS) return w;
    return { start: now, used: 0 };
  }

  private status(w: Window): RateStatus {
    return {
      limit: this.limit,
      remaining: Math.max(0, this.limit - w.used),
      used: w.used,
      reset: Math.ceil((w.start + HOUR_MS) / 1000),
      resource: 'core',
    };
  }

  /** The user's window without counting a request. */
  peek(userId: number, now: number): RateStatus {
    return this.status(this.window(userId, now));
  }

  /** Counts one request; `exceeded` (and nothing counted) when the quota is already spent. */
  consume(userId: number, now: number): RateStatus & { exceeded: boolean } {
    const w = this.window(userId, now);
    this.windows.set(userId, w);
    if (w.used >= this.limit) return { ...this.status(w), exceeded: true };
    w.used++;
    return { ...this.status(w), exceeded: false };
  }

  reset(): void {
    this.windows.clear();
  }
}

export function rateHeaders(s: RateStatus): Record<string, string> {
  return {
    'x-ratelimit-limit': String(s.limit),
    'x-ratelimit-remaining': String(s.remaining),
    'x-ratelimit-used': String(s.used),
    'x-ratelimit-reset': String(s.reset),
    'x-ratelimit-resource': s.resource,
  };
}
