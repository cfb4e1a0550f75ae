import type { ProviderError } from '../../providers/types.ts';

/** Why a record failed, as the answer says it (the codes are listed in docs/moving.md#import). */
export class RecordError extends Error {
  constructor(
    readonly code: string,
    detail: string,
    readonly refreshed = false,
  ) {
    super(detail);
  }
}

export const PROVIDER_CODES: Record<ProviderError['kind'], string> = {
  invalid_grant: 'refresh_token_invalid',
  invalid_client: 'client_credentials_invalid',
  transient: 'provider_unavailable',
  rejected: 'provider_rejected',
};

export const isUniqueViolation = (err: unknown): boolean => {
  for (let e: unknown = err, depth = 0; e && depth < 5; depth++) {
    if ((e as { code?: unknown }).code === '23505') return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
};
