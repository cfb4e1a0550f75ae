import { errors as undiciErrors } from 'undici';
import { EGRESS_DENIED, findEgressDenied } from '../../lib/egress.ts';
import { AppError, badRequest } from '../../lib/errors.ts';

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
  // The same answer as when the URL was saved: which of the two it was is not for a tenant to learn.
  const denied = findEgressDenied(err);
  if (denied) return badRequest(EGRESS_DENIED, denied.message);
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
