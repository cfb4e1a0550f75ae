import type { Db } from '../../db/client.ts';
import type { ImportJobRow } from '../../db/schema/index.ts';
import type { Clock } from '../../lib/clock.ts';
import { conflict, notFound } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import type { Logger } from '../../lib/logger.ts';
import { isUniqueViolation } from './import-errors.ts';
import { detectFormat, type ImportFormat, type ReadOptions } from './import-readers.ts';
import type { AccountImport, ImportStatus } from './import.ts';
import * as repo from './import-job-repo.ts';

/** Progress is written after this many records have settled (and when the job ends). */
const PROGRESS_EVERY = 100;
/** A running job whose progress has not moved for this long lost its process. */
export const IMPORT_JOB_STALE_SECONDS = 300;

/**
 * Imports in the background (docs/moving.md#import-jobs): the records stay in this process's
 * memory (never written: they hold refresh tokens); the job's row holds its counts as they move
 * and every record's result at the end. One running job per tenant; a job whose process stopped
 * shows as `interrupted` and frees its tenant's slot.
 */
export function createImportJobs(deps: {
  db: Db;
  clock: Clock;
  logger: Logger;
  imports: Pick<AccountImport, 'importRecords'>;
}) {
  const { db, clock } = deps;
  const staleBefore = () => new Date(clock.now().getTime() - IMPORT_JOB_STALE_SECONDS * 1000);

  async function start(
    tenantId: string,
    items: unknown[],
    opts: ReadOptions & { format?: ImportFormat; dryRun: boolean },
  ) {
    const format = opts.format ?? (items.length ? detectFormat(items[0]) : 'plain');
    const now = clock.now();
    await repo.failStaleJobs(db, tenantId, staleBefore(), now);
    let job: ImportJobRow;
    try {
      job = await repo.insertJob(db, {
        id: newId('ij', now),
        tenantId,
        status: 'running',
        dryRun: opts.dryRun,
        format,
        total: items.length,
        createdAt: now,
        updatedAt: now,
      });
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      throw conflict('import_job_running', 'an import job of this tenant is running; wait for it');
    }
    void run(job, items, { ...opts, format });
    return job;
  }

  async function run(job: ImportJobRow, items: unknown[], opts: Parameters<typeof start>[2]) {
    const counts: Record<ImportStatus, number> = { imported: 0, unchanged: 0, valid: 0, failed: 0 };
    let done = 0;
    // Progress writes go one after another, never overlapping, never after the final one.
    let writes = Promise.resolve();
    const progress = () => {
      const set = { done, ...counts, updatedAt: clock.now() };
      writes = writes
        .then(() => repo.updateJob(db, job.tenantId, job.id, set))
        .then(() => undefined)
        .catch(() => undefined);
    };
    try {
      const answer = await deps.imports.importRecords(job.tenantId, items, opts, (r) => {
        counts[r.status]++;
        if (++done % PROGRESS_EVERY === 0) progress();
      });
      await writes;
      await repo.updateJob(db, job.tenantId, job.id, {
        status: 'done',
        done: answer.counts.total,
        ...counts,
        results: answer.results,
        updatedAt: clock.now(),
      });
    } catch (err) {
      deps.logger.error(
        { err: { message: (err as Error).message }, job: job.id },
        'import job failed',
      );
      await writes;
      await repo
        .updateJob(db, job.tenantId, job.id, {
          status: 'failed',
          error: 'internal_error',
          updatedAt: clock.now(),
        })
        .catch(() => undefined);
    }
  }

  async function get(tenantId: string, id: string) {
    const job = await repo.getJob(db, tenantId, id);
    if (!job) throw notFound('import_job', id);
    return job;
  }

  /** What GET answers: a running job that stopped moving is `interrupted`. */
  const statusOf = (job: ImportJobRow): ImportJobRow['status'] | 'interrupted' =>
    job.status === 'running' && job.updatedAt < staleBefore() ? 'interrupted' : job.status;

  return { start, get, statusOf };
}

export type ImportJobs = ReturnType<typeof createImportJobs>;
