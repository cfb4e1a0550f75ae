import { AppError, badRequest } from '../../lib/errors.ts';
import { ProviderError } from '../../providers/types.ts';

/** The provider did not answer while an account was being created: nothing was stored. */
export const badGateway = (detail: string) =>
  new AppError('provider_unavailable', 502, 'Bad gateway', detail, {}, true);

/** A provider's refusal as the caller's 400 (`code`), an outage as a 502; anything else as is. */
export function providerRefusal(err: unknown, code: string, detail: string): unknown {
  if (!(err instanceof ProviderError)) return err;
  if (err.oauthError === 'egress_denied') return badRequest('egress_denied', err.message);
  if (err.kind === 'transient') return badGateway(`the provider did not answer: ${err.message}`);
  const why = err.oauthError ?? (err.status ? `HTTP ${err.status}` : undefined);
  return badRequest(code, why ? `${detail} (${why})` : detail);
}
