import { randomBytes } from 'node:crypto';

// Crockford base32, lower case: ids sort by creation time (48-bit ms timestamp first), which gives
// list endpoints a stable cursor order without a separate sequence.
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

function encode(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

/** `ev_` events (webhooks), `au_` audit rows: one prefix, one kind of thing. */
export type IdPrefix = 'tn' | 'key' | 'ac' | 'ca' | 'cs' | 'ev' | 'au' | 'dk' | 'we' | 'wd' | 'req';

/** `now` is the injected clock's time (HOUSE rule 6): ids sort by it. */
export function newId(prefix: IdPrefix, now: Date): string {
  const bytes = new Uint8Array(16);
  const ts = BigInt(now.getTime());
  for (let i = 0; i < 6; i++) bytes[i] = Number((ts >> BigInt(8 * (5 - i))) & 0xffn);
  bytes.set(randomBytes(10), 6);
  return `${prefix}_${encode(bytes)}`;
}

export const ID_PATTERN = (prefix: IdPrefix): string => `^${prefix}_[0-9a-hjkmnp-tv-z]{26}$`;

/** 32 random bytes, base64url: for secrets (API keys, state). */
export const randomSecret = (bytes = 32): string => randomBytes(bytes).toString('base64url');
