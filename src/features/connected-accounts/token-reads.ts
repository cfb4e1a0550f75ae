import type { ChangeFeed } from '../../db/changes.ts';
import type { Db } from '../../db/client.ts';
import { InvalidatingCache } from '../../lib/invalidating-cache.ts';
import { preparedTokenReads, type TokenCandidate } from './token-read-model.ts';

/**
 * The token path's reads: prepared once, and cached while the change feed is live (and the cache
 * is on). Cached rows keep their tokens sealed; an account, config or tenant change announced
 * anywhere drops what it touches.
 */
export function createTokenReads(
  db: Db,
  changes: Pick<ChangeFeed, 'live' | 'subscribe'>,
  limits: { enabled: boolean; maxEntries: number; maxAgeMs: number },
) {
  const reads = preparedTokenReads(db);
  const cache = new InvalidatingCache<TokenCandidate | TokenCandidate[] | null>({
    max: limits.maxEntries,
    maxAgeMs: limits.maxAgeMs,
    isLive: () => limits.enabled && changes.live,
  });
  changes.subscribe({
    change(c) {
      if (c.kind === 'ca') {
        cache.invalidate(`ca:${c.id}`);
        cache.invalidate(`acl:${c.configId}`);
      } else if (c.kind === 'ac') cache.invalidate(`ac:${c.id}`);
      else if (c.kind === 'tn') cache.invalidate(`tn:${c.tenantId}`);
    },
    reset: () => cache.clear(),
  });

  const idKey = (tenantId: string, id: string) => `id:${tenantId}:${id}`;
  const ofKey = (
    tenantId: string,
    configId: string,
    sel: { userId?: string; accountId?: string },
  ) => `of:${tenantId}:${configId}:${sel.userId ?? ''}:${sel.accountId ?? ''}`;

  const tagsOf = (tenantId: string, c: TokenCandidate | null) =>
    c
      ? [`ca:${c.account.id}`, `ac:${c.account.authConfigId}`, `tn:${tenantId}`]
      : [`tn:${tenantId}`];

  /** One account with its config's status, provider and settings (undefined: not found). */
  async function tokenCandidate(tenantId: string, id: string) {
    const v = (await cache.fill(
      idKey(tenantId, id),
      (c) => [...tagsOf(tenantId, c as TokenCandidate | null), `ca:${id}`],
      async () => (await reads.byId(tenantId, id)) ?? null,
    )) as TokenCandidate | null;
    return v ?? undefined;
  }

  /** The accounts of a config (for a user, or one account id) with its status and provider. */
  async function tokenCandidates(
    tenantId: string,
    configId: string,
    sel: { userId?: string; accountId?: string },
  ) {
    return (await cache.fill(
      ofKey(tenantId, configId, sel),
      (rows) => [
        `acl:${configId}`,
        `ac:${configId}`,
        `tn:${tenantId}`,
        ...(rows as TokenCandidate[]).map((r) => `ca:${r.account.id}`),
      ],
      () => reads.ofConfig(tenantId, configId, sel),
    )) as TokenCandidate[];
  }

  /**
   * From memory alone: the account (null: known not to exist), or undefined when the cache cannot
   * answer (not cached, or the feed not live); then `tokenCandidate`. A hit costs no promise.
   */
  function cachedCandidate(tenantId: string, id: string): TokenCandidate | null | undefined {
    return cache.get(idKey(tenantId, id))?.value as TokenCandidate | null | undefined;
  }

  /** From memory alone, as `cachedCandidate`: the accounts `tokenCandidates` would read. */
  function cachedCandidates(
    tenantId: string,
    configId: string,
    sel: { userId?: string; accountId?: string },
  ): TokenCandidate[] | undefined {
    return cache.get(ofKey(tenantId, configId, sel))?.value as TokenCandidate[] | undefined;
  }

  return { tokenCandidate, tokenCandidates, cachedCandidate, cachedCandidates };
}

export type TokenReads = ReturnType<typeof createTokenReads>;
