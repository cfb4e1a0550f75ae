import { randomBytes } from 'node:crypto';
import type { MasterKey } from './master-keys.ts';
import { DecryptError, open, parseSealed, seal } from './envelope.ts';

/**
 * Master keys wrap per-tenant data keys. The first configured key is active (used to wrap); every
 * configured key can unwrap, which is what lets an operator rotate without downtime.
 */
export interface Keyring {
  readonly activeKid: string;
  readonly kids: readonly string[];
  wrap(dataKey: Buffer, aad: string): string;
  unwrap(wrapped: string, aad: string): Buffer;
}

export function createKeyring(masterKeys: readonly MasterKey[]): Keyring {
  const first = masterKeys[0];
  if (!first) throw new Error('a keyring needs at least one master key');
  const byKid = new Map(masterKeys.map((k) => [k.kid, k.key]));
  return {
    activeKid: first.kid,
    kids: masterKeys.map((k) => k.kid),
    wrap: (dataKey, aad) => seal(first.key, first.kid, dataKey.toString('base64'), aad),
    unwrap(wrapped, aad) {
      const sealed = parseSealed(wrapped);
      const key = byKid.get(sealed.keyId);
      if (!key) throw new DecryptError(`master key "${sealed.keyId}" is not configured`);
      const dk = Buffer.from(open(key, sealed, aad), 'base64');
      if (dk.length !== 32) throw new DecryptError('unwrapped data key has the wrong length');
      return dk;
    },
  };
}

export const generateKey = (): Buffer => randomBytes(32);
