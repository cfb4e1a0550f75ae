import { AsyncLocalStorage } from 'node:async_hooks';
import type { Db, Tx } from './client.ts';

interface Scope {
  tx: Tx;
  afterCommit: (() => void)[];
}

/**
 * One transaction for a whole admin request: `run(fn)` opens it, and every service that uses
 * `db` inside `fn` joins it (a service's own `db.transaction` becomes a savepoint), so a change
 * and its audit row commit together or not at all. Outside `run`, `db` is the database itself.
 * `afterCommit` defers work (announcing a change to this process's caches) until the commit.
 */
export function createScopedDb(base: Db) {
  const als = new AsyncLocalStorage<Scope>();
  const db = new Proxy(base, {
    get(target, prop) {
      const current = (als.getStore()?.tx ?? target) as unknown as Record<PropertyKey, unknown>;
      const v = current[prop];
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(current) : v;
    },
  }) as Db;
  // While no request transaction is open the storage is disabled: on Node 20 an enabled
  // AsyncLocalStorage hooks every promise, and the token path has no use for it.
  let open = 0;
  return {
    db,
    async run<T>(fn: () => Promise<T>): Promise<T> {
      if (als.getStore()) return fn();
      const after: (() => void)[] = [];
      open++;
      try {
        const result = await base.transaction((tx) => als.run({ tx, afterCommit: after }, fn));
        for (const f of after) f();
        return result;
      } finally {
        if (--open === 0) als.disable();
      }
    },
    afterCommit(f: () => void) {
      const scope = als.getStore();
      if (scope) scope.afterCommit.push(f);
      else f();
    },
  };
}

export type ScopedDb = ReturnType<typeof createScopedDb>;
