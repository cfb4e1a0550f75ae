import type { ChangeFeed } from '../../db/changes.ts';
import type { Db } from '../../db/client.ts';
import type { TrustedIssuerRow } from '../../db/schema/index.ts';
import { InvalidatingCache } from '../../lib/invalidating-cache.ts';
import * as repo from './repo.ts';

type Entry = { row: TrustedIssuerRow | null } | { rows: TrustedIssuerRow[] };

/**
 * The issuer lookups of the token exchange and of proxy tokens, cached while the change feed is
 * live: an issuer created, changed, disabled or deleted through any replica is announced (its
 * trigger, migration 0015) and drops every cached lookup of its tenant here, so a revocation is
 * honoured within the feed's second. Issuers change rarely; their lookups are many.
 */
export function createIssuerDirectory(
  db: Db,
  changes: Pick<ChangeFeed, 'live' | 'subscribe'>,
  limits: { maxEntries: number; maxAgeMs: number },
) {
  const cache = new InvalidatingCache<Entry>({
    max: Math.max(1_000, Math.ceil(limits.maxEntries / 10)),
    maxAgeMs: limits.maxAgeMs,
    isLive: () => changes.live,
  });
  changes.subscribe({
    change(c) {
      if (c.kind === 'ti' || c.kind === 'tn') {
        cache.invalidate(`tis:${c.tenantId}`);
        // an announcement does not say which iss changed: lookups across tenants go too
        cache.invalidate('ti-any');
      }
    },
    reset: () => cache.clear(),
  });

  async function one(
    key: string,
    tenantId: string,
    load: () => Promise<TrustedIssuerRow | undefined>,
  ) {
    const e = await cache.fill(key, [`tis:${tenantId}`], async () => ({
      row: (await load()) ?? null,
    }));
    return 'row' in e ? (e.row ?? undefined) : undefined;
  }

  return {
    /** An issuer by id (proxy tokens name theirs). */
    byId: (tenantId: string, id: string) =>
      one(`id:${tenantId}:${id}`, tenantId, () => repo.getIssuer(db, tenantId, id)),
    /** The tenant's issuer of `kind` whose tokens carry `iss`. */
    byIssuer: (tenantId: string, kind: 'user' | 'workload', iss: string) =>
      one(`iss:${tenantId}:${kind}:${iss}`, tenantId, () =>
        repo.findIssuer(db, tenantId, kind, iss),
      ),
    /** Workload issuers with `iss` in any tenant (an exchange authenticated by its token alone). */
    async workloadIssuers(iss: string): Promise<TrustedIssuerRow[]> {
      const e = await cache.fill(`any:${iss}`, ['ti-any'], async () => ({
        rows: await repo.findWorkloadIssuersAnyTenant(db, iss),
      }));
      return 'rows' in e ? e.rows : [];
    },
  };
}

export type IssuerDirectory = ReturnType<typeof createIssuerDirectory>;
