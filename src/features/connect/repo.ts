import { and, eq, gt, isNull } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.ts';
import { connectSessions as cs } from '../../db/schema/index.ts';

export const insertSession = (db: DbOrTx, row: typeof cs.$inferInsert) =>
  db
    .insert(cs)
    .values(row)
    .returning()
    .then((r) => r[0]!);

export interface StateSet {
  stateHash: string;
  stateExpiresAt: Date;
  codeVerifierEnc: string | null;
}

/** Marks the link used, once: a second open (or an expired link) updates nothing. */
export const consumeLink = (
  db: DbOrTx,
  p: { id: string; tenantId: string; accountId: string; now: Date },
  set: StateSet & { bindingHash: string; authConfigId: string },
) =>
  db
    .update(cs)
    .set({ ...set, linkUsedAt: p.now, updatedAt: p.now })
    .where(
      and(
        eq(cs.id, p.id),
        eq(cs.tenantId, p.tenantId),
        eq(cs.accountId, p.accountId),
        isNull(cs.linkUsedAt),
        gt(cs.linkExpiresAt, p.now),
      ),
    )
    .returning()
    .then((r) => r[0]);

/**
 * The same browser reopened a used link before the flow completed: a new state replaces the old
 * one (the previous authorize URL dies), only while the link lives and its state is unspent.
 */
export const resumeLink = (
  db: DbOrTx,
  p: { id: string; tenantId: string; bindingHash: string; now: Date },
  set: StateSet,
) =>
  db
    .update(cs)
    .set({ ...set, updatedAt: p.now })
    .where(
      and(
        eq(cs.id, p.id),
        eq(cs.tenantId, p.tenantId),
        eq(cs.bindingHash, p.bindingHash),
        isNull(cs.stateUsedAt),
        isNull(cs.outcome),
        gt(cs.linkExpiresAt, p.now),
      ),
    )
    .returning()
    .then((r) => r[0]);

/** The session a state belongs to, without changing anything (the callback checks it first). */
export const sessionByState = (db: DbOrTx, stateHash: string) =>
  db
    .select()
    .from(cs)
    .where(eq(cs.stateHash, stateHash))
    .then((r) => r[0]);

/** Spends a state, once, and only with the browser's binding: a replay or forgery finds nothing. */
export const consumeState = (
  db: DbOrTx,
  p: { tenantId: string; id: string; stateHash: string; bindingHash: string; now: Date },
) =>
  db
    .update(cs)
    .set({ stateUsedAt: p.now, updatedAt: p.now })
    .where(
      and(
        eq(cs.tenantId, p.tenantId),
        eq(cs.id, p.id),
        eq(cs.stateHash, p.stateHash),
        eq(cs.bindingHash, p.bindingHash),
        isNull(cs.stateUsedAt),
      ),
    )
    .returning()
    .then((r) => r[0]);

export const setOutcome = (db: DbOrTx, tenantId: string, id: string, outcome: string, now: Date) =>
  db
    .update(cs)
    .set({ outcome, updatedAt: now })
    .where(and(eq(cs.tenantId, tenantId), eq(cs.id, id)));
