import { Type } from 'typebox';
import { ACCOUNT_STATUSES } from '../../db/schema/index.ts';
import { Literals, Nullable, Timestamp } from '../../http/schemas.ts';
import { ID_PATTERN } from '../../lib/ids.ts';
import { BULK_ACTIONS, BULK_MAX_ACCOUNTS } from './bulk.ts';
import { IMPORT_FORMATS, IMPORT_MAX_RECORDS, Tags } from './import-readers.ts';

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
        description:
          "key=auth_config_id pairs separated by commas: Nango's provider_config_key, or an exporting vault's auth config id",
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

export const ImportJob = Type.Object(
  {
    id: Type.String(),
    status: Literals(['running', 'done', 'failed', 'interrupted'] as const, {
      description:
        'interrupted: its process stopped; run the import again (records already imported are unchanged)',
    }),
    format: Literals(IMPORT_FORMATS),
    dry_run: Type.Boolean(),
    counts: Type.Object(
      {
        total: Type.Integer(),
        done: Type.Integer({ description: 'records settled so far' }),
        imported: Type.Integer(),
        unchanged: Type.Integer(),
        valid: Type.Integer(),
        failed: Type.Integer(),
      },
      { additionalProperties: false },
    ),
    results: Type.Array(ImportResult, {
      description: 'every record’s result, once the job is done',
    }),
    error: Nullable(Type.String({ description: 'why the job itself failed' })),
    created_at: Timestamp,
    updated_at: Timestamp,
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

export const ExportBody = Type.Object(
  {
    public_key: Type.Object(
      {
        kty: Type.String({ maxLength: 16 }),
        crv: Type.String({ maxLength: 16 }),
        x: Type.String({ maxLength: 256 }),
        y: Type.Optional(Type.String({ maxLength: 256 })),
      },
      {
        additionalProperties: true,
        maxProperties: 16,
        description:
          'the public JWK the records are encrypted to: EC P-256 or P-384, or OKP X25519 (never the private key)',
      },
    ),
    auth_config_ids: Type.Optional(
      Type.Array(Type.String({ pattern: ID_PATTERN('ac') }), { minItems: 1, maxItems: 100 }),
    ),
    account_ids: Type.Optional(
      Type.Array(Type.String({ pattern: ID_PATTERN('ca') }), { minItems: 1, maxItems: 1000 }),
    ),
    keep_active: Type.Optional(
      Type.Boolean({
        default: false,
        description:
          'leave the exported accounts ACTIVE: the vault keeps refreshing them, so the importer must not (docs/moving.md#export)',
      }),
    ),
  },
  { additionalProperties: false },
);

export const ExportLines = Type.String({
  description:
    'NDJSON: one {connected_account_id, jwe} line per exported account (jwe: a compact JWE, ECDH-ES+A256KW and A256GCM, of the plain import record), then one {summary: {exported, disabled, left_out}} line (left_out: accounts a refresh held at that moment)',
});

export const BulkBody = Type.Object(
  {
    action: Literals(BULK_ACTIONS),
    filter: Type.Object(
      {
        status: Type.Optional(Literals(ACCOUNT_STATUSES)),
        status_reason: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
        auth_config_id: Type.Optional(Type.String({ pattern: ID_PATTERN('ac') })),
        user_id: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
        tags: Type.Optional(Tags),
      },
      {
        additionalProperties: false,
        minProperties: 1,
        description: 'every field narrows the selection; at least one is required',
      },
    ),
    dry_run: Type.Optional(
      Type.Boolean({ default: false, description: 'count the matching accounts only' }),
    ),
    return_url: Type.Optional(
      Type.String({ maxLength: 2048, description: 'reconnect_links: where users return' }),
    ),
  },
  { additionalProperties: false },
);

export const BulkAnswer = Type.Object(
  {
    action: Literals(BULK_ACTIONS),
    dry_run: Type.Boolean(),
    matched: Type.Integer({ description: `accounts matched (at most ${BULK_MAX_ACCOUNTS})` }),
    more: Type.Boolean({ description: 'more accounts match: run the action again for them' }),
    succeeded: Type.Integer(),
    failed: Type.Array(
      Type.Object(
        { connected_account_id: Type.String(), code: Type.String(), detail: Type.String() },
        { additionalProperties: false },
      ),
    ),
    links: Type.Array(
      Type.Object(
        {
          connected_account_id: Type.String(),
          user_id: Type.String(),
          redirect_url: Type.String({ description: 'single-use connect link' }),
          expires_at: Timestamp,
        },
        { additionalProperties: false },
      ),
      { description: 'reconnect_links: one link per account to send to its user' },
    ),
  },
  { additionalProperties: false },
);
