import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { dataKeyAad, parseSealed } from '../../crypto/envelope.ts';
import type { Keyring } from '../../crypto/keyring.ts';
import type { Clock } from '../../lib/clock.ts';
import { conflict } from '../../lib/errors.ts';
import * as repo from './repo.ts';
import type { DataKeyService } from './service.ts';

/** Every encrypted column: table, its column, and the column name bound into the AAD. */
const SEALED_FIELDS = [
  { table: 'auth_configs', column: 'client_secret_enc', aad: 'client_secret' },
  { table: 'auth_configs', column: 'previous_client_secret_enc', aad: 'previous_client_secret' },
  { table: 'connected_accounts', column: 'access_token_enc', aad: 'access_token' },
  { table: 'connected_accounts', column: 'refresh_token_enc', aad: 'refresh_token' },
  { table: 'connect_sessions', column: 'code_verifier_enc', aad: 'code_verifier' },
  { table: 'webhook_endpoints', column: 'secret_enc', aad: 'secret' },
] as const;

/**
 * Key rotation without downtime (SPEC §7). Master keys: configure the new key first in
 * VAULT_MASTER_KEYS (it becomes active, the old one still unwraps), re-wrap every data key, then
 * retire the old key once `usage()` shows nothing on it. Tenant data keys: a new active key, then
 * every sealed field of the tenant re-encrypted in batches. Both are resumable and idempotent
 * (compare-and-swap on the old value), and reads work throughout.
 */
export function createKeyRotation(deps: {
  db: Db;
  clock: Clock;
  keyring: Keyring;
  dataKeys: DataKeyService;
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
    for (const f of SEALED_FIELDS) {
      for (;;) {
        const r = await db.execute(
          sql`select id, ${sql.identifier(f.column)} as v from ${sql.identifier(f.table)}
              where tenant_id = ${tenantId} and ${sql.identifier(f.column)} is not null
                and split_part(${sql.identifier(f.column)}, '.', 2) <> ${newId}
              order by id limit ${batchSize}`,
        );
        const rows = (r as unknown as { rows: { id: string; v: string }[] }).rows;
        if (rows.length === 0) break;
        for (const row of rows) {
          const ref = { tenantId, table: f.table, rowId: row.id, column: f.aad };
          const plain = await deps.dataKeys.decrypt(ref, row.v);
          const sealed = await deps.dataKeys.encrypt(ref, plain);
          if (parseSealed(sealed).keyId !== newId) {
            throw conflict(
              'data_key_rotation_conflict',
              `another rotation of tenant ${tenantId}'s data key ran at the same time; retry`,
            );
          }
          await db.execute(
            sql`update ${sql.identifier(f.table)} set ${sql.identifier(f.column)} = ${sealed}
                where id = ${row.id} and ${sql.identifier(f.column)} = ${row.v}`,
          );
          reencrypted++;
        }
      }
    }
    return { data_key_id: newId, reencrypted };
  }

  /** Destroys the tenant's data keys with its rows: copies of the rows can no longer be decrypted. */
  async function destroyTenantKeys(
    tenantId: string,
    tx: Parameters<typeof repo.deleteTenantDataKeys>[0],
  ) {
    await repo.deleteTenantDataKeys(tx, tenantId);
    deps.dataKeys.forget(tenantId);
  }

  return { usage, rewrapAll, rotateTenantDataKey, destroyTenantKeys };
}

export type KeyRotation = ReturnType<typeof createKeyRotation>;
