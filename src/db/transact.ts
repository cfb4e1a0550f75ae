import type { Db, Tx } from './client.ts';

/** An open transaction, and a place for what must wait until it has committed. */
export interface TxScope {
  tx: Tx;
  /**
   * Runs `f` once the transaction has committed (never when it rolls back): telling this
   * process's caches of a change earlier would let a concurrent read cache the old row again.
   */
  afterCommit(f: () => void): void;
}

/**
 * One short transaction, then its after-commit work. Nothing that waits on the network belongs in
 * `fn`: the embedded database has a single connection, and every other request queues behind an
 * open transaction (on PostgreSQL it holds a pool connection). Inside `fn` every query goes
 * through `tx`: on the embedded database a query on the db handle would wait for this very
 * transaction to end.
 */
export async function transact<T>(db: Db, fn: (scope: TxScope) => Promise<T>): Promise<T> {
  const after: (() => void)[] = [];
  const result = await db.transaction((tx) => fn({ tx, afterCommit: (f) => void after.push(f) }));
  for (const f of after) f();
  return result;
}
