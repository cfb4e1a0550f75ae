import type { Db } from '../../db/client.ts';
import type { TxScope } from '../../db/transact.ts';
import {
  SEALED_FIELDS,
  replaceSealedValue,
  valuesNotSealedWith,
  type SealedField,
} from '../../db/sealed-fields.ts';
import { dataKeyAad, parseSealed } from '../../crypto/envelope.ts';
import type { Keyring } from '../../crypto/keyring.ts';
import type { Clock } from '../../lib/clock.ts';
import { conflict } from '../../lib/errors.ts';
import * as repo from './repo.ts';
import type { DataKeyService } from './service.ts';

/**
 * Key rotation without downtime (docs/operations.md#master-key-rotation). Master keys: configure
 * the new key first in VAULT_MASTER_KEYS (it becomes active, the old one still unwraps), re-wrap
 * every data key, then retire the old key once `usage()` shows nothing on it. Tenant data keys: a
 * new active key, then every sealed field of the tenant re-encrypted in batches. Both are resumable
 * and idempotent (compare-and-swap on the old value), and reads work throughout.
 */
export function createKeyRotation(deps: {
  db: Db;
  clock: Clock;
  keyring: Keyring;
  dataKeys: Pick<DataKeyService, 'createDataKey' | 'encrypt' | 'decrypt' | 'forget'>;
}) {
  const { db, clock, keyring } = deps;

  async function usage() {
    const rows = await repo.dataKeysByMasterKid(db);
    const kids = new Set([...keyring.kids, ...rows.map((r) => r.kid)]);
    return [...kids].map((kid) => ({
      kid,
      active: kid === keyring.activeKid,
      configured: keyring.kids.includes(kid),
      data_keys: rows.find((r) => r.kid === kid)?.n ?? 0,
    }));
  }

  async function rewrapAll(batchSize = 200) {
    let rewrapped = 0;
    for (;;) {
      const batch = await repo.dataKeysNotWrappedBy(db, keyring.activeKid, batchSize);
      if (batch.length === 0) break;
      for (const dk of batch) {
        const aad = dataKeyAad(dk.tenantId, dk.id);
        const key = keyring.unwrap(dk.wrappedKey, aad);
        rewrapped += await repo.rewrapDataKey(
          db,
          dk.tenantId,
          dk.id,
          dk.wrappedKey,
          keyring.wrap(key, aad),
          keyring.activeKid,
          clock.now(),
        );
      }
    }
    return { rewrapped, usage: await usage() };
  }

  async function rotateTenantDataKey(tenantId: string, batchSize = 200) {
    const newId = await db.transaction(async (tx) => {
      await repo.retireDataKeys(tx, tenantId, clock.now());
      return deps.dataKeys.createDataKey(tenantId, tx);
    });
    deps.dataKeys.forget(tenantId);
    let reencrypted = 0;
    for (const field of Object.keys(SEALED_FIELDS) as SealedField[]) {
      for (;;) {
        const rows = await valuesNotSealedWith(db, field, tenantId, newId, batchSize);
        if (rows.length === 0) break;
        for (const row of rows) {
          const ref = { tenantId, field, rowId: row.id };
          const plain = await deps.dataKeys.decrypt(ref, row.value);
          const sealed = await deps.dataKeys.encrypt(ref, plain);
          if (parseSealed(sealed).keyId !== newId) {
            throw conflict(
              'data_key_rotation_conflict',
              `another rotation of tenant ${tenantId}'s data key ran at the same time; retry`,
            );
          }
          await replaceSealedValue(db, ref, row.value, sealed);
          reencrypted++;
        }
      }
    }
    return { data_key_id: newId, reencrypted };
  }

  /** Destroys the tenant's data keys with its rows: copies of the rows can no longer be decrypted. */
  async function destroyTenantKeys(tenantId: string, scope: TxScope) {
    await repo.deleteTenantDataKeys(scope.tx, tenantId);
    // Forgotten once gone for good: earlier, a concurrent read could cache a key again.
    scope.afterCommit(() => deps.dataKeys.forget(tenantId));
  }

  return { usage, rewrapAll, rotateTenantDataKey, destroyTenantKeys };
}

export type KeyRotation = ReturnType<typeof createKeyRotation>;
