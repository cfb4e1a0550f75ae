import type { EventRow, EndpointRow, DeliveryRow } from '../../db/schema/index.ts';
import { and, desc, eq, gt, inArray, lte, sql } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../../db/client.ts';
import { events, webhookDeliveries as wd, webhookEndpoints as we } from '../../db/schema/index.ts';

export const insertEvent = (db: DbOrTx, row: typeof events.$inferInsert) =>
  db.insert(events).values(row);

export const enabledEndpoints = (db: DbOrTx, tenantId: string) =>
  db
    .select({ id: we.id, eventTypes: we.eventTypes })
    .from(we)
    .where(and(eq(we.tenantId, tenantId), eq(we.status, 'enabled')));

export const insertDeliveries = (db: DbOrTx, rows: (typeof wd.$inferInsert)[]) =>
  rows.length ? db.insert(wd).values(rows) : Promise.resolve();

export const insertEndpoint = (db: DbOrTx, row: typeof we.$inferInsert) =>
  db
    .insert(we)
    .values(row)
    .returning()
    .then((r) => r[0]!);

export const getEndpoint = (db: DbOrTx, tenantId: string, id: string) =>
  db
    .select()
    .from(we)
    .where(and(eq(we.tenantId, tenantId), eq(we.id, id)))
    .then((r) => r[0]);

export const listEndpoints = (db: DbOrTx, tenantId: string, limit: number, after?: string) =>
  db
    .select()
    .from(we)
    .where(and(eq(we.tenantId, tenantId), after ? gt(we.id, after) : undefined))
    .orderBy(we.id)
    .limit(limit);

export const deleteEndpoint = (db: DbOrTx, tenantId: string, id: string) =>
  db
    .delete(we)
    .where(and(eq(we.tenantId, tenantId), eq(we.id, id)))
    .returning({ id: we.id })
    .then((r) => r[0]);

export const getEvent = (db: DbOrTx, tenantId: string, id: string) =>
  db
    .select()
    .from(events)
    .where(and(eq(events.tenantId, tenantId), eq(events.id, id)))
    .then((r) => r[0]);

/** Newest first. */
export const listEvents = (
  db: DbOrTx,
  tenantId: string,
  f: { type?: string; accountId?: string },
  limit: number,
  before?: string,
) =>
  db
    .select()
    .from(events)
    .where(
      and(
        eq(events.tenantId, tenantId),
        f.type ? eq(events.type, f.type as EventRow['type']) : undefined,
        f.accountId ? eq(events.connectedAccountId, f.accountId) : undefined,
        before ? sql`${events.id} < ${before}` : undefined,
      ),
    )
    .orderBy(desc(events.id))
    .limit(limit);

export const deliveriesOf = (db: DbOrTx, tenantId: string, eventIds: string[]) =>
  eventIds.length
    ? db
        .select()
        .from(wd)
        .where(and(eq(wd.tenantId, tenantId), inArray(wd.eventId, eventIds)))
    : Promise.resolve([] as DeliveryRow[]);

/**
 * Claims due deliveries, across tenants (the dispatcher serves them all), inside the caller's
 * transaction: SKIP LOCKED, and next_attempt_at pushed past a lease so that another dispatcher
 * does not take them while this one is sending.
 */
export async function claimDueDeliveries(tx: Tx, now: Date, leaseUntil: Date, limit: number) {
  const due = await tx
    .select({ id: wd.id })
    .from(wd)
    .where(and(eq(wd.status, 'pending'), lte(wd.nextAttemptAt, now)))
    .orderBy(wd.nextAttemptAt)
    .limit(limit)
    .for('update', { skipLocked: true });
  if (!due.length) return [];
  return tx
    .update(wd)
    .set({ nextAttemptAt: leaseUntil })
    .where(
      inArray(
        wd.id,
        due.map((d) => d.id),
      ),
    )
    .returning();
}

export const updateDelivery = (
  db: DbOrTx,
  tenantId: string,
  id: string,
  set: Partial<typeof wd.$inferInsert>,
) =>
  db
    .update(wd)
    .set(set)
    .where(and(eq(wd.tenantId, tenantId), eq(wd.id, id)));

export const endpointsByIds = (db: DbOrTx, tenantId: string, ids: string[]) =>
  ids.length
    ? db
        .select()
        .from(we)
        .where(and(eq(we.tenantId, tenantId), inArray(we.id, ids)))
    : Promise.resolve([] as EndpointRow[]);

export const eventsByIds = (db: DbOrTx, tenantId: string, ids: string[]) =>
  ids.length
    ? db
        .select()
        .from(events)
        .where(and(eq(events.tenantId, tenantId), inArray(events.id, ids)))
    : Promise.resolve([] as EventRow[]);

/** Replay: every delivery of the event goes back to pending, now. */
export const requeueEvent = (db: DbOrTx, tenantId: string, eventId: string, now: Date) =>
  db
    .update(wd)
    .set({
      status: 'pending',
      attempts: 0,
      nextAttemptAt: now,
      lastError: null,
      deliveredAt: null,
      updatedAt: now,
    })
    .where(and(eq(wd.tenantId, tenantId), eq(wd.eventId, eventId)));
