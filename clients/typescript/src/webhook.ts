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

function header(h: WebhookHeaders, name: string): string | undefined {
  if (typeof (h as Headers).get === 'function') return (h as Headers).get(name) ?? undefined;
  const rec = h as Record<string, string | string[] | undefined>;
  let v = rec[name];
  if (v === undefined) {
    const key = Object.keys(rec).find((k) => k.toLowerCase() === name);
    v = key === undefined ? undefined : rec[key];
  }
  return Array.isArray(v) ? v[0] : v;
}

function secretKey(secret: string): Buffer {
  const b64 = typeof secret === 'string' ? secret.replace(/^whsec_/, '') : '';
  const key = /^[A-Za-z0-9+/]+={0,2}$/.test(b64) ? Buffer.from(b64, 'base64') : Buffer.alloc(0);
  if (key.length === 0) {
    throw new WebhookVerificationError('invalid_secret', 'the secret must be whsec_<base64>');
  }
  return key;
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
  const signatures = header(headers, 'webhook-signature');
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
  const ok = signatures.split(' ').some((s) => {
    const comma = s.indexOf(',');
    if (comma === -1 || s.slice(0, comma) !== 'v1') return false;
    const given = Buffer.from(s.slice(comma + 1), 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  if (!ok) {
    throw new WebhookVerificationError('invalid_signature', 'no valid v1 signature for this body');
  }
  const text = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new WebhookVerificationError('invalid_payload', 'the signed body is not JSON');
  }
}
