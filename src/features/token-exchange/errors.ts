import { AppError } from '../../lib/errors.ts';

/** RFC 6749 §5.2 and RFC 8693 §2.2.2 error codes (the `error` field). */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_target'
  | 'temporarily_unavailable'
  | 'server_error';

/**
 * An exchange refused: the OAuth error a standard client understands, and the vault's own `code`
 * (and the reason a subject or actor token was refused) for the caller who wants to know more.
 */
export class OAuthError extends AppError {
  constructor(
    readonly error: OAuthErrorCode,
    code: string,
    detail: string,
    extra: Record<string, unknown> = {},
    status = error === 'invalid_client' ? 401 : 400,
  ) {
    super(code, status, error, detail, extra, status === 503 || status === 429);
    this.name = 'OAuthError';
  }
}

/** The RFC error of any error an exchange ends with (the vault's own become their nearest). */
export function oauthErrorOf(err: unknown): {
  status: number;
  error: OAuthErrorCode;
  code: string;
  description: string;
  extra: Record<string, unknown>;
} {
  if (err instanceof OAuthError)
    return {
      status: err.status,
      error: err.error,
      code: err.code,
      description: err.detail,
      extra: err.extra,
    };
  if (err instanceof AppError && err.status < 500) {
    const error: OAuthErrorCode =
      err.status === 401
        ? 'invalid_client'
        : err.status === 429
          ? 'temporarily_unavailable'
          : err.code === 'policy_denied' || err.status === 403
            ? 'unauthorized_client'
            : err.status === 404 || err.code === 'connected_account_ambiguous'
              ? 'invalid_target'
              : err.status === 409
                ? 'invalid_grant'
                : 'invalid_request';
    // RFC 6749 answers 400 for everything but a failed client authentication; a spent budget or
    // a rate limit keeps its 429 (with Retry-After) so clients back off.
    const status = err.status === 401 || err.status === 429 ? err.status : 400;
    return { status, error, code: err.code, description: err.detail, extra: err.extra };
  }
  if (err instanceof AppError && err.status >= 502)
    return {
      status: 503,
      error: 'temporarily_unavailable',
      code: err.code,
      description: err.detail,
      extra: err.extra,
    };
  return {
    status: 500,
    error: 'server_error',
    code: err instanceof AppError ? err.code : 'internal_error',
    description: 'An internal error occurred; see the request id in the logs',
    extra: {},
  };
}
