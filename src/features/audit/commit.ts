import { transact, type TxScope, type Writes } from '../../db/transact.ts';
import { InternalError } from '../../lib/errors.ts';
import { auditRecord, type ChangeContext } from './context.ts';
import type { AuditWriter } from './writer.ts';

/**
 * How services make an admin change: one short transaction holding the change and its audit row,
 * then the after-commit work (announcements to this process's caches). The change and its row
 * commit together or not at all; a change that throws writes no row. Provider, DNS and webhook
 * calls happen before this is called or after it returns, never inside `fn`.
 */
export function createChangeCommitter(deps: {
  writes: Writes;
  audit: Pick<AuditWriter, 'change'>;
}) {
  return async function commitChange<T>(
    change: ChangeContext,
    fn: (scope: TxScope) => Promise<T>,
    /** the id of the resource the change created, when the path names none */
    created?: (result: T) => string,
  ): Promise<T> {
    if (change.recorded) {
      throw new InternalError(
        'change_recorded_twice',
        `${change.action}: a change context is one change with one audit row`,
      );
    }
    return transact(deps.writes, async (scope) => {
      const result = await fn(scope);
      await deps.audit.change(auditRecord(change, created?.(result)), scope.tx);
      change.recorded = true;
      return result;
    });
  };
}

export type CommitChange = ReturnType<typeof createChangeCommitter>;
