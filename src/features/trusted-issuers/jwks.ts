import { createLocalJWKSet, type JSONWebKeySet, type JWK } from 'jose';
import { LRUCache } from 'lru-cache';
import type { Dispatcher } from 'undici';
import type { TrustedIssuerRow } from '../../db/schema/index.ts';
import {
  AnswerDeadlineError,
  AnswerTooLargeError,
  boundedRequest,
} from '../../lib/bounded-read.ts';
import type { Clock } from '../../lib/clock.ts';
import { AppError, badRequest } from '../../lib/errors.ts';
import { findEgressDenied } from '../../lib/egress.ts';
import type { OutboundLimiter } from '../../lib/outbound-limiter.ts';

export type KeySet = ReturnType<typeof createLocalJWKSet>;

/** Why the issuer's keys are not to be had (the exchange answers it as the RFC error it is). */
export class JwksError extends AppError {
  constructor(detail: string, transient: boolean) {
    super(
      transient ? 'jwks_unavailable' : 'jwks_invalid',
      transient ? 503 : 400,
      transient ? 'Service unavailable' : 'Bad request',
      detail,
      transient ? { retry_after_seconds: 5 } : {},
      transient,
    );
  }
}

// Members that only a private or a symmetric key has: such a key is never used to verify.
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

/** Public signature keys only; an RSA modulus under 2048 bits is too weak to trust. */
export function publicKeyProblem(k: Record<string, unknown>): string | null {
  if (k.kty !== 'RSA' && k.kty !== 'EC' && k.kty !== 'OKP')
    return `kty ${String(k.kty)} is not a public-key type (RSA, EC, OKP); HMAC secrets are never accepted`;
  if (PRIVATE_MEMBERS.some((m) => m in k)) return 'it carries private key material';
  if (k.use !== undefined && k.use !== 'sig') return 'its use is not sig';
  if (k.kty === 'RSA' && (typeof k.n !== 'string' || k.n.length < 342))
    return 'its RSA modulus is shorter than 2048 bits';
  return null;
}

/** An inline key set, checked when an admin saves it; throws 400 naming the key. */
export function checkInlineJwks(jwks: { keys: Record<string, unknown>[] }, field: string) {
  jwks.keys.forEach((k, i) => {
    const problem = publicKeyProblem(k);
    if (problem) throw badRequest('invalid_jwks', `${field}.keys[${i}]: ${problem}`, { field });
  });
  try {
    createLocalJWKSet(jwks as unknown as JSONWebKeySet);
  } catch {
    throw badRequest('invalid_jwks', `${field} is not a JWK Set`, { field });
  }
}

interface Held {
  uri: string;
  set: KeySet | null;
  /** when the keys were fetched, or the last attempt failed (the injected clock, ms) */
  fetchedAt: number;
  failure: JwksError | null;
  inflight?: Promise<KeySet>;
}

/**
 * Issuers' keys fetched from their `jwks_uri`: through the egress policy and the tenant's outbound
 * slots, read within a byte cap and one deadline (an endless or oversized answer is cut and
 * refused), kept for `cacheSeconds`, and fetched again early only when a token names a key id the
 * set lacks (a rotation) — at most once per `minRefetchSeconds` per issuer, so tokens with made-up
 * key ids cannot make the vault hammer an issuer. A failed fetch is remembered as long.
 */
