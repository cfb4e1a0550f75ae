import { errors as undiciErrors } from 'undici';
import { EgressDeniedError } from '../../lib/egress.ts';
import { AppError } from '../../lib/errors.ts';

/** The vault's own answers when a proxied exchange goes wrong (the provider's pass through). */

export const providerTimeout = (timeoutMs: number) =>
  new AppError(
    'provider_timeout',
    504,
    'Provider timeout',
    `the provider did not answer within PROXY_TIMEOUT_MS (${timeoutMs} ms)`,
    { retry_after_seconds: 1 },
    true,
  );

/** The caller was still sending its body when the exchange's deadline passed. */
export const requestTimeout = (timeoutMs: number) =>
  new AppError(
    'request_timeout',
    408,
    'Request timeout',
    `the request body did not arrive in full within PROXY_TIMEOUT_MS (${timeoutMs} ms); the provider call was abandoned`,
  );

/** The caller went away mid-exchange: nobody reads this, it only ends the request cleanly. */
export const callerClosed = () =>
  new AppError(
    'client_closed_request',
    499,
    'Client closed request',
    'the caller closed the connection before the answer was complete',
  );

/** What a failed provider call is to the caller: unreachable, refused egress, or too slow. */
export function upstreamError(err: unknown, url: URL, timeoutMs: number): AppError {
  if (err instanceof AppError) return err;
  const cause = (err as { cause?: unknown }).cause;
  if (cause instanceof AppError) return cause;
  if (err instanceof EgressDeniedError || cause instanceof EgressDeniedError) {
    return new AppError(
      'egress_denied',
      502,
      'Bad gateway',
      `${url.host} resolves to an address this vault does not call`,
    );
  }
  if (
    err instanceof undiciErrors.HeadersTimeoutError ||
    err instanceof undiciErrors.BodyTimeoutError ||
    err instanceof undiciErrors.ConnectTimeoutError
  ) {
    return providerTimeout(timeoutMs);
  }
  return new AppError(
    'provider_unavailable',
    502,
    'Provider unavailable',
    `the provider at ${url.host} could not be reached`,
    { retry_after_seconds: 1 },
    true,
  );
}
