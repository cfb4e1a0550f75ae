import { createHash, hash, timingSafeEqual } from 'node:crypto';
import { newId, randomSecret } from '../../lib/ids.ts';

/**
 * An API key is `cvk_<key id body>_<secret>`: the id locates the row, the SHA-256 of the whole token is
 * compared in constant time. Keys carry 256 bits of entropy, so a fast hash is the right one here.
 */
const TOKEN = /^cvk_([0-9a-hjkmnp-tv-z]{26})_([A-Za-z0-9_-]{43,128})$/;

export const hashApiKey = (token: string): string =>
  createHash('sha256').update(token).digest('hex');

export function newApiKey(now = new Date()): { id: string; token: string } {
  const id = newId('key', now);
  return { id, token: `cvk_${id.slice(4)}_${randomSecret(32)}` };
}

export function parseApiKey(token: string): { id: string } | null {
  const m = TOKEN.exec(token);
  return m ? { id: `key_${m[1]}` } : null;
}

export function hashMatches(token: string, stored: string | Buffer): boolean {
  // one-shot: no Hash object per verification (every request's key is checked)
  const a = hash('sha256', token, 'buffer');
  const b = typeof stored === 'string' ? Buffer.from(stored, 'hex') : stored;
  return a.length === b.length && timingSafeEqual(a, b);
}
