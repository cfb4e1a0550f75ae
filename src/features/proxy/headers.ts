import type { IncomingHttpHeaders } from 'node:http';

// RFC 9110 §7.6.1 connection-specific fields, plus the proxy-only ones.
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'proxy-authenticate',
  'proxy-authorization',
]);

/**
 * What of the caller's request travels on: everything but the vault's own credentials and
 * selectors (authorization, x-vault-*), cookies, hop-by-hop and forwarding fields (forwarded, via,
 * x-forwarded-*, x-real-ip), host, expect and the length (set again for the body actually sent).
 */
export function forwardedRequestHeaders(h: IncomingHttpHeaders): Record<string, string | string[]> {
  const named = connectionNamed(h.connection);
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(h)) {
    if (value === undefined) continue;
    if (
      HOP_BY_HOP.has(name) ||
      named.has(name) ||
      name === 'authorization' ||
      name === 'cookie' ||
      name === 'host' ||
      name === 'expect' ||
      name === 'content-length' ||
      name === 'forwarded' ||
      name === 'via' ||
      name === 'x-real-ip' ||
      name === 'x-request-id' ||
      name.startsWith('x-forwarded-') ||
      name.startsWith('x-vault-')
    )
      continue;
    out[name] = value;
  }
  return out;
}

/**
 * What of the provider's answer goes back: status-bearing fields as they are (content-type,
 * content-encoding, content-length, X-RateLimit-*, Retry-After, ETag …); never hop-by-hop fields
 * or cookies the provider would set on the vault's origin.
 */
export function returnedResponseHeaders(
  h: Record<string, string | string[] | undefined>,
): Record<string, string | string[]> {
  const named = connectionNamed(h.connection);
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(h)) {
    if (value === undefined) continue;
    const n = name.toLowerCase();
    if (HOP_BY_HOP.has(n) || named.has(n) || n === 'set-cookie' || n === 'x-request-id') continue;
    out[n] = value;
  }
  return out;
}

/** Fields a `Connection:` header names are hop-by-hop too (RFC 9110 §7.6.1). */
function connectionNamed(v: string | string[] | undefined): Set<string> {
  if (!v) return new Set();
  return new Set(
    (Array.isArray(v) ? v.join(',') : v)
      .split(',')
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean),
  );
}
