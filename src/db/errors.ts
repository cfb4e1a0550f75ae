/** Errors that mean "the database cannot be reached right now" rather than "this query is wrong". */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  // A write refused because the server is (now) read-only: it was demoted, or is being promoted
  // and not yet open for writes. Nothing was written; the primary is elsewhere or coming.
  '25006',
]);
// "PGlite is closed": the embedded database went away under a request (shutdown).
const CONNECTION_MESSAGES =
  /PGlite is closed|Connection terminated|connection timeout|Client has encountered a connection error|timeout exceeded when trying to connect|the database system is (starting up|shutting down)/i;

export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; depth++) {
    const x = e as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof x.code === 'string' && CONNECTION_CODES.has(x.code)) return true;
    if (typeof x.message === 'string' && CONNECTION_MESSAGES.test(x.message)) return true;
    e = x.cause;
  }
  return false;
}

/** A write refused because the server is read-only (demoted, or a standby being promoted). */
export function isReadOnlyRefusal(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; depth++) {
    if ((e as { code?: unknown }).code === '25006') return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** Drizzle's query errors carry the SQL parameters; logs get the SQL and the driver's error only. */
export function loggableError(err: unknown): unknown {
  // Drizzle's DrizzleQueryError does not set `name`; recognise it by shape.
  const x = err as { query?: unknown; params?: unknown; cause?: unknown };
  if (x && typeof x === 'object' && typeof x.query === 'string' && 'params' in x) {
    const c = x.cause as { message?: string; code?: string } | undefined;
    return { query: x.query, cause: c ? { message: c.message, code: c.code } : undefined };
  }
  return err;
}
