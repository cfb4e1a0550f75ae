import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Clock } from '../lib/clock.ts';
import { AppError } from '../lib/errors.ts';
import { WindowCounter } from '../lib/window-counter.ts';

const UNLIMITED = /^\/(healthz|readyz)(\?|$)/;

const tooMany = (detail: string, retryAfterSeconds: number) =>
  new AppError(
    'rate_limited',
    429,
    'Too many requests',
    detail,
    { retry_after_seconds: retryAfterSeconds },
    true,
  );

export interface Limits {
  perKey: number;
  perIp: number;
  failuresPerIp: number;
}

/**
 * Per-process limits, per minute: requests of a *verified* API key are counted per key (after
 * authentication, so an id nobody has verified cannot pick the bucket), requests without a key
 * (the public connect routes) per client IP, and failed authentications per client IP — past that
 * limit a failing key is answered 429, and a key that would need a lookup memory cannot vouch for
 * is refused before it; a key that verifies is never held back by its source's failures.
 */
export function createLimiter(clock: Clock, limits: Limits) {
  const now = () => clock.now().getTime();
  // Keys and addresses counted apart (an id and an address cannot collide), each by its own name.
  const keyRequests = new WindowCounter(60_000, now);
  const ipRequests = new WindowCounter(60_000, now);
  const failures = new WindowCounter(60_000, now);
  const failedTooOften = (wait: number) =>
    tooMany(`too many failed authentications from this address; retry in ${wait} s`, wait);
  return {
    /** A source already past its failures: the 429 to answer before any lookup, else undefined. */
    refusal(ip: string): AppError | undefined {
      const wait = failures.over(ip, limits.failuresPerIp);
      return wait === null ? undefined : failedTooOften(wait);
    },
    /** Counts a failed authentication; past the limit, the 429 to answer instead of a 401. */
    failed(ip: string): AppError | undefined {
      const r = failures.hit(ip, limits.failuresPerIp);
      return r.allowed ? undefined : failedTooOften(r.retryAfterSeconds);
    },
    /**
     * After authentication (or on a public route): the request limit of the key or the IP. The
     * token exchange authenticates its client itself, and counts it then (`countCaller`).
     */
    count(req: FastifyRequest) {
      if (UNLIMITED.test(req.url) || req.routeOptions.config.oauthClient) return;
      const keyId = req.principal?.keyId;
      const limit = keyId ? limits.perKey : limits.perIp;
      const r = keyId ? keyRequests.hit(keyId, limit) : ipRequests.hit(req.ip, limit);
      if (!r.allowed)
        throw tooMany(
          `rate limit of ${limit} requests per minute reached; retry in ${r.retryAfterSeconds} s`,
          r.retryAfterSeconds,
        );
    },
    /** The request limit of a caller authenticated inside its route (a key, or a workload). */
    countCaller(id: string) {
      const r = keyRequests.hit(id, limits.perKey);
      if (!r.allowed)
        throw tooMany(
          `rate limit of ${limits.perKey} requests per minute reached; retry in ${r.retryAfterSeconds} s`,
          r.retryAfterSeconds,
        );
    },
  };
}

export type Limiter = ReturnType<typeof createLimiter>;

/** Counts every request that got past authentication (routes without roles: per IP). */
export function registerRateLimits(app: FastifyInstance, limiter: Limiter) {
  app.addHook('onRequest', (req, _reply, done) => {
    try {
      limiter.count(req);
    } catch (err) {
      return done(err as Error);
    }
    done();
  });
}
