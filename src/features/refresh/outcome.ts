import type { AccountRow } from '../../db/schema/index.ts';
import type { Clock } from '../../lib/clock.ts';
import { EGRESS_DENIED } from '../../lib/egress.ts';
import type { Logger } from '../../lib/logger.ts';
import { OUTBOUND_BUSY } from '../../lib/outbound-limiter.ts';
import { PROVIDER_RESPONSE_TOO_LARGE } from '../../providers/http.ts';
import type { Providers } from '../../providers/index.ts';
import type { ProviderError } from '../../providers/types.ts';
import type { AuthConfigService } from '../auth-configs/service.ts';
import type { GrantWriter } from '../connected-accounts/grants.ts';
import type { AccountLeaseService } from '../connected-accounts/leases.ts';
import type { DataKeyService } from '../data-keys/service.ts';
import type { AppGate } from './app-gate.ts';

/** What the refresh procedure (service.ts) needs, answers and records. */

/** Failures on the vault's side of the wire, recorded under their own names. */
const OUTBOUND_CODES = new Set([OUTBOUND_BUSY, EGRESS_DENIED, PROVIDER_RESPONSE_TOO_LARGE]);

/** The last_error_code of a refresh that failed without ending the grant. */
export function failureCode(err: ProviderError): string {
  if (err.kind === 'invalid_client') return 'client_credentials_invalid';
  if (err.oauthError && OUTBOUND_CODES.has(err.oauthError)) return err.oauthError;
  return err.kind === 'transient' ? 'provider_unavailable' : 'refresh_rejected';
}

export type RefreshOutcome =
  | { kind: 'refreshed'; row: AccountRow }
  /** another refresher wrote first (or took the lease over): nothing of ours was written */
  | { kind: 'lost' }
  | { kind: 'expired'; row: AccountRow }
  | {
      kind: 'failed';
      row: AccountRow | undefined;
      code: string;
      retryable: boolean;
      retryAfterSeconds?: number;
    };

export interface RefreshDeps {
  clock: Clock;
  logger: Logger;
  dataKeys: Pick<DataKeyService, 'decrypt'>;
  authConfigs: Pick<AuthConfigService, 'get' | 'providerApp' | 'withClientApp'>;
  /** per-app pauses and concurrent token-endpoint calls (docs/contracts.md#rate-limit-pause) */
  gate: Pick<AppGate, 'call'>;
  grants: Pick<GrantWriter, 'grantColumns'>;
  leases: Omit<AccountLeaseService, 'notifyConsentExpiring'>;
  providers: Providers;
  /** this process's identity in leases */
  owner: string;
  leaseSeconds: number;
  onOutcome?: (o: RefreshOutcome, provider: string) => void;
  /** consecutive failures after which connected_account.refresh_failed is emitted */
  failureStreak: number;
  /** REFRESH_WARM_HOURS: an account used within it stays warm (refreshed ahead of expiry) */
  warmHours: number;
}

/** How a refresh came about: the worker's schedule, or someone who needs the token (a use). */
export interface RefreshCause {
  scheduled?: boolean;
}
