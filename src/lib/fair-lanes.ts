/**
 * A pool of lanes shared fairly between keys (tenants): the refresh worker and the API-token checks
 * run their claimed rows through it. One key never holds more than `perKey` lanes, a lane never
 * starts an item whose key has no outbound room while another key's item could run, and when the
 * items in hand are all held back the pool asks for more work of the other keys before anyone
 * waits — so one tenant whose provider hangs slows only itself, and the others' due work is done
 * in the same run.
 */
export interface FairLanes<T> {
  lanes: number;
  /** at most this many items of one key run at once */
  perKey: number;
  keyOf(item: T): string;
  /** false while an item of this key would only wait for outbound room (others go first) */
  ready?(key: string): boolean;
  /** runs one item; a rejection ends the run (after the items under way) with that error */
  run(item: T): Promise<void>;
  /**
   * More items, none of the keys in `exclude` (they cannot start more now); `last` when fewer than
   * a full batch were due, i.e. nothing more is due outside `exclude`.
   */
  more?(exclude: string[]): Promise<{ items: T[]; last: boolean }>;
  /** true once nothing more should start (time budget spent, shutting down) */
  stop?(): boolean;
}

/** The share of lanes one key may hold: half, so the other keys always keep the other half. */
export const laneShare = (lanes: number) => Math.max(1, Math.ceil(lanes / 2));

/**
 * Runs `first` and whatever `more` brings until nothing is left or `stop()` turns true. Resolves
 * with the items it did not start (claimed work the caller should hand back).
 */
export function runFairly<T>(first: T[], o: FairLanes<T>): Promise<T[]> {
  const pending = [...first];
  const running = new Map<string, number>();
  let active = 0;
  let fetching = false;
  // The keys left out of the last fetch that found nothing more: asking again only helps once one
  // of them is no longer left out.
  let dryExcluding: Set<string> | null = null;
  let failure: { err: unknown } | undefined;
  let settled = false;
  const stopped = () => failure !== undefined || (o.stop?.() ?? false);

  return new Promise<T[]>((resolve, reject) => {
    const underShare = (k: string) => (running.get(k) ?? 0) < o.perKey;
    const canStart = (k: string) => underShare(k) && (o.ready?.(k) ?? true);

    /** Keys that cannot start another item now: at their share, without room, or with items waiting. */
    function heldKeys(): string[] {
      const held = new Set(pending.map(o.keyOf));
      for (const k of running.keys()) if (!canStart(k)) held.add(k);
      return [...held];
    }

    const mayFetch = (exclude: string[]) => {
      if (!o.more || fetching) return false;
      if (!dryExcluding) return true;
      const now = new Set(exclude);
      return [...dryExcluding].some((k) => !now.has(k));
    };

    function start(item: T) {
      const k = o.keyOf(item);
      active++;
      running.set(k, (running.get(k) ?? 0) + 1);
      Promise.resolve()
        .then(() => o.run(item))
        .catch((err: unknown) => {
          failure ??= { err };
        })
        .finally(() => {
          active--;
          const n = running.get(k)! - 1;
          if (n > 0) running.set(k, n);
          else running.delete(k);
          pump();
        });
    }

    function fetch(exclude: string[]) {
      fetching = true;
      o.more!(exclude)
        .then(({ items, last }) => {
          pending.push(...items);
          dryExcluding = last ? new Set(exclude) : null;
        })
        .catch((err: unknown) => {
          failure ??= { err };
        })
        .finally(() => {
          fetching = false;
          pump();
        });
    }

    function pump() {
      if (settled) return;
      while (active < o.lanes && !stopped()) {
        const ready = pending.findIndex((it) => canStart(o.keyOf(it)));
        if (ready >= 0) {
          start(pending.splice(ready, 1)[0]!);
          continue;
        }
        if (fetching) break;
        const exclude = heldKeys();
        if (mayFetch(exclude)) {
          fetch(exclude);
          break;
        }
        // Nothing else to do: an item whose tenant's outbound slots are taken elsewhere (API
        // calls) waits for them, within its share.
        const waiting = pending.findIndex((it) => underShare(o.keyOf(it)));
        if (waiting >= 0) {
          start(pending.splice(waiting, 1)[0]!);
          continue;
        }
        break;
      }
      if (active === 0 && !fetching) {
        settled = true;
        if (failure) reject(failure.err);
        else resolve(pending.splice(0));
      }
    }

    pump();
  });
}
