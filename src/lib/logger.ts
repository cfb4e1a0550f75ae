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

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
const LEVELS: Level[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'];
const noop = () => {};

interface LazyState {
  parent: Logger;
  bindings: Record<string, unknown>;
  opts: { level?: string };
  real: Logger | undefined;
}

const realOf = (t: LazyState): Logger => (t.real ??= t.parent.child(t.bindings, t.opts));

/** Per parent logger and level: the prototype its lazy children share (made once each). */
const prototypes = new WeakMap<Logger, Map<string, object>>();

function prototypeOf(parent: Logger, level: string): object {
  let byLevel = prototypes.get(parent);
  if (!byLevel) prototypes.set(parent, (byLevel = new Map()));
  let proto = byLevel.get(level);
  if (proto) return proto;
  const threshold = parent.levels.values[level] ?? 0;
  proto = {
    level,
    child(this: LazyState, bindings: Record<string, unknown>, opts?: { level?: string }) {
      return realOf(this).child(bindings, opts);
    },
    isLevelEnabled(this: LazyState, l: string) {
      return realOf(this).isLevelEnabled(l);
    },
  };
  for (const l of LEVELS) {
    (proto as Record<string, unknown>)[l] =
      (parent.levels.values[l] ?? 0) < threshold
        ? noop
        : function (this: LazyState, ...args: unknown[]) {
            (realOf(this)[l] as (...a: unknown[]) => void)(...args);
          };
  }
  byLevel.set(level, proto);
  return proto;
}

/**
 * fastify's per-request child logger, made only when something is logged at an enabled level: on
 * the token path (warn and above) most requests never log, and a pino child with redaction costs
 * more than the rest of such a request's logging put together. One small object per request on a
 * prototype shared by every request at its level: the methods below the level are no-ops, the
 * others make the real child on first use.
 */
export function lazyChild(
  parent: Logger,
  bindings: Record<string, unknown>,
  opts: { level?: string },
): Logger {
  const state: LazyState = Object.create(prototypeOf(parent, opts.level ?? parent.level));
  state.parent = parent;
  state.bindings = bindings;
  state.opts = opts;
  state.real = undefined;
  return state as unknown as Logger;
}

/** Whether a request's logger (a lazy child or a pino logger) would write at `info`. */
export const logsInfo = (log: { level: string; levels?: unknown }, parent: Logger) =>
  (parent.levels.values[log.level] ?? 0) <= (parent.levels.values.info ?? 30);
