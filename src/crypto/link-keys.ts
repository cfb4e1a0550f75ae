import { hkdfSync } from 'node:crypto';
import type { MasterKey } from './master-keys.ts';

/**
 * Keys for signing connect links, derived once at start from each master key (HKDF-SHA256), so every
 * replica signs and verifies alike and a link signed before a master-key rotation still verifies.
 */
export interface LinkKeys {
  activeKid: string;
  get(kid: string): Uint8Array | undefined;
}

export function deriveLinkKeys(masterKeys: readonly MasterKey[]): LinkKeys {
  const keys = new Map(
    masterKeys.map((m) => [
      m.kid,
      new Uint8Array(hkdfSync('sha256', m.key, 'credential-vault', 'connect-link v1', 32)),
    ]),
  );
  return { activeKid: masterKeys[0]!.kid, get: (kid) => keys.get(kid) };
}
