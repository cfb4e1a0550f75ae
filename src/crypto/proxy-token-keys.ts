import { hkdfSync } from 'node:crypto';
import type { MasterKey } from './master-keys.ts';

/**
 * Keys for signing proxy tokens, derived at start from each master key (HKDF-SHA256, a purpose of
 * their own, so no connect-link key can sign one): every replica signs and verifies alike, the
 * first master key signs, and a token signed before a master-key rotation verifies while its
 * master key is still configured.
 */
export interface ProxyTokenKeys {
  activeKid: string;
  get(kid: string): Uint8Array | undefined;
}

export function deriveProxyTokenKeys(masterKeys: readonly MasterKey[]): ProxyTokenKeys {
  const keys = new Map(
    masterKeys.map((m) => [
      m.kid,
      new Uint8Array(hkdfSync('sha256', m.key, 'credential-vault', 'proxy-token v1', 32)),
    ]),
  );
  return { activeKid: masterKeys[0]!.kid, get: (kid) => keys.get(kid) };
}
