import { sql } from 'drizzle-orm';
import type { DbOrTx } from './client.ts';

/**
 * Every encrypted column, in one list: encryption and decryption name a field from here, and
 * data-key rotation re-encrypts exactly these. `aad` is the column name bound into each value's
 * associated data (tenant|table|row|aad), so a value copied to another column fails to decrypt;
 * it never changes for a column that holds data.
 */
export const SEALED_FIELDS = {
  client_secret: { table: 'auth_configs', column: 'client_secret_enc', aad: 'client_secret' },
  previous_client_secret: {
    table: 'auth_configs',
    column: 'previous_client_secret_enc',
    aad: 'previous_client_secret',
  },
  access_token: { table: 'connected_accounts', column: 'access_token_enc', aad: 'access_token' },
  refresh_token: { table: 'connected_accounts', column: 'refresh_token_enc', aad: 'refresh_token' },
  /** an API-token account's credential: JSON {email, api_token} */
  api_token: { table: 'connected_accounts', column: 'api_token_enc', aad: 'api_token' },
  code_verifier: { table: 'connect_sessions', column: 'code_verifier_enc', aad: 'code_verifier' },
  webhook_secret: { table: 'webhook_endpoints', column: 'secret_enc', aad: 'secret' },
} as const;

export type SealedField = keyof typeof SEALED_FIELDS;

/** Where one sealed value lives: the tenant whose data key seals it, the field, the row. */
export interface FieldRef {
  tenantId: string;
  field: SealedField;
  rowId: string;
}

/**
 * Key rotation's access to the sealed columns, driven by the list above (the one query that spans
 * tables by design): a tenant's values not sealed with `keyId`, a page at a time …
 */
export async function valuesNotSealedWith(
  db: DbOrTx,
  field: SealedField,
  tenantId: string,
  keyId: string,
  limit: number,
): Promise<{ id: string; value: string }[]> {
  const f = SEALED_FIELDS[field];
  const r = await db.execute(
    sql`select id, ${sql.identifier(f.column)} as value from ${sql.identifier(f.table)}
        where tenant_id = ${tenantId} and ${sql.identifier(f.column)} is not null
          and split_part(${sql.identifier(f.column)}, '.', 2) <> ${keyId}
        order by id limit ${limit}`,
  );
  return (r as unknown as { rows: { id: string; value: string }[] }).rows;
}

/** … and a compare-and-swap of one value (a concurrent write of the field wins). */
export async function replaceSealedValue(
  db: DbOrTx,
  ref: FieldRef,
  previous: string,
  next: string,
): Promise<void> {
  const f = SEALED_FIELDS[ref.field];
  await db.execute(
    sql`update ${sql.identifier(f.table)} set ${sql.identifier(f.column)} = ${next}
        where tenant_id = ${ref.tenantId} and id = ${ref.rowId}
          and ${sql.identifier(f.column)} = ${previous}`,
  );
}
