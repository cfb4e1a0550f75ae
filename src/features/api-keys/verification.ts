import type { Principal, Role } from '../../lib/principal.ts';
import type { Policy } from '../policies/policy.ts';
import { InvalidatingCache } from '../../lib/invalidating-cache.ts';
import { createKnownKeyIds } from './known-ids.ts';
import * as repo from './repo.ts';
import { hashMatches, parseApiKey } from './secrets.ts';
import type { ApiKeyDeps } from './service.ts';

/** What authentication needs of a key row (its secret only as a hash, decoded once). */
interface KeyRecord {
  principal: Principal;
  secretHash: Buffer;
  revoked: boolean;
}

const toRecord = (row: {
  id: string;
  tenantId: string | null;
  role: Role;
  authConfigIds: string[] | null;
  policy: Policy | null;
  secretHash: string;
  revokedAt: Date | null;
}): KeyRecord => ({
  principal: {
    keyId: row.id,
    tenantId: row.tenantId,
    role: row.role,
    authConfigIds: row.authConfigIds,
    policy: row.policy,
  },
  secretHash: Buffer.from(row.secretHash, 'hex'),
  revoked: row.revokedAt !== null,
});

/**
 * What authentication does with a presented key once memory has had its say, besides accepting a
 * principal or refusing (null): `KNOWN` — an existing key not cached, look it up; `UNSCREENED` —
 * memory cannot vouch for the id, look it up only for a source in good standing.
 */
export const KNOWN = 'known';
export const UNSCREENED = 'unscreened';

/**
 * Verifying presented keys: the cache of key rows, the set of usable key ids, and the lookups;
 * all three follow the change feed. The management of keys (service.ts) tells it what it changed.
 */
export function createKeyVerifier(
  deps: Pick<
    ApiKeyDeps,
    'db' | 'clock' | 'changes' | 'cache' | 'announce' | 'onLookup' | 'onError'
  >,
) {
  const { db, clock } = deps;
  // Key rows are cached by id while the change feed is live: a revocation (or a key created
  // after a miss was cached) is announced from the transaction that makes it, and drops the entry
  // in every replica; the lookup itself is a prepared statement.
  const lookup = repo.preparedKeyLookup(db);
  const cache = new InvalidatingCache<KeyRecord | null>({
    // keys are few next to accounts: a tenth of the accounts' budget
    max: Math.max(1_000, Math.ceil((deps.cache?.maxEntries ?? 100_000) / 10)),
    maxAgeMs: deps.cache?.maxAgeMs ?? 30_000,
    isLive: () => deps.changes?.live ?? false,
  });
  // The ids of usable keys, so a made-up key costs no lookup (followed by the same feed).
  // The set needs only a subscribed feed (a late announcement is covered by the grace period for
  // new ids), not the one-second proof the caches need: a busy event loop must not turn it off.
  const knownIds = createKnownKeyIds({
    clock,
    isLive: () => deps.changes?.subscribed ?? false,
    loadPage: (limit, after) => repo.listUsableKeyIds(db, limit, after),
    onError: deps.onError,
  });
  /** lookups under way, by key id: a burst of one id costs one lookup */
  const inflight = new Map<string, Promise<KeyRecord | null>>();
  deps.changes?.subscribe({
    change: (c) => {
      if (c.kind === 'key') {
        knownIds.changed(c.id);
        inflight.delete(c.id);
        cache.invalidate(`key:${c.id}`);
      } else if (c.kind === 'tn') {
        inflight.clear();
        cache.invalidate(`tn:${c.tenantId}`);
      }
    },
    reset: () => {
      inflight.clear();
      cache.clear();
      knownIds.reset();
    },
  });

  const verify = (token: string, record: KeyRecord | null) =>
    !record || record.revoked || !hashMatches(token, record.secretHash) ? null : record.principal;

  /**
   * From memory alone: the principal, null (refused: not a key, a wrong secret, a revoked key, or
   * an id no key has), KNOWN or UNSCREENED (see there). A cached key costs what it did before the
   * id screening existed: the screening runs on a cache miss only.
   */
  function check(token: string): Principal | null | typeof KNOWN | typeof UNSCREENED {
    const parsed = parseApiKey(token);
    if (!parsed) return null;
    const hit = cache.get(`key:${parsed.id}`);
    if (hit) return verify(token, hit.value);
    const s = knownIds.screen(parsed.id);
    return s === 'absent' ? null : s === 'present' ? KNOWN : UNSCREENED;
  }

  function loadRecord(id: string): Promise<KeyRecord | null> {
    let p = inflight.get(id);
    if (p) return p;
    const tags = (r: KeyRecord | null) =>
      r?.principal.tenantId ? [`key:${id}`, `tn:${r.principal.tenantId}`] : [`key:${id}`];
    p = cache
      .fill(`key:${id}`, tags, async () => {
        deps.onLookup?.();
        const row = await lookup(id);
        return row ? toRecord(row) : null;
      })
      .finally(() => {
        if (inflight.get(id) === p) inflight.delete(id);
      });
    inflight.set(id, p);
    return p;
  }

  /** The principal of a valid, unrevoked key; null for anything else. `token` is parsed once. */
  async function authenticate(token: string): Promise<Principal | null> {
    const parsed = parseApiKey(token);
    if (!parsed) return null;
    return verify(token, await loadRecord(parsed.id));
  }

  /**
   * The principal of an unrevoked key by id, without its secret: for what a key issued and others
   * now present (a proxy token), which lives only as long as its key. Through the same cache, so a
   * revocation or a policy change anywhere is honoured within the feed's second.
   */
  async function principalById(id: string): Promise<Principal | null> {
    const r = await loadRecord(id);
    return r && !r.revoked ? r.principal : null;
  }

  /**
   * Drops this process's entry once the revocation is written (the announcement does the same in
   * every replica, this one included); never before, or a concurrent request could cache the
   * not-yet-revoked row again.
   */
  const forget = (row: { id: string; tenantId: string | null }) =>
    deps.announce?.({ kind: 'key', tenantId: row.tenantId ?? '', id: row.id }) ??
    cache.invalidate(`key:${row.id}`);

  /**
   * A new key is usable in this process as soon as it is committed, without waiting for the
   * database's announcement to come back (the other replicas wait for it).
   */
  function announceKey(row: { id: string; tenantId: string | null }) {
    if (deps.announce) deps.announce({ kind: 'key', tenantId: row.tenantId ?? '', id: row.id });
    else knownIds.changed(row.id);
  }

  return {
    check,
    authenticate,
    principalById,
    /** Loads the ids of usable keys (once); resolves when loaded or failed (then retried). */
    loadKnownIds: () => knownIds.load(),
    forget,
    announceKey,
  };
}
