import { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { tenantOf } from '../../http/auth.ts';
import { IdParam, problems } from '../../http/schemas.ts';
import type { ImportJobRow } from '../../db/schema/index.ts';
import { badRequest } from '../../lib/errors.ts';
import { changeOf } from '../audit/context.ts';
import type { BulkActions } from './bulk.ts';
import type { AccountExport } from './export.ts';
import type { AccountImport, ImportResult } from './import.ts';
import type { ImportJobs } from './import-jobs.ts';
import { IMPORT_MAX_BYTES, parseConfigMap, parseNdjson } from './import-readers.ts';
import {
  BulkAnswer,
  BulkBody,
  ExportBody,
  ExportLines,
  ImportAnswer,
  ImportBody,
  ImportJob,
  ImportQuery,
} from './transfer-schemas.ts';

const tags = ['connected-accounts'];
// Long operations that commit per record (or per batch): one audit row once they have succeeded.
const longChange = { roles: ['admin' as const], audit: 'after' as const };

/** The import's options from its query string (shared by the direct import and the job). */
function importOptions(q: {
  format?: 'plain' | 'nango' | 'vault';
  dry_run?: boolean;
  config_map?: string;
  auth_config_id?: string;
}) {
  const configMap = parseConfigMap(q.config_map);
  if (typeof configMap === 'string')
    throw badRequest('invalid_request', `query.${configMap}`, { field: 'query.config_map' });
  return {
    format: q.format,
    dryRun: q.dry_run ?? false,
    configMap,
    authConfigId: q.auth_config_id,
  };
}

/** Moving accounts in and out (docs/moving.md): import, export, bulk actions. */
export const transferRoutes =
  (svc: {
    imports: AccountImport;
    importJobs: ImportJobs;
    exports: AccountExport;
    bulk: BulkActions;
  }): FastifyPluginAsyncTypebox =>
  async (app) => {
    // NDJSON: one record per line; a line that is not JSON fails that record only.
    app.addContentTypeParser(
      'application/x-ndjson',
      { parseAs: 'string', bodyLimit: IMPORT_MAX_BYTES },
      (_req, body, done) => done(null, parseNdjson(body as string)),
    );

    app.post(
      '/v1/connected-accounts/import',
      {
        config: longChange,
        bodyLimit: IMPORT_MAX_BYTES,
        schema: {
          tags,
          summary:
            'Import grants held elsewhere: each record verified by one refresh (the hand-off) and discovery, then stored ACTIVE; idempotent by (auth_config_id, external_id)',
          querystring: ImportQuery,
          body: ImportBody,
          response: { 200: ImportAnswer, ...problems(400, 401, 403, 413) },
        },
      },
      async (req, reply) => {
        const opts = importOptions(req.query);
        reply.header('cache-control', 'no-store');
        return svc.imports.importRecords(tenantOf(req), req.body, opts);
      },
    );

    const jobView = (job: ImportJobRow) => ({
      id: job.id,
      status: svc.importJobs.statusOf(job),
      format: job.format as 'plain' | 'nango' | 'vault',
      dry_run: job.dryRun,
      counts: {
        total: job.total,
        done: job.done,
        imported: job.imported,
        unchanged: job.unchanged,
        valid: job.valid,
        failed: job.failed,
      },
      results: job.results as ImportResult[],
      error: job.error,
      created_at: job.createdAt.toISOString(),
      updated_at: job.updatedAt.toISOString(),
    });

    app.post(
      '/v1/connected-accounts/import-jobs',
      {
        config: longChange,
        bodyLimit: IMPORT_MAX_BYTES,
        schema: {
          tags,
          summary:
            'The same import in the background: answers at once with the job; GET it for its counts and, once done, every record’s result',
          querystring: ImportQuery,
          body: ImportBody,
          response: { 202: ImportJob, ...problems(400, 401, 403, 409, 413) },
        },
      },
      async (req, reply) => {
        const opts = importOptions(req.query);
        const job = await svc.importJobs.start(tenantOf(req), req.body, opts);
        reply.code(202).header('cache-control', 'no-store');
        return jobView(job);
      },
    );

    app.get(
      '/v1/connected-accounts/import-jobs/:id',
      {
        config: { roles: ['admin' as const] },
        schema: {
          tags,
          summary: 'An import job: its status, counts and (once done) every record’s result',
          params: IdParam('ij'),
          response: { 200: ImportJob, ...problems(400, 401, 403, 404) },
        },
      },
      async (req, reply) => {
        reply.header('cache-control', 'no-store');
        return jobView(await svc.importJobs.get(tenantOf(req), req.params.id));
      },
    );

    app.post(
      '/v1/connected-accounts/export',
      {
        config: longChange,
        schema: {
          tags,
          summary:
            'Export ACTIVE accounts with their refresh tokens, each encrypted to the admin’s public key (JWE), streamed as NDJSON; exported accounts are DISABLED (exported) unless keep_active',
          body: ExportBody,
          response: {
            200: { content: { 'application/x-ndjson': { schema: ExportLines } } },
            ...problems(400, 401, 403, 404, 429),
          },
        },
      },
      async (req, reply) => {
        const lines = await svc.exports.exportAccounts(tenantOf(req), req.body);
        return (
          reply
            .type('application/x-ndjson')
            .header('cache-control', 'no-store')
            // A stream is sent as it is (the schema documents its lines; nothing serialises them).
            .send(Readable.from(lines) as unknown as string)
        );
      },
    );

    app.post(
      '/v1/connected-accounts/bulk',
      {
        config: longChange,
        schema: {
          tags,
          summary:
            'Act on every account a filter matches (status, status_reason, auth_config_id, user_id, tags): reconnect links, disable, enable or delete; dry_run counts them',
          body: BulkBody,
          response: { 200: BulkAnswer, ...problems(400, 401, 403) },
        },
      },
      async (req, reply) => {
        reply.header('cache-control', 'no-store');
        return svc.bulk.run(tenantOf(req), req.body, changeOf(req));
      },
    );
  };
