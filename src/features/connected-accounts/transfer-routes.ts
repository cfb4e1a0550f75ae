import { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { tenantOf } from '../../http/auth.ts';
import { problems } from '../../http/schemas.ts';
import { badRequest } from '../../lib/errors.ts';
import { changeOf } from '../audit/context.ts';
import type { BulkActions } from './bulk.ts';
import type { AccountExport } from './export.ts';
import type { AccountImport } from './import.ts';
import { IMPORT_MAX_BYTES, parseConfigMap, parseNdjson } from './import-readers.ts';
import {
  BulkAnswer,
  BulkBody,
  ExportBody,
  ExportLines,
  ImportAnswer,
  ImportBody,
  ImportQuery,
} from './transfer-schemas.ts';

const tags = ['connected-accounts'];
// Long operations that commit per record (or per batch): one audit row once they have succeeded.
const longChange = { roles: ['admin' as const], audit: 'after' as const };

/** Moving accounts in and out (docs/moving.md): import, export, bulk actions. */
export const transferRoutes =
  (svc: {
    imports: AccountImport;
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
        const configMap = parseConfigMap(req.query.config_map);
        if (typeof configMap === 'string')
          throw badRequest('invalid_request', `query.${configMap}`, { field: 'query.config_map' });
        reply.header('cache-control', 'no-store');
        return svc.imports.importRecords(tenantOf(req), req.body, {
          format: req.query.format,
          dryRun: req.query.dry_run ?? false,
          configMap,
          authConfigId: req.query.auth_config_id,
        });
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
