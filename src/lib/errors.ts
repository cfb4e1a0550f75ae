/**
 * Every error the API returns is an AppError with a stable string `code`; the HTTP layer turns it into
 * problem+json (RFC 9457). Callers branch on `code`, never on messages.
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    readonly title: string,
    readonly detail: string = title,
    readonly extra: Record<string, unknown> = {},
    readonly retryable = false,
  ) {
    super(detail);
    this.name = 'AppError';
  }
}

/**
 * A failure of ours, not the caller's: a 500 with a stable code whose body says nothing internal
 * (docs/contracts.md#errors); `internal` is logged with the request id instead.
 */
export class InternalError extends AppError {
  constructor(
    code: string,
    readonly internal: string,
  ) {
    super(
      code,
      500,
      'Internal error',
      'An internal error occurred; see the request id in the logs',
    );
    this.name = 'InternalError';
  }
}

/** True for an AppError with exactly this code: catch what you mean, let the rest surface. */
export const isAppError = (err: unknown, code: string): err is AppError =>
  err instanceof AppError && err.code === code;

/** The value, or undefined when the lookup answered `code` (e.g. `connected_account_not_found`). */
export async function unlessFound<T>(p: Promise<T>, code: string): Promise<T | undefined> {
  try {
    return await p;
  } catch (err) {
    if (isAppError(err, code)) return undefined;
    throw err;
  }
}

export const notFound = (resource: string, id: string): AppError =>
  new AppError(
    `${resource}_not_found`,
    404,
    'Not found',
    `${resource.replace(/_/g, ' ')} ${id} was not found`,
  );

export const badRequest = (
  code: string,
  detail: string,
  extra: Record<string, unknown> = {},
): AppError => new AppError(code, 400, 'Bad request', detail, extra);

export const conflict = (
  code: string,
  detail: string,
  extra: Record<string, unknown> = {},
): AppError => new AppError(code, 409, 'Conflict', detail, extra);

export const unauthorized = (detail = 'A valid API key is required'): AppError =>
  new AppError('unauthorized', 401, 'Unauthorized', detail);

export const forbidden = (detail: string): AppError =>
  new AppError('forbidden', 403, 'Forbidden', detail);

export const unavailable = (detail = 'The service is temporarily unavailable'): AppError =>
  new AppError('service_unavailable', 503, 'Service unavailable', detail, {}, true);

/**
 * A reason the process cannot start (bad configuration, a data folder held by another process): the
 * entry point prints its message alone, without a stack, and exits 1.
 */
export class StartupError extends Error {
  override name = 'StartupError';
}