export function createJwksCache(deps: {
  clock: Clock;
  dispatcher: Dispatcher;
  outbound: Pick<OutboundLimiter, 'acquire'>;
  timeoutMs: number;
  maxBytes: number;
  cacheSeconds: number;
  minRefetchSeconds: number;
}) {
  const held = new LRUCache<string, Held>({ max: 10_000 });
  const inline = new WeakMap<object, KeySet>();
  const now = () => deps.clock.now().getTime();

  async function fetchKeys(issuer: TrustedIssuerRow, uri: string): Promise<KeySet> {
    const url = new URL(uri);
    let body: Buffer;
    let status: number;
    try {
      const release = await deps.outbound.acquire(issuer.tenantId, url.origin);
      try {
        const res = await boundedRequest({
          url,
          method: 'GET',
          headers: { accept: 'application/jwk-set+json, application/json' },
          dispatcher: deps.dispatcher,
          timeoutMs: deps.timeoutMs,
          maxBytes: deps.maxBytes,
        });
        body = res.body;
        status = res.status;
      } finally {
        release();
      }
    } catch (err) {
      const denied = findEgressDenied(err);
      if (denied) throw new JwksError(denied.message, false);
      if (err instanceof AnswerTooLargeError)
        throw new JwksError(
          `the key set at ${url.host} is larger than ${deps.maxBytes} bytes`,
          false,
        );
      if (err instanceof AnswerDeadlineError)
        throw new JwksError(
          `the key set at ${url.host} did not arrive within ${deps.timeoutMs} ms`,
          true,
        );
      throw new JwksError(`the key set at ${url.host} could not be fetched`, true);
    }
    if (status !== 200)
      throw new JwksError(
        `the key set at ${url.host} answered ${status}`,
        status >= 500 || status === 429,
      );
    let parsed: { keys?: unknown };
    try {
      parsed = JSON.parse(body.toString('utf8')) as { keys?: unknown };
    } catch {
      throw new JwksError(`the key set at ${url.host} is not JSON`, false);
    }
    const keys = Array.isArray(parsed?.keys)
      ? (parsed.keys as Record<string, unknown>[]).filter(
          (k) => k && typeof k === 'object' && publicKeyProblem(k) === null,
        )
      : [];
    if (keys.length === 0)
      throw new JwksError(`the key set at ${url.host} has no public signature key`, false);
    return createLocalJWKSet({ keys: keys as JWK[] });
  }

  /** Fetches (once for concurrent callers) and remembers the outcome. */
  function load(issuer: TrustedIssuerRow, uri: string): Promise<KeySet> {
    const cur = held.get(issuer.id);
    if (cur?.inflight && cur.uri === uri) return cur.inflight;
    const entry: Held =
      cur && cur.uri === uri ? cur : { uri, set: null, fetchedAt: 0, failure: null };
    const p = fetchKeys(issuer, uri).then(
      (set) => {
        Object.assign(entry, { set, fetchedAt: now(), failure: null, inflight: undefined });
        return set;
      },
      (err: unknown) => {
        const failure =
          err instanceof JwksError ? err : new JwksError('the key set could not be read', true);
        Object.assign(entry, { fetchedAt: now(), failure, inflight: undefined });
        throw failure;
      },
    );
    entry.inflight = p;
    held.set(issuer.id, entry);
    return p;
  }

  return {
    /** The issuer's keys: its inline set, or its cached (or freshly fetched) remote one. */
    async keys(issuer: TrustedIssuerRow): Promise<KeySet> {
      if (issuer.jwks) {
        let set = inline.get(issuer.jwks);
        if (!set) inline.set(issuer.jwks, (set = createLocalJWKSet(issuer.jwks)));
        return set;
      }
      const uri = issuer.jwksUri!;
      const cur = held.get(issuer.id);
      if (cur && cur.uri === uri && !cur.inflight) {
        const age = now() - cur.fetchedAt;
        if (cur.set && age < deps.cacheSeconds * 1000) return cur.set;
        if (cur.failure && age < deps.minRefetchSeconds * 1000) throw cur.failure;
      }
      return load(issuer, uri);
    },
    /**
     * A token named a key the set lacks: the set once more, unless it was fetched within
     * `minRefetchSeconds` (then null: the token is refused with the keys at hand).
     */
    async refetch(issuer: TrustedIssuerRow): Promise<KeySet | null> {
      if (issuer.jwks) return null;
      const uri = issuer.jwksUri!;
      const cur = held.get(issuer.id);
      if (cur?.inflight && cur.uri === uri) return cur.inflight;
      if (cur && cur.uri === uri && now() - cur.fetchedAt < deps.minRefetchSeconds * 1000)
        return null;
      return load(issuer, uri);
    },
    /** An issuer changed or went away: its keys are fetched anew when next needed. */
    forget(id: string) {
      held.delete(id);
    },
  };
}

export type JwksCache = ReturnType<typeof createJwksCache>;
