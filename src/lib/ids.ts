import { randomBytes } from 'node:crypto';

// Crockford base32, lower case: ids sort by creation time (48-bit ms timestamp first), which gives
// list endpoints a stable cursor order without a separate sequence.
export const ID_ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

function encode(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += ID_ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ID_ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

/** `ev_` events (webhooks), `au_` audit rows: one prefix, one kind of thing. */
export type IdPrefix =
  'tn' | 'key' | 'ac' | 'ca' | 'cs' | 'ev' | 'au' | 'dk' | 'we' | 'wd' | 'req' | 'ti' | 'pt' | 'ij';

/**
 * `now` is the injected clock's time (docs/house-rules.md#time-is-injected): ids sort by it.
 * `random`: 10 random bytes drawn by the caller (one draw for many ids), else drawn here.
 */
export function newId(prefix: IdPrefix, now: Date, random?: Uint8Array): string {
  const bytes = new Uint8Array(16);
  const ts = BigInt(now.getTime());
  for (let i = 0; i < 6; i++) bytes[i] = Number((ts >> BigInt(8 * (5 - i))) & 0xffn);
  bytes.set(random?.length === 10 ? random : randomBytes(10), 6);
  return `${prefix}_${encode(bytes)}`;
}

export const ID_PATTERN = (prefix: IdPrefix): string => `^${prefix}_[0-9a-hjkmnp-tv-z]{26}$`;

/** 32 random bytes, base64url: for secrets (API keys, state). */
export const randomSecret = (bytes = 32): string => randomBytes(bytes).toString('base64url');

/**
 * The creation time (epoch ms) an id of ours carries in its first 48 bits, read from the first 10
 * characters after `prefix_`; NaN when `id` does not start like one.
 */
export function idTimeMs(id: string, prefix: IdPrefix): number {
  const at = prefix.length + 1;
  if (id.length < at + 10 || !id.startsWith(`${prefix}_`)) return NaN;
  let v = 0;
  for (let i = at; i < at + 10; i++) {
    const d = ID_ALPHABET.indexOf(id[i]!);
    if (d < 0) return NaN;
    v = v * 32 + d;
  }
  return Math.floor(v / 4); // 50 bits read, 48 of them time
}
