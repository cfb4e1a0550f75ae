import { isIP } from 'node:net';

/**
 * Whose `X-Forwarded-For` counts, in the form fastify's `trustProxy` takes: false (nobody's: the
 * source is the TCP peer), true (everybody's: the left-most address), a hop count (the n nearest
 * proxies), or the proxies' addresses and CIDR ranges.
 */
export type TrustProxy = boolean | number | string[];

export const MAX_TRUSTED_HOPS = 16;

/** proxy-addr's (fastify's) names for whole families of addresses */
const NAMED = new Set(['loopback', 'linklocal', 'uniquelocal']);
const OFF = new Set(['', 'false', 'off', 'no', '0']);
const ON = new Set(['true', 'on', 'yes']);

function badEntry(entry: string): string | undefined {
  if (NAMED.has(entry)) return undefined;
  const slash = entry.indexOf('/');
  const addr = slash === -1 ? entry : entry.slice(0, slash);
  const family = isIP(addr);
  if (family === 0) return `"${entry}" is not an IP address, a CIDR range or a range name`;
  if (slash === -1) return undefined;
  const bits = entry.slice(slash + 1);
  const max = family === 4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(bits) || Number(bits) > max)
    return `"${entry}": the prefix length after / must be 0-${max}`;
  return undefined;
}

/** Parses TRUST_PROXY; throws an Error whose message says what is wrong and what would do. */
export function parseTrustProxy(raw: string | undefined): TrustProxy {
  const v = (raw ?? '').trim();
  const lower = v.toLowerCase();
  if (OFF.has(lower)) return false;
  if (ON.has(lower)) return true;
  const usage = `TRUST_PROXY must be false, true, a hop count (1-${MAX_TRUSTED_HOPS}) or a comma-separated list of proxy addresses and CIDR ranges (loopback, linklocal and uniquelocal name the usual ranges)`;
  if (/^\d+$/.test(v)) {
    const hops = Number(v);
    if (hops > MAX_TRUSTED_HOPS) throw new Error(`${usage} (got ${JSON.stringify(raw)})`);
    return hops;
  }
  const entries = v.split(',').map((e) => e.trim());
  for (const e of entries) {
    const problem = e === '' ? 'an empty entry' : badEntry(e);
    if (problem) throw new Error(`${usage}; ${problem} (got ${JSON.stringify(raw)})`);
  }
  return entries;
}

/**
 * As fastify's `trustProxy` option. Fastify no longer takes a hop count (it fails closed on one),
 * so a count becomes proxy-addr's own rule: the n nearest hops are proxies, whatever their address.
 */
export function fastifyTrustProxy(
  tp: TrustProxy,
): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (typeof tp !== 'number') return tp;
  return tp === 0 ? false : (_address, hop) => hop < tp;
}
