import type { ChangeFeed } from '../../db/changes.ts';
import type { Db, DbOrTx } from '../../db/client.ts';
import { InvalidatingCache } from '../../lib/invalidating-cache.ts';
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
 * Envelope encryption of fields (docs/security.md#envelope-encryption): a per-tenant data key,
 * wrapped by the active master key, seals each field with AAD binding tenant/table/row/column.
 * Unwrapped data keys are cached by id so the hot path does no key derivation and no extra query.
 */
export function createDataKeyService(deps: {
  db: Db;
  clock: Clock;
  keyring: Keyring;
  /** data keys rotated or destroyed anywhere drop this process's unwrapped copies */
  changes?: Pick<ChangeFeed, 'live' | 'subscribe'>;
}) {
  const { db, clock, keyring } = deps;
  // Unwrapped keys and each tenant's active key id, while the change feed is live: a rotation or
  // a tenant's deletion (announced on data_keys) drops the tenant's entries in every replica.
  const cache = new InvalidatingCache<{ key: Buffer } | { id: string }>({
    max: 10_000,
    maxAgeMs: 10 * 60_000,
    isLive: () => deps.changes?.live ?? false,
  });
  deps.changes?.subscribe({
    change(c) {
      if (c.kind === 'dk' || c.kind === 'tn') cache.invalidate(`dk:${c.tenantId}`);
    },
    reset: () => cache.clear(),
  });

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
    const v = await cache.fill(`key:${tenantId}/${id}`, [`dk:${tenantId}`], async () => {
      const row = await repo.getDataKey(tx, tenantId, id);
      if (!row) throw new DecryptError(`data key ${id} does not exist for this tenant`);
      return { key: keyring.unwrap(row.wrappedKey, dataKeyAad(tenantId, id)) };
    });
    return (v as { key: Buffer }).key;
  }

  async function activeKeyId(tenantId: string, tx: DbOrTx = db): Promise<string> {
    const v = await cache.fill(`active:${tenantId}`, [`dk:${tenantId}`], async () => {
      const row = await repo.getActiveDataKey(tx, tenantId);
      if (!row)
        throw new InternalError('data_key_missing', `tenant ${tenantId} has no active data key`);
      return { id: row.id };
    });
    return (v as { id: string }).id;
  }

  async function encrypt(ref: FieldRef, plaintext: string, tx: DbOrTx = db): Promise<string> {
    const kid = await activeKeyId(ref.tenantId, tx);
    const key = await loadKey(ref.tenantId, kid, tx);
    return seal(key, kid, plaintext, aadOf(ref));
  }

  async function decrypt(ref: FieldRef, sealedText: string, tx: DbOrTx = db): Promise<string> {
    const sealed = parseSealed(sealedText);
    const hit = cache.get(`key:${ref.tenantId}/${sealed.keyId}`);
    const key = hit
      ? (hit.value as { key: Buffer }).key
      : await loadKey(ref.tenantId, sealed.keyId, tx);
    return open(key, sealed, aadOf(ref));
  }

  /**
   * The plaintext when the field's data key is in memory, else undefined (then `decrypt`): the
   * token path's common case costs no promise.
   */
  function decryptCached(ref: FieldRef, sealedText: string): string | undefined {
    const sealed = parseSealed(sealedText);
    const hit = cache.get(`key:${ref.tenantId}/${sealed.keyId}`);
    return hit ? open((hit.value as { key: Buffer }).key, sealed, aadOf(ref)) : undefined;
  }

  /** Forget what this process cached for a tenant (after a rotation or deletion here). */
  function forget(tenantId: string) {
    cache.invalidate(`dk:${tenantId}`);
  }

  return { createDataKey, encrypt, decrypt, decryptCached, forget };
}

export type DataKeyService = ReturnType<typeof createDataKeyService>;
