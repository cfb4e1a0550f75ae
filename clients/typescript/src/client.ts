// createVaultClient: cached, stampede-proof token reads; proxied provider calls; admin helpers.
import { adminApi, type AdminApi } from './admin.js';
import { LruCache } from './cache.js';
import { VaultError } from './errors.js';
import { call, type FetchLike, type Transport } from './http.js';
import {
  proxyPath,
  proxyRoute,
  proxyTokenRoute,
  selectorKey,
  tokenRoute,
  type Selector,
} from './selectors.js';
import type { ExchangeResponse, ProxyTokenResponse, TokenResponse } from './types.js';

export interface VaultClientOptions {
  /** the vault's base URL, e.g. `http://vault.internal:3000` */
  url: string;
  /**
   * a service key (tokens, proxy) or an admin key (also the admin helpers); omit it for an agent
   * that authenticates with its workload token alone (`exchange` with an `actorToken`, then
   * `fetch` with the proxy token it got)
   */
  apiKey?: string;
  /** defaults to the global fetch */
  fetch?: FetchLike;
  /** bound on the time spent retrying one call (503, 429, network errors); default 5000 ms */
  maxRetryWaitMs?: number;
  /** epoch milliseconds; what the token cache measures expiry against (default Date.now) */
  now?: () => number;
  /** timeout of each request to the vault; default 20000 ms (a token read may wait on a refresh) */
  timeoutMs?: number;
  /** cached token answers kept at most (least recently used out first); default 1000 */
  cacheSize?: number;
  /**
   * How long an answer without expiry (`expires_at: null`) of `token_type` "Basic" (an Atlassian
   * API token without an expiry date) is reused; default 300000 ms, 0 = never. Other answers
   * without an expiry are not cached.
   */
  nonExpiringCacheMs?: number;
}

export interface TokenOptions {
  /**
   * Seconds the returned token must still live (default 60, at most 3300). A cached answer is
   * reused only while it lives at least this long; otherwise the vault is asked with this min_ttl.
   */
  minTtl?: number;
}

export interface ProxyInit extends RequestInit {
  /** another granted Atlassian site than the account's selected one (`X-Vault-Cloud-Id`) */
  cloudId?: string;
  /**
   * a proxy token (from `exchange` or `proxyToken`) to call with instead of the client's key;
   * the selector must then name its account (`{ connectedAccountId: t.connected_account_id }`)
   */
  proxyToken?: string;
}

/** The token types of RFC 8693, by their short names (or give the URN itself). */
const TOKEN_TYPES: Record<string, string> = {
  jwt: 'urn:ietf:params:oauth:token-type:jwt',
  id_token: 'urn:ietf:params:oauth:token-type:id_token',
  access_token: 'urn:ietf:params:oauth:token-type:access_token',
  proxy: 'urn:credential-vault:params:oauth:token-type:proxy',
};
const tokenType = (v: string | undefined, fallback: string) =>
  v === undefined ? TOKEN_TYPES[fallback]! : (TOKEN_TYPES[v] ?? v);

export interface ExchangeOptions {
  /** the user's JWT from an issuer the tenant trusts as `user` (an ID token, a JWT access token) */
  subjectToken: string;
  /** `jwt` (default), `id_token`, `access_token`, or the URN */
  subjectTokenType?: string;
  /** the auth config whose account of that user is wanted */
  authConfigId: string;
  /** the calling workload's JWT from an issuer the tenant trusts as `workload` */
  actorToken?: string;
  actorTokenType?: string;
  /** `access_token` (default: the provider token) or `proxy` (a proxy token for the proxy routes) */
  requestedTokenType?: 'access_token' | 'proxy';
  /** for an access token: seconds it must still live (default 60, at most 3300) */
  minTtl?: number;
}

export interface VaultClient extends AdminApi {
  /** The vault's token answer for the account, from the cache when it still lives ≥ minTtl. */
  token(selector: Selector, opts?: TokenOptions): Promise<TokenResponse>;
  /** The `Authorization` header value for the provider: `${token_type} ${access_token}`. */
  authorization(selector: Selector, opts?: TokenOptions): Promise<string>;
  /**
   * A provider call through the vault's proxy (`path` like `jira/rest/api/3/myself`). The
   * provider's Response comes back as it is (status, headers, streamed body); redirects are not
   * followed unless `init.redirect` says so.
   */
  fetch(selector: Selector, path: string, init?: ProxyInit): Promise<Response>;
  /** Forgets the cached token of one selector (e.g. after the provider answered 401), or all. */
  invalidate(selector?: Selector): void;
  /**
   * RFC 8693 token exchange: a user's identity token (and perhaps the calling workload's) for that
   * user's provider token or a proxy token. Authenticated with the client's key, if it has one,
   * and/or `actorToken`. Not cached: cache what it returns for its `expires_in`.
   */
  exchange(opts: ExchangeOptions): Promise<ExchangeResponse>;
  /** A short-lived proxy token for an account the key may use (hand it to an agent). */
  proxyToken(selector: Selector, opts?: { ttlSeconds?: number }): Promise<ProxyTokenResponse>;
}

