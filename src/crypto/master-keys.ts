import { StartupError } from '../lib/errors.ts';

/** A master key: its id (stored with everything it wraps) and its 32 bytes. */
export interface MasterKey {
  kid: string;
  key: Buffer;
}

/** A master key list that cannot be used: the process must not start with it. */
export class MasterKeyError extends StartupError {
  override name = 'MasterKeyError';
}

/** `kid:base64key,kid2:base64key`, each key exactly 32 bytes of standard or url-safe base64. */
export function parseMasterKeys(
  raw: string | undefined,
  source = 'VAULT_MASTER_KEYS',
): MasterKey[] {
  if (raw === undefined || raw.trim() === '') return [];
  const seen = new Set<string>();
  return raw.split(',').map((entry, i) => {
    const m = /^\s*([A-Za-z0-9_-]{1,32}):([A-Za-z0-9+/_-]{43}=?)\s*$/.exec(entry);
    if (!m) {
      throw new MasterKeyError(
        `${source}: entry ${i + 1} must be "<kid>:<32-byte key in base64>" (generate one with: openssl rand -base64 32)`,
      );
    }
    const [, kid, b64] = m as unknown as [string, string, string];
    const key = Buffer.from(b64.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (key.length !== 32)
      throw new MasterKeyError(`${source}: key "${kid}" is ${key.length} bytes, must be 32`);
    if (seen.has(kid)) throw new MasterKeyError(`${source}: key id "${kid}" appears twice`);
    seen.add(kid);
    return { kid, key };
  });
}
