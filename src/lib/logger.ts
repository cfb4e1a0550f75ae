import pino, { type Logger, type DestinationStream } from 'pino';

/**
 * Secrets never reach the logs: headers that carry credentials and every field that may hold a secret
 * are redacted wherever they appear, and request URLs are logged without their query string (the
 * OAuth callback carries `code` and `state` there).
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  ...[
    'client_secret',
    'access_token',
    'refresh_token',
    'code',
    'state',
    'key',
    'token',
    'secret',
    'code_verifier',
    'api_token',
    'credentials',
    // the token exchange's user and workload JWTs
    'subject_token',
    'actor_token',
  ].flatMap((f) => [f, `*.${f}`, `*.*.${f}`]),
];

/**
 * A request URL as it may be logged: no query string (the OAuth callback carries `code` and
 * `state`) and no path segment that is itself a credential (the connect link's JWT).
 */
export const loggableUrl = (url: string) =>
  url.split('?')[0]!.replace(/^(\/v1\/connect\/)[^/]+/, '$1[redacted]');

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: {
        req: (req: { id: string; method: string; url: string; ip?: string }) => ({
          id: req.id,
          method: req.method,
          url: loggableUrl(req.url),
          ip: req.ip,
        }),
        err: pino.stdSerializers.err,
      },
    },
    destination,
  );
}

export type { Logger };

/**
 * Where log lines go: JSON lines on stdout (for collectors), or pino-pretty's readable lines in a
 * terminal during development (docs/operations.md#logs). Redaction happens in pino before either,
 * so both carry the same `[redacted]` values.
 */
export async function logDestination(o: {
  format: 'auto' | 'json' | 'pretty';
  production: boolean;
  stdoutIsTTY: boolean;
}): Promise<DestinationStream | undefined> {
  const pretty = o.format === 'pretty' || (o.format === 'auto' && o.stdoutIsTTY && !o.production);
  if (!pretty) return undefined;
  // Loaded only when used: production's JSON logging never pays for it.
  const { default: prettyStream } = await import('pino-pretty');
  return prettyStream({
    colorize: o.stdoutIsTTY,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname',
    sync: true,
  });
}

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'];
const noop = () => {};

/**
 * fastify's per-request child logger, made only when something is logged at an enabled level: on
 * the token path (warn and above) most requests never log, and a pino child with redaction costs
 * more than the rest of such a request's logging put together.
 */
export function lazyChild(
  parent: Logger,
  bindings: Record<string, unknown>,
  opts: { level?: string },
): Logger {
  let real: Logger | undefined;
  const make = () => (real ??= parent.child(bindings, opts));
  const threshold = parent.levels.values[opts.level ?? parent.level] ?? 0;
  return new Proxy({} as Logger, {
    get(_t, prop) {
      if (!real && typeof prop === 'string') {
        if (LEVELS.includes(prop) && (parent.levels.values[prop] ?? 0) < threshold) return noop;
        if (prop === 'level') return opts.level ?? parent.level;
      }
      const target = make() as unknown as Record<PropertyKey, unknown>;
      const v = target[prop];
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
    set(_t, prop, value) {
      (make() as unknown as Record<PropertyKey, unknown>)[prop] = value;
      return true;
    },
  });
}
