import type { Db } from '../../db/client.ts';
import { DecryptError, dataKeyAad } from '../../crypto/envelope.ts';
import type { Keyring } from '../../crypto/keyring.ts';
import * as repo from './repo.ts';

/** Why the stored data keys cannot all be unwrapped with the configured master keys. */
export interface UnwrapProblem {
  status: 'master_key_missing' | 'master_key_mismatch';
  /** master key ids that wrap stored data keys and are missing (or wrong) in VAULT_MASTER_KEYS */
  kids: string[];
  /** what is wrong and what to set; names key ids, never key material */
  detail: string;
}

/**
 * Readiness after a master-key rotation (docs/operations.md#master-key-rotation): every master kid
 * that wraps a stored data key must be configured, and one data key per kid must unwrap with it
 * (a key with the right id but other bytes fails here, not on the first token request). Checking
 * one key per kid is enough: every key under one kid unwraps with the same master key.
 */
export function createUnwrapCheck(deps: { db: Db; keyring: Keyring }) {
  const { keyring } = deps;

  async function check(): Promise<UnwrapProblem | undefined> {
    const samples = await repo.oneDataKeyPerMasterKid(deps.db);
    const missing: string[] = [];
    const wrong: string[] = [];
    for (const dk of samples) {
      if (!keyring.kids.includes(dk.masterKid)) {
        missing.push(dk.masterKid);
        continue;
      }
      try {
        keyring.unwrap(dk.wrappedKey, dataKeyAad(dk.tenantId, dk.id));
      } catch (err) {
        if (!(err instanceof DecryptError)) throw err;
        wrong.push(dk.masterKid);
      }
    }
    const configured = keyring.kids.map((k) => `${k}:<key>`).join(',');
    if (missing.length) {
      const needed = missing.map((k) => `${k}:<its key>`).join(',');
      return {
        status: 'master_key_missing',
        kids: missing,
        detail:
          `stored data keys are wrapped by master key ${quoteAll(missing)}, which VAULT_MASTER_KEYS does not hold; ` +
          `set VAULT_MASTER_KEYS=${configured},${needed} (the active key first, the old ones after it) and restart, ` +
          'then POST /v1/master-keys/rewrap and remove the old key once GET /v1/master-keys shows it wraps 0 data keys',
      };
    }
    if (wrong.length) {
      return {
        status: 'master_key_mismatch',
        kids: wrong,
        detail:
          `master key ${quoteAll(wrong)} in VAULT_MASTER_KEYS is not the key that wrapped the stored data keys ` +
          '(same id, other bytes); configure the original key under that id and restart',
      };
    }
    return undefined;
  }

  return { check };
}

const quoteAll = (kids: string[]) => kids.map((k) => `"${k}"`).join(', ');

export type UnwrapCheck = ReturnType<typeof createUnwrapCheck>;
