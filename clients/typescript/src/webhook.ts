// Verifies a webhook delivery signed per Standard Webhooks (https://www.standardwebhooks.com/):
// webhook-signature = space-separated "v1,<base64 HMAC-SHA256(secret, `${id}.${timestamp}.${body}`)>".
import { createHmac, timingSafeEqual } from 'node:crypto';
import { WebhookVerificationError } from './errors.js';
import type { WebhookEventType } from './types.js';

/** What the vault sends: the event's type and time, and its data (never a token). */
export interface WebhookEvent {
  type: WebhookEventType | (string & {});
  /** when the event happened (ISO 8601) */
  timestamp: string;
  data: {
    /** the event id (`ev_…`), also in `webhook-id`: deduplicate retries and replays on it */
    id: string;
    connected_account_id?: string;
    auth_config_id?: string;
    user_id?: string;
    status?: string;
    status_reason?: string | null;
    [field: string]: unknown;
  };
}

/** Node's IncomingHttpHeaders, a fetch `Headers`, or any name → value record. */
export type WebhookHeaders =
  Headers | Record<string, string | string[] | undefined> | { get(name: string): string | null };

export interface VerifyWebhookOptions {
  /** how far the timestamp may be from now, either way (default 300 s) */
  toleranceSeconds?: number;
  /** epoch milliseconds (default Date.now()) */
  now?: () => number;
}

/** The shortest signing secret accepted, in bytes (Standard Webhooks: 24 to 64; the vault makes 32). */
export const MIN_WEBHOOK_SECRET_BYTES = 24;

/** The header's value; a repeated header's values joined with `join`, or only the first without. */
function header(h: WebhookHeaders, name: string, join?: string): string | undefined {
  if (typeof (h as Headers).get === 'function') return (h as Headers).get(name) ?? undefined;
  const rec = h as Record<string, string | string[] | undefined>;
  let v = rec[name];
  if (v === undefined) {
    const key = Object.keys(rec).find((k) => k.toLowerCase() === name);
    v = key === undefined ? undefined : rec[key];
  }
  if (!Array.isArray(v)) return v;
  return join === undefined ? v[0] : v.join(join);
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Standard base64, padded, exactly as an encoder writes it; undefined for anything else. Node's own
 * decoder skips characters it does not know and takes base64url too, so a mangled value would
 * decode to something instead of being refused.
 */
function strictBase64(s: string): Buffer | undefined {
  if (!BASE64.test(s)) return undefined;
  const bytes = Buffer.from(s, 'base64');
  // Bits left over in the last character must be zero: one value, one spelling.
  return bytes.toString('base64') === s ? bytes : undefined;
}

function secretKey(secret: string): Buffer {
  const b64 = typeof secret === 'string' ? secret.replace(/^whsec_/, '') : '';
  const key = b64 ? strictBase64(b64) : undefined;
  if (!key) {
    throw new WebhookVerificationError(
      'invalid_secret',
      'the secret must be whsec_ followed by padded standard base64',
    );
  }
  if (key.length < MIN_WEBHOOK_SECRET_BYTES) {
    throw new WebhookVerificationError(
      'invalid_secret',
      `the secret must hold at least ${MIN_WEBHOOK_SECRET_BYTES} bytes (this one holds ${key.length}); use the whsec_… the vault showed when the endpoint was created`,
    );
  }
  return key;
}

/**
 * Whether any `v1,<base64>` entry of the header is the expected signature. Entries are separated by
 * spaces; a header sent twice arrives joined with ", ", whose comma is not part of an entry. Other
 * versions are skipped; a v1 entry that is not strict base64 matches nothing.
 */
function anySignatureMatches(value: string, expected: Buffer): boolean {
  let ok = false;
  for (const raw of value.split(/\s+/)) {
    const entry = raw.endsWith(',') ? raw.slice(0, -1) : raw;
    if (!entry.startsWith('v1,')) continue;
    const given = strictBase64(entry.slice(3));
    // Every entry is compared (no early exit), each in constant time.
    if (given && given.length === expected.length && timingSafeEqual(given, expected)) ok = true;
  }
  return ok;
}

/**
 * Checks a delivery's signature and timestamp and returns its parsed payload; throws
 * WebhookVerificationError otherwise. `body` must be the raw request body, exactly as received
 * (a re-serialised JSON object would not match the signature).
 */
export function verifyWebhook<T = WebhookEvent>(
  headers: WebhookHeaders,
  body: string | Uint8Array,
  secret: string,
  opts: VerifyWebhookOptions = {},
): T {
  const key = secretKey(secret);
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature', ' ');
  if (!id || !timestamp || !signatures) {
    throw new WebhookVerificationError(
      'missing_headers',
      'webhook-id, webhook-timestamp and webhook-signature are required',
    );
  }
  if (!/^\d{1,15}$/.test(timestamp)) {
    throw new WebhookVerificationError('invalid_timestamp', 'webhook-timestamp is not a number');
  }
  const tolerance = opts.toleranceSeconds ?? 300;
  const nowS = Math.floor((opts.now ?? Date.now)() / 1000);
  if (Math.abs(nowS - Number(timestamp)) > tolerance) {
    throw new WebhookVerificationError(
      'timestamp_out_of_tolerance',
      `webhook-timestamp is more than ${tolerance} s from now`,
    );
  }
  if (typeof body !== 'string' && !(body instanceof Uint8Array)) {
    throw new TypeError('body must be the raw request body (string or bytes)');
  }
  const expected = createHmac('sha256', key)
    .update(`${id}.${timestamp}.`)
    .update(typeof body === 'string' ? Buffer.from(body, 'utf8') : body)
    .digest();
  if (!anySignatureMatches(signatures, expected)) {
    throw new WebhookVerificationError('invalid_signature', 'no valid v1 signature for this body');
  }
  const text = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new WebhookVerificationError('invalid_payload', 'the signed body is not JSON');
  }
}
