import { lookup as dnsLookup, promises as dns } from 'node:dns';
import type { LookupAddress, LookupOptions } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { Agent, buildConnector, type Dispatcher } from 'undici';
import { badRequest } from './errors.ts';

/**
 * The egress policy for URLs that tenants supply and the vault then calls (generic provider token
 * and discovery URLs, webhook endpoints): every address the host resolves to must be public, unless
 * the operator allows private ones (tests, the emulator). `checkEgress` is the up-front check (call
 * it before building a request that carries a secret); `createEgressAgent` repeats it at connection
 * time on the addresses actually dialled, so a DNS answer that changes in between cannot slip
 * through.
 */
export const EGRESS_DENIED = 'egress_denied';

/**
 * The one answer for a tenant host the vault will not call, whether its name does not resolve or
 * resolves to a private address: telling the two apart would let a tenant probe which internal
 * names exist. The address found stays on the error (for logs), never in its message.
 */
export const egressDeniedDetail = (host: string) =>
  `${host} does not resolve to a public address this vault may call (an operator can allow private addresses, for development and tests only, with ALLOW_PRIVATE_EGRESS=true)`;

export class EgressDeniedError extends Error {
  readonly code = EGRESS_DENIED;
  constructor(
    /** the host (or, for a URL that could not be judged at all, the URL) */
    readonly target: string,
    /** the private address found, if any */
    readonly address: string | null,
    /** a message other than the uniform one, for URLs refused whatever they resolve to */
    detail?: string,
  ) {
    super(detail ?? egressDeniedDetail(target));
    this.name = 'EgressDeniedError';
  }
}

/** The EgressDeniedError in err or its causes (undici wraps connector errors), if any. */
export function findEgressDenied(err: unknown, depth = 0): EgressDeniedError | undefined {
  if (depth > 5 || !(err instanceof Error)) return undefined;
  if (err instanceof EgressDeniedError) return err;
  if (err instanceof AggregateError) {
    for (const e of err.errors) {
      const found = findEgressDenied(e, depth + 1);
      if (found) return found;
    }
  }
  return findEgressDenied(err.cause, depth + 1);
}

export interface EgressPolicy {
  allowPrivate: boolean;
}

// 2000::/3 is the only IPv6 space allocated for global unicast; anything outside it (including the
// deprecated IPv4-compatible ::a.b.c.d) is not a destination a tenant URL may point at.
const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR('2000::/3');

function embeddedIPv4(v6: ipaddr.IPv6, range: string): ipaddr.IPv4 | null {
  const b = v6.toByteArray();
  switch (range) {
    case 'ipv4Mapped': // ::ffff:a.b.c.d
    case 'rfc6145': // ::ffff:0:a.b.c.d
      return new ipaddr.IPv4(b.slice(12, 16));
    case 'rfc6052': // NAT64 64:ff9b::a.b.c.d (the local-use 64:ff9b:1::/48 is refused below)
      return v6.match(ipaddr.parseCIDR('64:ff9b::/96')) ? new ipaddr.IPv4(b.slice(12, 16)) : null;
    case '6to4': // 2002:aabb:ccdd::/48
      return new ipaddr.IPv4(b.slice(2, 6));
    case 'teredo': // 2001:0:<server>:<flags>:<port>:<client xor ffffffff>
      return new ipaddr.IPv4(b.slice(12, 16).map((x) => x ^ 0xff));
    default:
      return null;
  }
}

function isPrivateV4(v4: ipaddr.IPv4): boolean {
  // ipaddr.js names every special range (unspecified, broadcast, multicast, linkLocal — including
  // 169.254.169.254 —, loopback, carrierGradeNat, private, reserved, as112, amt); only 'unicast'
  // is public.
  return v4.range() !== 'unicast';
}

/**
 * True when the address is not a public unicast address: loopback, private (RFC1918, ULA
 * fc00::/7 — including fd00:ec2::254), link-local (169.254/16 — including 169.254.169.254 —,
 * fe80::/10), unspecified, CGNAT, multicast, broadcast, reserved/documentation, or an IPv6 address
 * carrying such an IPv4 address (IPv4-mapped, NAT64, 6to4, Teredo). Anything that does not parse
 * as an IP address is treated as private.
 */
export function isPrivateAddress(address: string): boolean {
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    addr = ipaddr.parse(address);
  } catch {
    return true;
  }
  if (addr.kind() === 'ipv4') return isPrivateV4(addr as ipaddr.IPv4);
  const v6 = addr as ipaddr.IPv6;
  const range = v6.range();
  const v4 = embeddedIPv4(v6, range);
  // Mapped, translated and NAT64 addresses reach the IPv4 address they carry; 6to4 and Teredo
  // tunnel to it. Judge them by it.
  if (v4) return isPrivateV4(v4);
  return range !== 'unicast' || !v6.match(GLOBAL_UNICAST_V6);
}

