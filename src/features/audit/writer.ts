import type { Db } from '../../db/client.ts';
import type { auditEvents } from '../../db/schema/index.ts';
import type { Clock } from '../../lib/clock.ts';
import { newId } from '../../lib/ids.ts';
import * as repo from './repo.ts';
import type { Logger } from '../../lib/logger.ts';

export interface AuditRecord {
  tenantId: string | null;
  actorKeyId: string | null;
  /** operator | admin | service, or cli for the key commands */
  actorRole: string | null;
  action: string;
  resourceType: string;
  resourceId: string | null;
  ip: string | null;
  details?: Record<string, unknown>;
}

/**
 * Audit records off the caller's critical path: `record` only queues; a timer flushes batches in one
 * INSERT. A failed flush keeps the batch for the next one (bounded), and `close` flushes what is left.
 */
export function createAuditWriter(deps: {
  db: Db;
  clock: Clock;
  logger: Logger;
  flushMs?: number;
  maxBuffered?: number;
}) {
  const max = deps.maxBuffered ?? 50_000;
  let buffer: (typeof auditEvents.$inferInsert)[] = [];
  let flushing: Promise<void> | undefined;

  async function flushOnce() {
    while (buffer.length) {
      const batch = buffer.slice(0, 1000);
      try {
        await repo.insertAuditEvents(deps.db, batch);
        buffer = buffer.slice(batch.length);
      } catch (err) {
        deps.logger.warn(
          { err: { message: (err as Error).message }, pending: buffer.length },
          'audit flush failed; will retry',
        );
        return;
      }
    }
  }

  const flush = (): Promise<void> => {
    flushing ??= flushOnce().finally(() => {
      flushing = undefined;
    });
    return flushing;
  };

  let timer: NodeJS.Timeout | undefined;

  return {
    record(r: AuditRecord) {
      if (buffer.length >= max) {
        deps.logger.error({ dropped: r.action }, 'audit buffer full; dropping record');
        return;
      }
      const now = deps.clock.now();
      buffer.push({
        id: newId('au', now),
        ...r,
        details: r.details ?? {},
        createdAt: now,
      });
    },
    flush,
    /** Flushes every flushMs from now on (the processes that serve or refresh; not migrate). */
    start() {
      timer ??= setInterval(() => void flush(), deps.flushMs ?? 1000);
      timer.unref();
    },
    /** Stops the timer and flushes what is left. */
    async stop() {
      clearInterval(timer);
      timer = undefined;
      await flush();
    },
  };
}

export type AuditWriter = ReturnType<typeof createAuditWriter>;
