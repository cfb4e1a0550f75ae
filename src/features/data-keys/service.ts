import type { Db, DbOrTx } from '../../db/client.ts';
import { SEALED_FIELDS, type FieldRef } from '../../db/sealed-fields.ts';
import {
  DecryptError,
  dataKeyAad,
  fieldAad,
  open,
  parseSealed,
  seal,
} from '../../crypto/envelope.ts';
import { generateKey, type Keyring } from '../../crypto/keyring.ts';
import { InternalError } from '../../lib/errors.ts';
import type { Clock } from '../../lib/clock.ts';
import { newId } from '../../lib/ids.ts';
import * as repo from './repo.ts';

export type { FieldRef };

const aadOf = (ref: FieldRef) => {
  const f = SEALED_FIELDS[ref.field];
  return fieldAad(ref.tenantId, f.table, ref.rowId, f.aad);
};

/**
 * Envelope encryption of fields (SPEC §7): a per-tenant data key, wrapped by the active master key,
 * seals each field with AAD binding tenant/table/row/column. Unwrapped data keys are cached by id so
 * the hot path does no key derivation and no extra query.
 */
export function createDataKeyService(deps: { db: Db; clock: Clock; keyring: Keyring }) {
  const { db, clock, keyring } = deps;
  const unwrapped = new Map<string, Buffer>();
  // The active key id is cached briefly: after a rotation on another replica, this one switches to
  // the new key within a minute (values it seals meanwhile stay readable: retired keys are kept).
  const activeByTenant = new Map<string, { id: string; until: number }>();
  const ACTIVE_TTL_MS = 60_000;

  async function createDataKey(tenantId: string, tx: DbOrTx = db): Promise<string> {
    const id = newId('dk', clock.now());
    const key = generateKey();
    await repo.insertDataKey(tx, {
      id,
      tenantId,
      wrappedKey: keyring.wrap(key, dataKeyAad(tenantId, id)),
      masterKid: keyring.activeKid,
    });
    return id;
  }

  async function loadKey(tenantId: string, id: string, tx: DbOrTx = db): Promise<Buffer> {
    const cached = unwrapped.get(`${tenantId}/${id}`);
    if (cached) return cached;
    const row = await repo.getDataKey(tx, tenantId, id);
    if (!row) throw new DecryptError(`data key ${id} does not exist for this tenant`);
    const key = keyring.unwrap(row.wrappedKey, dataKeyAad(tenantId, id));
    unwrapped.set(`${tenantId}/${id}`, key);
    return key;
  }

  async function activeKeyId(tenantId: string, tx: DbOrTx = db): Promise<string> {
    const cached = activeByTenant.get(tenantId);
    if (cached && cached.until > clock.now().getTime()) return cached.id;
    const row = await repo.getActiveDataKey(tx, tenantId);
    if (!row)
      throw new InternalError('data_key_missing', `tenant ${tenantId} has no active data key`);
    activeByTenant.set(tenantId, { id: row.id, until: clock.now().getTime() + ACTIVE_TTL_MS });
    return row.id;
  }

  async function encrypt(ref: FieldRef, plaintext: string, tx: DbOrTx = db): Promise<string> {
    const kid = await activeKeyId(ref.tenantId, tx);
    const key = await loadKey(ref.tenantId, kid, tx);
    return seal(key, kid, plaintext, aadOf(ref));
  }

  async function decrypt(ref: FieldRef, sealedText: string, tx: DbOrTx = db): Promise<string> {
    const sealed = parseSealed(sealedText);
    const key = await loadKey(ref.tenantId, sealed.keyId, tx);
    return open(key, sealed, aadOf(ref));
  }

  /** Forget what this process cached for a tenant (after a rotation or deletion here). */
  function forget(tenantId: string) {
    activeByTenant.delete(tenantId);
    for (const k of unwrapped.keys()) if (k.startsWith(`${tenantId}/`)) unwrapped.delete(k);
  }

  return { createDataKey, encrypt, decrypt, forget };
}

export type DataKeyService = ReturnType<typeof createDataKeyService>;
