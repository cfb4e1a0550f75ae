import { and, eq, gt, isNull } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.ts';
import { connectSessions } from '../../db/schema/index.ts';

export type SessionRow = typeof connectSessions.$inferSelect;

export const insertSession = (db: DbOrTx, row: typeof connectSessions.$inferInsert) =>
  db
    .insert(connectSessions)
    .values(row)
    .returning()
    .then((r) => r[0]!);

/** Marks the link used, once: a second open (or an expired link) updates nothing. */
export const consumeLink = (
  db: DbOrTx,
  p: { id: string; tenantId: string; accountId: string; now: Date },
  set: { stateHash: string; stateExpiresAt: Date; codeVerifierEnc: string | null },
) =>
  db
    .update(connectSessions)
    .set({ ...set, linkUsedAt: p.now, updatedAt: p.now })
    .where(
      and(
        eq(connectSessions.id, p.id),
        eq(connectSessions.tenantId, p.tenantId),
        eq(connectSessions.accountId, p.accountId),
        isNull(connectSessions.linkUsedAt),
        gt(connectSessions.linkExpiresAt, p.now),
      ),
    )
    .returning()
    .then((r) => r[0]);

/** Spends a state, once: a replayed or unknown state finds nothing. */
export const consumeState = (db: DbOrTx, stateHash: string, now: Date) =>
  db
    .update(connectSessions)
    .set({ stateUsedAt: now, updatedAt: now })
    .where(and(eq(connectSessions.stateHash, stateHash), isNull(connectSessions.stateUsedAt)))
    .returning()
    .then((r) => r[0]);

export const setOutcome = (db: DbOrTx, id: string, outcome: string, now: Date) =>
  db.update(connectSessions).set({ outcome, updatedAt: now }).where(eq(connectSessions.id, id));
