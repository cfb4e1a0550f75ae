import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../lib/errors.ts';

const KEY_ID = /^Bearer cvk_([0-9a-hjkmnp-tv-z]{26})_/;
const UNLIMITED = /^\/(healthz|readyz)(\?|$)/;

/**
 * Per-process rate limits (@fastify/rate-limit, in memory): requests carrying an API key are counted
 * per key, everything else (the public connect and callback routes, malformed keys) per client IP.
 */
export async function registerRateLimits(
  app: FastifyInstance,
  limits: { perKey: number; perIp: number },
) {
  await app.register(rateLimit, {
    global: true,
    timeWindow: 60_000,
    keyGenerator: (req) => {
      const m = KEY_ID.exec(req.headers.authorization ?? '');
      return m ? `key:${m[1]}` : `ip:${req.ip}`;
    },
    max: (_req, key) => (key.startsWith('key:') ? limits.perKey : limits.perIp),
    allowList: (req) => UNLIMITED.test(req.url),
    errorResponseBuilder: (_req, ctx) =>
      new AppError(
        'rate_limited',
        429,
        'Too many requests',
        `rate limit of ${ctx.max} requests per minute reached; retry in ${ctx.after}`,
        {},
        true,
      ),
  });
}