const DEFAULT_MIN_TTL = 60;
const MAX_MIN_TTL = 3300;
/** vault answers that say the account cannot be used (now): its cached token goes too */
const FORGET_ON = new Set([401, 403, 404, 409]);

interface Entry {
  value: TokenResponse;
  /** when the token expires (Infinity: never) */
  expiresAtMs: number;
  /** when a token that never expires is asked for again (Infinity for expiring ones) */
  staleAtMs: number;
}

interface Flight {
  promise: Promise<TokenResponse>;
  minTtl: number;
  /** false once invalidate() ran while the request was out: its answer is not cached */
  cacheable: boolean;
}

const isStream = (b: unknown): boolean =>
  typeof b === 'object' && b !== null && typeof (b as ReadableStream).getReader === 'function';

export function createVaultClient(opts: VaultClientOptions): VaultClient {
  if (typeof opts?.url !== 'string' || !/^https?:\/\//.test(opts.url)) {
    throw new TypeError('url must be the vault base URL (http:// or https://)');
  }
  if (opts.apiKey !== undefined && (typeof opts.apiKey !== 'string' || opts.apiKey.length === 0)) {
    throw new TypeError('apiKey must be a non-empty string when given');
  }
  const fetchImpl: FetchLike = opts.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const now = opts.now ?? Date.now;
  const t: Transport = {
    baseUrl: opts.url.replace(/\/+$/, ''),
    apiKey: opts.apiKey ?? '',
    fetch: fetchImpl,
    now,
    timeoutMs: opts.timeoutMs ?? 20_000,
    maxRetryWaitMs: opts.maxRetryWaitMs ?? 5_000,
    random: Math.random,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    monotonic: () => performance.now(),
  };
  const nonExpiringMs = opts.nonExpiringCacheMs ?? 300_000;
  const cache = new LruCache<Entry>(opts.cacheSize ?? 1000);
  const inflight = new Map<string, Flight>();

  function store(key: string, value: TokenResponse, receivedAt: number): void {
    let expiresAtMs: number;
    let staleAtMs = Infinity;
    if (value.expires_at !== null) {
      // Never past the vault's expiry, nor past the lifetime it reported (clock skew-proof).
      const at = Date.parse(value.expires_at);
      const rel = value.expires_in === null ? Infinity : receivedAt + value.expires_in * 1000;
      expiresAtMs = Math.min(Number.isNaN(at) ? -Infinity : at, rel);
      if (!Number.isFinite(expiresAtMs)) return;
      // cache_until: a refresh revokes an older token early with some providers (Atlassian: 10
      // minutes on). Kept no later than it, measured like the expiry (absolute and relative).
      const until = value.cache_until ? Date.parse(value.cache_until) : NaN;
      if (!Number.isNaN(until)) {
        const early = Number.isNaN(at) ? 0 : Math.max(at - until, 0);
        staleAtMs = Math.min(until, expiresAtMs - early);
      }
    } else if (value.token_type.toLowerCase() === 'basic' && nonExpiringMs > 0) {
      expiresAtMs = Infinity;
      staleAtMs = receivedAt + nonExpiringMs;
    } else {
      cache.delete(key); // unknown lifetime: nothing to go on
      return;
    }
    cache.set(key, { value, expiresAtMs, staleAtMs });
  }

  function request(selector: Selector, key: string, minTtl: number): Promise<TokenResponse> {
    const route = tokenRoute(selector);
    const flight: Flight = { minTtl, cacheable: true, promise: undefined as never };
    flight.promise = (async () => {
      try {
        const res = await call<TokenResponse>(t, 'POST', route.path, {
          body: { ...route.body, min_ttl: minTtl },
          retry: 'any',
        });
        const value = Object.freeze(res);
        if (flight.cacheable) store(key, value, now());
        return value;
      } catch (err) {
        if (err instanceof VaultError && FORGET_ON.has(err.status)) cache.delete(key);
        throw err;
      } finally {
        if (inflight.get(key) === flight) inflight.delete(key);
      }
    })();
    inflight.set(key, flight);
    return flight.promise;
  }

  async function token(selector: Selector, o?: TokenOptions): Promise<TokenResponse> {
    const minTtl = o?.minTtl ?? DEFAULT_MIN_TTL;
    if (!Number.isInteger(minTtl) || minTtl < 0 || minTtl > MAX_MIN_TTL) {
      throw new RangeError(`minTtl must be an integer from 0 to ${MAX_MIN_TTL} seconds`);
    }
    const key = selectorKey(selector);
    const hit = cache.get(key);
    if (hit) {
      const at = now();
      if (at < hit.staleAtMs && hit.expiresAtMs - at >= minTtl * 1000) return hit.value;
      if (at >= hit.expiresAtMs || at >= hit.staleAtMs) cache.delete(key);
    }
    // Join a request already out for this selector if it asked for at least as much life.
    const flying = inflight.get(key);
    if (flying && flying.minTtl >= minTtl) return flying.promise;
    return request(selector, key, minTtl);
  }

  async function proxyFetch(selector: Selector, path: string, init: ProxyInit = {}) {
    const { cloudId, proxyToken, ...rest } = init;
    if (proxyToken !== undefined && (typeof proxyToken !== 'string' || proxyToken.length === 0))
      throw new TypeError('proxyToken must be a non-empty string when given');
    const route = proxyRoute(selector);
    const url = `${t.baseUrl}${route.base}${proxyPath(path)}`;
    const headers = new Headers(rest.headers);
    for (const [k, v] of Object.entries(route.headers)) headers.set(k, v);
    if (cloudId !== undefined) headers.set('x-vault-cloud-id', cloudId);
    // The vault key (or the proxy token) replaces any Authorization given: the vault injects the
    // provider's own.
    headers.set('authorization', `Bearer ${proxyToken ?? t.apiKey}`);
    const reqInit: RequestInit & { duplex?: 'half' } = {
      ...rest,
      headers,
      redirect: rest.redirect ?? 'manual',
    };
    if (isStream(rest.body)) reqInit.duplex = 'half';
    try {
      return await fetchImpl(url, reqInit);
    } catch (err) {
      // The caller's own abort stays theirs; anything else means the vault was not reached.
      if (rest.signal?.aborted) throw err;
      throw VaultError.fromNetwork(err, (err as { name?: string })?.name === 'TimeoutError');
    }
  }

  function invalidate(selector?: Selector): void {
    if (selector === undefined) {
      cache.clear();
      for (const f of inflight.values()) f.cacheable = false;
      inflight.clear();
      return;
    }
    const key = selectorKey(selector);
    cache.delete(key);
    const f = inflight.get(key);
    if (f) {
      f.cacheable = false;
      inflight.delete(key);
    }
  }

  function exchange(o: ExchangeOptions): Promise<ExchangeResponse> {
    if (typeof o?.subjectToken !== 'string' || !o.subjectToken)
      throw new TypeError('subjectToken is required');
    if (typeof o.authConfigId !== 'string' || !o.authConfigId)
      throw new TypeError('authConfigId is required');
    const form: Record<string, string> = {
      grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
      subject_token: o.subjectToken,
      subject_token_type: tokenType(o.subjectTokenType, 'jwt'),
      audience: o.authConfigId,
      requested_token_type: tokenType(o.requestedTokenType, 'access_token'),
    };
    if (o.actorToken !== undefined) {
      form.actor_token = o.actorToken;
      form.actor_token_type = tokenType(o.actorTokenType, 'jwt');
    }
    if (o.minTtl !== undefined) form.min_ttl = String(o.minTtl);
    // Retried like a token read: exchanging twice issues nothing that matters twice.
    return call<ExchangeResponse>(t, 'POST', '/v1/oauth/token', { form, retry: 'any' });
  }

  function proxyToken(selector: Selector, o: { ttlSeconds?: number } = {}) {
    const route = proxyTokenRoute(selector);
    const body: Record<string, unknown> = { ...route.body };
    if (o.ttlSeconds !== undefined) body.ttl_seconds = o.ttlSeconds;
    return call<ProxyTokenResponse>(t, 'POST', route.path, { body, retry: 'any' });
  }

  return {
    token,
    exchange,
    proxyToken,
    async authorization(selector, o) {
      const r = await token(selector, o);
      return `${r.token_type} ${r.access_token}`;
    },
    fetch: proxyFetch,
    invalidate,
    ...adminApi(t),
  };
}
