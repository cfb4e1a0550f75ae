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
 * (the public connect routes) per client IP, and failed authentications per client IP — a source
 * over that limit is refused before its key is even looked up.
 */
export function createLimiter(clock: Clock, limits: Limits) {
  const now = () => clock.now().getTime();
  const requests = new WindowCounter(60_000, now);
  const failures = new WindowCounter(60_000, now);
  return {
    /** Before authenticating: a source that keeps failing gets a 429 and costs no lookup. */
    checkFailures(ip: string) {
      const wait = failures.over(ip, limits.failuresPerIp);
      if (wait !== null)
        throw tooMany(
          `too many failed authentications from this address; retry in ${wait} s`,
          wait,
        );
    },
    failed(ip: string) {
      failures.hit(ip, limits.failuresPerIp);
    },
    /** After authentication (or on a public route): the request limit of the key or the IP. */
    count(req: FastifyRequest) {
      if (UNLIMITED.test(req.url)) return;
      const keyId = req.principal?.keyId;
      const [bucket, limit] = keyId
        ? [`key:${keyId}`, limits.perKey]
        : [`ip:${req.ip}`, limits.perIp];
      const r = requests.hit(bucket, limit);
      if (!r.allowed)
        throw tooMany(
          `rate limit of ${limit} requests per minute reached; retry in ${r.retryAfterSeconds} s`,
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
