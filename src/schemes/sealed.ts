import type { AccountRow } from '../db/schema/index.ts';
import type { FieldRef, SealedField } from '../db/sealed-fields.ts';

/**
 * The sealed fields a connected account may hold, and the row property each lives in. Every
 * scheme names the ones its accounts hold (`sealedFields`); a test checks that these are exactly
 * the sealed fields of `connected_accounts` in db/sealed-fields.ts, column for column.
 */
export const ACCOUNT_SEALED = {
  access_token: 'accessTokenEnc',
  refresh_token: 'refreshTokenEnc',
  /** an API-token account's credential: JSON {email, api_token} */
  api_token: 'apiTokenEnc',
} as const satisfies Partial<Record<SealedField, keyof AccountRow>>;

export type AccountSealedField = keyof typeof ACCOUNT_SEALED;

/** Where one sealed value of an account lives (its AAD binds tenant, table, row and column). */
export const accountField = (
  tenantId: string,
  rowId: string,
  field: AccountSealedField,
): FieldRef & { field: AccountSealedField } => ({ tenantId, field, rowId });

/** Whether the row holds any of `fields` (a grant or a credential to work with). */
export const holdsAny = (
  row: Pick<AccountRow, (typeof ACCOUNT_SEALED)[AccountSealedField]>,
  fields: readonly AccountSealedField[],
) => fields.some((f) => row[ACCOUNT_SEALED[f]] !== null);
