import type { DbOrTx } from '../../db/client.ts';
import type { AccountRow, EventType } from '../../db/schema/index.ts';
import type { Clock } from '../../lib/clock.ts';
import { newId } from '../../lib/ids.ts';
import * as repo from './repo.ts';

/** The account as events describe it: never a token. */
export const accountEventData = (a: AccountRow) => ({
  connected_account_id: a.id,
  auth_config_id: a.authConfigId,
  user_id: a.userId,
  status: a.status,
  status_reason: a.statusReason,
  family_expires_at: a.familyExpiresAt?.toISOString() ?? null,
});

/**
 * Writes a lifecycle event and its pending webhook deliveries. Call it with the transaction that
 * makes the change, so the event exists if and only if the change does.
 */
export function createOutbox(deps: { clock: Clock }) {
  async function emit(
    tx: DbOrTx,
    type: EventType,
    account: AccountRow,
    extra: Record<string, unknown> = {},
  ) {
    const now = deps.clock.now();
    const id = newId('ev', now);
    await repo.insertEvent(tx, {
      id,
      tenantId: account.tenantId,
      type,
      connectedAccountId: account.id,
      data: { ...accountEventData(account), ...extra },
      createdAt: now,
    });
    const endpoints = await repo.enabledEndpoints(tx, account.tenantId);
    await repo.insertDeliveries(
      tx,
      endpoints
        .filter((e) => e.eventTypes.length === 0 || e.eventTypes.includes(type))
        .map((e) => ({
          id: newId('wd', now),
          tenantId: account.tenantId,
          eventId: id,
          endpointId: e.id,
          nextAttemptAt: now,
          createdAt: now,
          updatedAt: now,
        })),
    );
    return id;
  }
  return { emit };
}

export type Outbox = ReturnType<typeof createOutbox>;
