import type { AccountRow } from '../../db/schema/index.ts';
import type { Clock } from '../../lib/clock.ts';
import { schemeOf } from '../../schemes/index.ts';
import type { AccountLeaseService } from '../connected-accounts/leases.ts';
import type { TokenRow } from '../connected-accounts/token-read-model.ts';
import type { DataKeyService } from '../data-keys/service.ts';
import type { RefreshService } from '../refresh/service.ts';

/** What the vault did about a provider's 401 to a proxied call (the label of its metric). */
export const REJECTION_OUTCOMES = [
  /** this call's 401 caused the refresh; the call is sent again with the new token */
  'refreshed',
  /** this call's 401 was allowed a refresh, but no new token came of it */
  'refresh_failed',
  /** another call had already replaced the refused token: sent again with that one, no refresh */
  'newer_token',
  /** a 401 already caused a refresh within the cool-down: the provider's answer goes back */
  'cooldown',
  /** the token was issued less than a minute ago: a new one would be refused the same way */
  'fresh_token',
  /**
   * not a credential the vault can renew on demand (an API token; a grant without a refresh
   * token): the provider's answer goes back and the account stays as it is
   */
  'not_refreshable',
] as const;
export type RejectionOutcome = (typeof REJECTION_OUTCOMES)[number];

/** A refused token younger than this was not refused for its age: refreshing cannot help. */
export const FRESH_TOKEN_SECONDS = 60;

export interface Rejection {
  outcome: RejectionOutcome;
  /** the token to send the call again with, when there is one */
  retryWith?: { accessToken: string; tokenType: string };
}

/**
 * When the provider refuses a token with a 401. Real providers answer 401 for more than a dead
 * token (Atlassian does for an endpoint outside the granted scopes), and a refresh never cures
 * that: refreshing on every such answer burns refresh tokens and the OAuth app's quota. So a 401
 * refreshes at most once per account and cool-down, across replicas (a conditional write on the
 * account decides who), and never for a token issued in the last minute. A 401 never changes an
 * account's status by itself: a credential its scheme cannot renew on demand (an API token, a
 * grant without a refresh token) is not refreshed at all, so nothing can expire it here.
 */
export function createRejectionService(deps: {
  clock: Clock;
  dataKeys: Pick<DataKeyService, 'decrypt'>;
  leases: Pick<AccountLeaseService, 'claimRejectionRefresh' | 'read'>;
  refresh: Pick<RefreshService, 'refreshNow'>;
  cooldownSeconds: number;
}) {
  const { clock } = deps;

  /** When the token was issued: its expiry less the lifetime the provider gave it (if known). */
  const issuedAt = (t: Pick<TokenRow, 'expiresAt' | 'tokenLifetimeSeconds'>) =>
    t.expiresAt && t.tokenLifetimeSeconds !== null
      ? t.expiresAt.getTime() - t.tokenLifetimeSeconds * 1000
      : null;

  /** The credential to send the call again with, presented as the scheme presents it. */
  async function credentialOf(row: AccountRow) {
    const { tokenType, credential } = await schemeOf(row.authScheme).present(
      { open: deps.dataKeys.decrypt },
      row,
    );
    return { accessToken: credential, tokenType };
  }

  /** Whether the scheme can renew this credential now, on demand. */
  function renewableOnDemand(a: TokenRow | AccountRow) {
    const renewal = schemeOf(a.authScheme).renewal;
    if (renewal.kind !== 'renew') return false;
    const hasRefreshToken = 'hasRefreshToken' in a ? a.hasRefreshToken : a.refreshTokenEnc !== null;
    return renewal.blocked({ hasRefreshToken }) === null;
  }

  /** Decides about the 401 the provider answered to `rejected` (the token the call was sent with). */
  async function afterRejection(rejected: TokenRow | AccountRow): Promise<Rejection> {
    if (!renewableOnDemand(rejected)) return { outcome: 'not_refreshable' };
    const now = clock.now();
    const issued = issuedAt(rejected);
    if (issued !== null && now.getTime() - issued < FRESH_TOKEN_SECONDS * 1000)
      return { outcome: 'fresh_token' };
    const claimed = await deps.leases.claimRejectionRefresh(
      rejected.tenantId,
      rejected.id,
      rejected.generation,
      now,
      new Date(now.getTime() - deps.cooldownSeconds * 1000),
    );
    if (!claimed) {
      // Someone may have replaced the refused token meanwhile (this 401's sibling that won the
      // claim, the worker): sending the call once more with that one costs no refresh.
      const current = await deps.leases.read(rejected.tenantId, rejected.id);
      if (
        current?.status === 'ACTIVE' &&
        schemeOf(current.authScheme).holdsCredential(current) &&
        current.generation !== rejected.generation
      )
        return { outcome: 'newer_token', retryWith: await credentialOf(current) };
      return { outcome: 'cooldown' };
    }
    // The same single-flight, lease-guarded refresh as the token endpoint's.
    const past = new Date((rejected.expiresAt ?? now).getTime() + 1);
    const after = await deps.refresh.refreshNow(rejected.tenantId, rejected.id, past);
    if (
      !after ||
      after.status !== 'ACTIVE' ||
      after.generation === rejected.generation ||
      !schemeOf(after.authScheme).holdsCredential(after)
    )
      return { outcome: 'refresh_failed' };
    return { outcome: 'refreshed', retryWith: await credentialOf(after) };
  }

  return { afterRejection };
}

export type RejectionService = ReturnType<typeof createRejectionService>;
