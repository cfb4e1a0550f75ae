import type { Clock } from '../../lib/clock.ts';
import { IdSet } from '../../lib/id-set.ts';
import { idTimeMs } from '../../lib/ids.ts';

/**
 * What memory says of a presented key id: it belongs to a key that may authenticate ('present'),
 * to none ('absent'), or memory cannot tell ('unsure': not loaded yet, the change feed is down,
 * or the id is so new that its announcement may still be on its way).
 */
export type Screening = 'present' | 'absent' | 'unsure';

export interface KnownKeyIdsDeps {
  clock: Clock;
  /** whether the change feed is subscribed: the set is trusted only then */
  isLive: () => boolean;
  /** a page of the ids of unrevoked keys, in id order, after `after` */
  loadPage: (limit: number, after?: string) => Promise<string[]>;
  onError?: (err: unknown) => void;
  /**
   * How far from now an id's creation time may be for an unknown id to count as unsure: covers the
   * creating request's transaction, the announcement's delivery and clock skew between replicas.
   */
  graceMs?: number;
  pageSize?: number;
}

/**
 * The ids of every key that can authenticate, in memory (ids only, never secrets), so a made-up
 * key is refused without a database lookup. Loaded once the change feed is subscribed, reloaded
 * each time it re-subscribes (announcements may have been missed meanwhile), and kept current by
 * the `key` announcements, which every insert, update and delete of a key makes; it only ever
 * grows between loads (an announcement does not say whether the key was created or revoked), so it
 * holds every usable key's id and perhaps some revoked ones, which the lookup then refuses.
 */
export function createKnownKeyIds(deps: KnownKeyIdsDeps) {
  const graceMs = deps.graceMs ?? 5 * 60_000;
  const pageSize = deps.pageSize ?? 10_000;
  /** undefined until something asks for the set (a worker process never does) */
  let ids: IdSet | undefined;
  let complete = false;
  let generation = 0;
  let loading: Promise<void> = Promise.resolve();
  let retry: NodeJS.Timeout | undefined;
  let failures = 0;

  function reload() {
    const gen = ++generation;
    clearTimeout(retry);
    complete = false;
    const set = new IdSet('key_');
    ids = set;
    loading = (async () => {
      let after: string | undefined;
      for (;;) {
        const page = await deps.loadPage(pageSize, after);
        if (gen !== generation) return;
        for (const id of page) set.add(id);
        if (page.length < pageSize) break;
        after = page[page.length - 1];
      }
      complete = true;
      failures = 0;
    })().catch((err: unknown) => {
      if (gen !== generation) return;
      deps.onError?.(err);
      failures++;
      // While the feed is down its next subscription reloads anyway.
      retry = setTimeout(
        () => gen === generation && deps.isLive() && reload(),
        Math.min(30_000, 1_000 * 2 ** Math.min(failures - 1, 5)),
      );
      retry.unref();
    });
  }

  return {
    /** Starts tracking (once) and resolves when the current load has finished or failed. */
    load(): Promise<void> {
      if (!ids) reload();
      return loading;
    },
    get size() {
      return ids?.size ?? 0;
    },
    screen(id: string): Screening {
      if (!ids) {
        reload();
        return 'unsure';
      }
      if (!complete || !deps.isLive()) return 'unsure';
      if (ids.has(id)) return 'present';
      const age = deps.clock.now().getTime() - idTimeMs(id, 'key');
      return Math.abs(age) <= graceMs ? 'unsure' : 'absent';
    },
    /** A key was created, changed or deleted: its id may authenticate. */
    changed(id: string) {
      ids?.add(id);
    },
    /** The feed (re)subscribed: what was loaded may have missed changes. */
    reset() {
      if (ids) reload();
    },
  };
}

export type KnownKeyIds = ReturnType<typeof createKnownKeyIds>;
