import type { Db } from '../../db/client.ts';
import type { AccountRow } from '../../db/schema/index.ts';
import { standalone, transact, type Writes } from '../../db/transact.ts';
import type { Clock } from '../../lib/clock.ts';
import { keepAliveAt, nextRefreshAt } from '../../lib/schedule.ts';
import type { Identity, Site } from '../../providers/types.ts';
import type { TokenGrant } from '../../schemes/grant.ts';
import { accountField } from '../../schemes/sealed.ts';
import type { DataKeyService } from '../data-keys/service.ts';
import type { Outbox } from '../events/outbox.ts';
import * as repo from './repo.ts';
import type { AccountUpdate } from './token-read-model.ts';

/** A grant from the connect flow: the tokens, and what discovery learnt. */
export interface Grant extends TokenGrant {
  grantedScopes: string[];
  sites: Site[];
  identity: Identity | null;
  selectedCloudId: string | null;
  familyExpiresAt: Date | null;
}

/**
 * The writes that store a grant: the columns of every token write (connect, refresh, a service
 * account's new token), and the connect flow's outcome on its account.
 */
export function createGrantWriter(deps: {
  db: Db;
  writes: Writes;
  clock: Clock;
  dataKeys: Pick<DataKeyService, 'encrypt'>;
  outbox: Outbox;
  refreshAheadSeconds: number;
}) {
  const { db, clock } = deps;

  /**
   * The columns of every write that stores a new token: sealed tokens, expiry and lifetime, the
   * next refresh, a bumped generation, a clean failure record. The next refresh is ahead of
   * expiry, or with `idle` only the keep-alive (docs/contracts.md#use-driven-refresh).
   */
  async function grantColumns(
    row: Pick<AccountRow, 'tenantId' | 'id' | 'generation'>,
    grant: TokenGrant,
    now: Date,
    idle?: { keepAliveDays: number; familyExpiresAt: Date | null },
  ): Promise<AccountUpdate> {
    const set: AccountUpdate = {
      accessTokenEnc: await deps.dataKeys.encrypt(
        accountField(row.tenantId, row.id, 'access_token'),
        grant.accessToken,
      ),
      tokenType: grant.tokenType,
      expiresAt: grant.expiresAt,
      tokenLifetimeSeconds: grant.lifetimeSeconds,
      generation: row.generation + 1,
      nextRefreshAt:
        idle && grant.expiresAt
          ? keepAliveAt(now, idle.keepAliveDays, idle.familyExpiresAt)
          : nextRefreshAt(now, grant.expiresAt, deps.refreshAheadSeconds),
      refreshFailures: 0,
      lastErrorCode: null,
      lastErrorAt: null,
      updatedAt: now,
    };
    if (grant.refreshToken) {
      set.refreshTokenEnc = await deps.dataKeys.encrypt(
        accountField(row.tenantId, row.id, 'refresh_token'),
        grant.refreshToken,
      );
    }
    return set;
  }

  /** The flow failed: only an account still INITIATED turns FAILED (a live account never breaks). */
  const markFailed = (tenantId: string, id: string, reason: string) =>
    repo.updateAccount(
      standalone(deps.writes),
      tenantId,
      id,
      { status: 'FAILED', statusReason: reason, updatedAt: clock.now() },
      ['INITIATED'],
    );

  /** Stores a fresh grant from the connect flow and makes the account ACTIVE, in one write. */
  async function activate(tenantId: string, id: string, grant: Grant) {
    const now = clock.now();
    const row = await repo.getAccount(db, tenantId, id);
    if (!row || row.status === 'DISABLED') return undefined;
    const set: AccountUpdate = {
      ...(await grantColumns(row, grant, now)),
      status: 'ACTIVE',
      statusReason: null,
      grantedScopes: grant.grantedScopes,
      sites: grant.sites,
      identity: grant.identity,
      selectedCloudId: grant.selectedCloudId,
      familyExpiresAt: grant.familyExpiresAt,
      // a new family: its own end is warned of, whatever was sent about the previous one's
      consentExpiringNotifiedAt: null,
      connectedAt: now,
      lastRefreshedAt: null,
    };
    return transact(deps.writes, async (scope) => {
      const written = await repo.updateAccount(
        scope,
        tenantId,
        id,
        set,
        ['INITIATED', 'ACTIVE', 'FAILED', 'EXPIRED'],
        row.generation,
      );
      if (written && row.status !== 'ACTIVE') {
        await deps.outbox.emit(scope.tx, 'connected_account.active', written);
      }
      return written;
    });
  }

  return { grantColumns, markFailed, activate };
}

export type GrantWriter = ReturnType<typeof createGrantWriter>;
