import { Type } from 'typebox';
import { Literals, Nullable } from '../../http/schemas.ts';
import { ID_PATTERN } from '../../lib/ids.ts';
import { IMPORT_FORMATS, IMPORT_MAX_RECORDS } from './import-readers.ts';

export const ImportQuery = Type.Object(
  {
    format: Type.Optional(
      Literals(IMPORT_FORMATS, {
        description: 'the records’ shape; detected from the first record when absent',
      }),
    ),
    dry_run: Type.Optional(
      Type.Boolean({
        default: false,
        description: 'check shapes, configs and idempotency only: no provider call, no write',
      }),
    ),
    config_map: Type.Optional(
      Type.String({
        maxLength: 8192,
        description: 'nango: provider_config_key=auth_config_id pairs, separated by commas',
      }),
    ),
    auth_config_id: Type.Optional(
      Type.String({
        pattern: ID_PATTERN('ac'),
        description: 'the auth config of records that name none (Vault oauthapp credentials)',
      }),
    ),
  },
  { additionalProperties: false },
);

export const ImportBody = Type.Array(Type.Unknown(), {
  maxItems: IMPORT_MAX_RECORDS,
  description:
    'the records: a JSON array, or NDJSON (application/x-ndjson, one record per line); see docs/moving.md',
});

const ImportResult = Type.Object(
  {
    index: Type.Integer({ description: 'the record’s position in the input, from 0' }),
    external_id: Nullable(Type.String()),
    status: Literals(['imported', 'unchanged', 'valid', 'failed'] as const),
    connected_account_id: Nullable(Type.String()),
    refreshed: Type.Boolean({
      description:
        'the provider was asked for a refresh with this record’s token: the source’s copy is spent',
    }),
    code: Nullable(Type.String({ description: 'why it failed (stable code)' })),
    detail: Nullable(Type.String()),
  },
  { additionalProperties: false },
);

export const ImportAnswer = Type.Object(
  {
    format: Literals(IMPORT_FORMATS),
    dry_run: Type.Boolean(),
    counts: Type.Object(
      {
        total: Type.Integer(),
        imported: Type.Integer(),
        unchanged: Type.Integer(),
        valid: Type.Integer(),
        failed: Type.Integer(),
      },
      { additionalProperties: false },
    ),
    results: Type.Array(ImportResult),
  },
  { additionalProperties: false, description: 'one result per record, in input order; no token' },
);
