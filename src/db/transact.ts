import type { Change } from './changes.ts';
import type { Db, DbOrTx, Tx } from './client.ts';

/**
 * Where a write goes, and where the change it makes is announced to this process's caches. The
 * announcement waits for the commit: telling the caches earlier would let a concurrent read cache
 * the old row again. Repo write helpers announce their own writes, by the same rule as the
 * database's NOTIFY triggers, so no service has to remember to.
 */
export interface WriteScope {
  tx: DbOrTx;
  /** a change this write makes, announced once it has committed */
  announce(c: Change): void;
}

/** An open transaction, and a place for what must wait until it has committed. */
export interface TxScope extends WriteScope {
  tx: Tx;
  /** Runs `f` once the transaction has committed (never when it rolls back). */
  afterCommit(f: () => void): void;
}

/** The database, and this process's change feed (what committed writes are announced to). */
export interface Writes {
  db: Db;
  announce(c: Change): void;
}

/**
 * One short transaction, then its after-commit work (its announcements first among it). Nothing
 * that waits on the network belongs in `fn`: the embedded database has a single connection, and
 * every other request queues behind an open transaction (on PostgreSQL it holds a pool
 * connection). Inside `fn` every query goes through `scope.tx`: on the embedded database a query
 * on the db handle would wait for this very transaction to end.
 */
export async function transact<T>(w: Writes, fn: (scope: TxScope) => Promise<T>): Promise<T> {
  const after: (() => void)[] = [];
  const result = await w.db.transaction((tx) =>
    fn({
      tx,
      afterCommit: (f) => void after.push(f),
      announce: (c) => void after.push(() => w.announce(c)),
    }),
  );
  for (const f of after) f();
  return result;
}

/** A write of one statement on its own: committed when it returns, announced then. */
export const standalone = (w: Writes): WriteScope => ({ tx: w.db, announce: w.announce });
