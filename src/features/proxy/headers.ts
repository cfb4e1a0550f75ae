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

/** The policy every answer of the proxy carries, the vault's own errors included. */
export const SANDBOX = 'sandbox';

/**
 * Policies a response sets for the whole origin that serves it. A provider sets them for its own
 * origin; coming back through the proxy they would apply to the vault's: CORS grants
 * (Access-Control-*, dropped by prefix), HSTS, alternative services, site-data wipes, error
 * reporting endpoints.
 */
const ORIGIN_POLICIES = new Set([
  'strict-transport-security',
  'alt-svc',
  'clear-site-data',
  'nel',
  'report-to',
  'reporting-endpoints',
]);

/**
 * What of the provider's answer goes back: status-bearing fields as they are (content-type,
 * content-encoding, content-length, X-RateLimit-*, Retry-After, ETag …); never hop-by-hop fields,
 * cookies or origin-wide policies the provider would set on the vault's origin. Whatever the
 * provider's body is, a browser shown it on the vault's origin runs nothing (CSP sandbox: no
 * scripts, no same-origin access, no forms) and takes it for what its content type says (nosniff).
 */
export function returnedResponseHeaders(
  h: Record<string, string | string[] | undefined>,
): Record<string, string | string[]> {
  const named = connectionNamed(h.connection);
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(h)) {
    if (value === undefined) continue;
    const n = name.toLowerCase();
    if (
      HOP_BY_HOP.has(n) ||
      named.has(n) ||
      n === 'set-cookie' ||
      n === 'x-request-id' ||
      n.startsWith('access-control-') ||
      ORIGIN_POLICIES.has(n)
    )
      continue;
    out[n] = value;
  }
  // The provider's own policy stays (a browser enforces every policy it is given), and ours joins it.
  const theirs = out['content-security-policy'];
  out['content-security-policy'] =
    theirs === undefined ? SANDBOX : [...(Array.isArray(theirs) ? theirs : [theirs]), SANDBOX];
  out['x-content-type-options'] = 'nosniff';
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
