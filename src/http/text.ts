import { badRequest } from '../lib/errors.ts';

// U+0000 and unpaired UTF-16 surrogates cannot be stored in PostgreSQL text or jsonb.
// eslint-disable-next-line no-control-regex -- matching NUL is the point
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Throws a 400 naming the first field (or key) whose text PostgreSQL could not store. */
export function rejectUnstorableText(path: string, value: unknown, depth = 0): void {
  if (typeof value === 'string') {
    if (UNSTORABLE.test(value))
      throw badRequest(
        'invalid_request',
        `${path} contains a NUL character or an unpaired surrogate`,
      );
    return;
  }
  if (!value || typeof value !== 'object' || depth > 32) return;
  // for…in over own keys: no arrays per object on every request
  for (const k in value) {
    if (!Object.hasOwn(value, k)) continue;
    const v = (value as Record<string, unknown>)[k];
    if (UNSTORABLE.test(k))
      throw badRequest(
        'invalid_request',
        `${path} has a key with a NUL character or an unpaired surrogate`,
      );
    rejectUnstorableText(`${path}.${k}`, v, depth + 1);
  }
}