/** A promise-style lookup with `all: true`; `dns.promises.lookup` fits, and so does a test stub. */
export type EgressLookup = (
  hostname: string,
  options: { all: true },
) => Promise<Pick<LookupAddress, 'address'>[]>;

/**
 * Throws EgressDeniedError unless `url` is http(s) and every address its host resolves to (or the
 * literal IP) is public — or `policy.allowPrivate`. Returns the resolved addresses. A name that
 * does not resolve (ENOTFOUND, EAI_AGAIN …) is refused like a private one; with `allowPrivate`
 * (nothing to hide then) the lookup's error is passed through as it is. An empty answer is a
 * denial.
 */
export async function checkEgress(
  url: string,
  policy: EgressPolicy,
  lookup: EgressLookup = dns.lookup,
): Promise<string[]> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new EgressDeniedError(url, null, `${url} is not a valid URL`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new EgressDeniedError(
      url,
      null,
      `${u.protocol} URLs are not called (http or https only)`,
    );
  }
  // WHATWG URL parsing already normalises IPv4 shorthands (0x7f.1, 2130706433) to dotted quads.
  const host = u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname;
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : (await lookup(host, { all: true })).map((a) => a.address);
  } catch (err) {
    if (policy.allowPrivate) throw err;
    throw new EgressDeniedError(u.hostname, null);
  }
  if (addresses.length === 0) throw new EgressDeniedError(u.hostname, null);
  if (!policy.allowPrivate) {
    const bad = addresses.find(isPrivateAddress);
    if (bad !== undefined) throw new EgressDeniedError(u.hostname, bad);
  }
  return addresses;
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * A `net.connect` lookup that resolves every address of the host and fails the connection when any
 * of them is private or the name does not resolve (the same all-or-nothing rule, and the same
 * answer, as checkEgress).
 */
function publicOnlyLookup(hostname: string, options: LookupOptions, callback: LookupCallback) {
  dnsLookup(hostname, { ...options, all: true }, (err, list) => {
    if (err) return callback(new EgressDeniedError(hostname, null), '');
    const bad = list.find((a) => isPrivateAddress(a.address));
    if (bad) return callback(new EgressDeniedError(hostname, bad.address), '');
    if (list.length === 0) return callback(new EgressDeniedError(hostname, null), '');
    if (options.all) return callback(null, list);
    return callback(null, list[0]!.address, list[0]!.family);
  });
}

/**
 * An undici Agent that refuses private addresses at connection time, unless `allowPrivate`: IP
 * literals are checked before dialling, host names are resolved by the connector's own lookup
 * (undici `connect: { lookup }`, passed to net/tls.connect) and refused if any answer is private.
 */
export function createEgressAgent(
  policy: EgressPolicy,
  opts: { connections?: number; keepAliveTimeout?: number } = {},
): Agent {
  const base = {
    connections: opts.connections ?? 64,
    keepAliveTimeout: opts.keepAliveTimeout ?? 30_000,
  };
  if (policy.allowPrivate) return new Agent(base);
  const connector = buildConnector({ lookup: publicOnlyLookup as LookupFunction });
  return new Agent({
    ...base,
    connect(options, callback) {
      // net.connect skips the lookup for IP literals, so check those here. undici strips the
      // brackets from IPv6 hosts before calling the connector.
      const host = options.hostname.startsWith('[')
        ? options.hostname.slice(1, -1)
        : options.hostname;
      if (isIP(host) && isPrivateAddress(host)) {
        callback(new EgressDeniedError(options.hostname, host), null);
        return;
      }
      connector(options, callback);
    },
  });
}

/**
 * The egress policy as the services use it: the agent for tenant URLs (with `connections` sockets
 * per origin, or the given dispatcher), the https rule for tenant URLs, and the save-time check,
 * which answers a refused URL with the same 400 `egress_denied` and detail as a call would.
 */
export function tenantEgress(o: {
  allowPrivate: boolean;
  allowHttp: boolean;
  connections: number;
  dispatcher?: Dispatcher;
}) {
  const policy: EgressPolicy = { allowPrivate: o.allowPrivate };
  return {
    policy,
    urlPolicy: { allowHttp: o.allowHttp },
    agent: o.dispatcher ?? createEgressAgent(policy, { connections: o.connections }),
    /** Resolves the URL's host now; throws a 400 `egress_denied` when the vault may not call it. */
    async checkTenantUrl(url: string): Promise<string[]> {
      try {
        return await checkEgress(url, policy);
      } catch (err) {
        if (err instanceof EgressDeniedError) throw badRequest(EGRESS_DENIED, err.message);
        // Only with allowPrivate (nothing to hide then): a name that does not resolve yet is
        // accepted, and a call to it fails when it is made.
        return [];
      }
    },
  };
}
