import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM with associated data. The sealed form carries the id of the key that sealed it, so keys
 * rotate without downtime: `v1.<keyId>.<iv>.<ciphertext>.<tag>` (base64url parts).
 * No plaintext fallback: anything that does not authenticate throws DecryptError.
 */
export class DecryptError extends Error {
  override name = 'DecryptError';
}

const VERSION = 'v1';
const KEY_ID = /^[A-Za-z0-9_-]{1,64}$/;

export function seal(key: Buffer, keyId: string, plaintext: string, aad: string): string {
  if (key.length !== 32) throw new Error('AES-256-GCM needs a 32-byte key');
  if (!KEY_ID.test(keyId)) throw new Error('invalid key id');
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [
    VERSION,
    keyId,
    iv.toString('base64url'),
    ct.toString('base64url'),
    tag.toString('base64url'),
  ].join('.');
}

export interface Sealed {
  keyId: string;
  iv: Buffer;
  ct: Buffer;
  tag: Buffer;
}

export function parseSealed(sealed: string): Sealed {
  const parts = sealed.split('.');
  if (parts.length !== 5 || parts[0] !== VERSION || !KEY_ID.test(parts[1] ?? '')) {
    throw new DecryptError('malformed ciphertext');
  }
  const [, keyId, iv, ct, tag] = parts as [string, string, string, string, string];
  const out = {
    keyId,
    iv: Buffer.from(iv, 'base64url'),
    ct: Buffer.from(ct, 'base64url'),
    tag: Buffer.from(tag, 'base64url'),
  };
  if (out.iv.length !== 12 || out.tag.length !== 16) throw new DecryptError('malformed ciphertext');
  return out;
}

export function open(key: Buffer, sealed: Sealed, aad: string): string {
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.iv);
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(sealed.tag);
    return Buffer.concat([decipher.update(sealed.ct), decipher.final()]).toString('utf8');
  } catch {
    throw new DecryptError('ciphertext failed authentication');
  }
}

/** AAD for a field: binds the value to its tenant, table, row and column. */
export const fieldAad = (tenantId: string, table: string, rowId: string, column: string): string =>
  `cv1|${tenantId}|${table}|${rowId}|${column}`;

/** AAD for a wrapped data key: binds it to its tenant and its own id. */
export const dataKeyAad = (tenantId: string, dataKeyId: string): string =>
  `cv1|${tenantId}|data_keys|${dataKeyId}|key`;
