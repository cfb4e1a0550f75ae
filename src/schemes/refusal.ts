import { AppError, badRequest } from '../lib/errors.ts';
import { EGRESS_DENIED } from '../lib/egress.ts';
import { OUTBOUND_BUSY, OutboundBusyError } from '../lib/outbound-limiter.ts';
import { PROVIDER_RESPONSE_TOO_LARGE } from '../providers/http.ts';
import { ProviderError } from '../providers/types.ts';

/** The provider did not answer while an account was being created: nothing was stored. */
export const badGateway = (detail: string) =>
  new AppError('provider_unavailable', 502, 'Bad gateway', detail, {}, true);

/**
 * A provider call that failed on our side of the wire, as the caller's answer: the tenant's
 * outbound slots stayed taken (503, retry shortly) or the answer was cut at
 * PROVIDER_MAX_RESPONSE_BYTES (502 naming the host and the limit). Undefined for anything else.
 */
export function outboundFailure(err: ProviderError, prefix = ''): AppError | undefined {
  if (err.oauthError === OUTBOUND_BUSY) return new OutboundBusyError(err.message);
  if (err.oauthError === PROVIDER_RESPONSE_TOO_LARGE) {
    return new AppError(
      PROVIDER_RESPONSE_TOO_LARGE,
      502,
      'Bad gateway',
      `${prefix}${err.message} (PROVIDER_MAX_RESPONSE_BYTES)`,
    );
  }
  return undefined;
}

/** A provider's refusal as the caller's 400 (`code`), an outage as a 502; anything else as is. */
export function providerRefusal(err: unknown, code: string, detail: string): unknown {
  if (!(err instanceof ProviderError)) return err;
  if (err.oauthError === EGRESS_DENIED) return badRequest(EGRESS_DENIED, err.message);
  const ours = outboundFailure(err);
  if (ours) return ours;
  if (err.kind === 'transient') return badGateway(`the provider did not answer: ${err.message}`);
  const why = err.oauthError ?? (err.status ? `HTTP ${err.status}` : undefined);
  return badRequest(code, why ? `${detail} (${why})` : detail);
}
