import { LRUCache } from 'lru-cache';

/**
 * A bounded (LRU) in-process cache whose entries carry tags; an announced change drops every entry
 * with its tag. It serves only while its change feed is `live` (fail closed), entries also expire
 * after `maxAgeMs` (a backstop for a missed announcement), and a value read from the database
 * while a change to it was being announced is not stored (the fill race).
 */
export class InvalidatingCache<V extends object | null> {
  private readonly lru: LRUCache<string, { value: V; tags: string[] }>;
  /** tag → the key (most tags name one entry: no Set for those) or the keys carrying it */
  private readonly byTag = new Map<string, string | Set<string>>();
  /** the sequence number of each tag's latest invalidation (bounded; `floor` covers the rest) */
  private readonly invalidatedAt = new Map<string, number>();
  private seq = 0;
  private floor = 0;

  constructor(private readonly opts: { max: number; maxAgeMs: number; isLive: () => boolean }) {
    this.lru = new LRUCache({
      max: opts.max,
      ttl: opts.maxAgeMs,
      dispose: (entry, key) => {
        for (const t of entry.tags) {
          const keys = this.byTag.get(t);
          if (keys === key) this.byTag.delete(t);
          else if (typeof keys === 'object') {
            keys.delete(key);
            if (keys.size === 0) this.byTag.delete(t);
          }
        }
      },
    });
  }

  get size() {
    return this.lru.size;
  }

  /** The cached value, or undefined (not cached, expired, or the feed is not live). */
  get(key: string): { readonly value: V } | undefined {
    if (!this.opts.isLive()) return undefined;
    // the stored entry itself (its value and tags): no object per hit
    return this.lru.get(key);
  }

  /**
   * The cached value, or `load()`'s — stored unless one of its tags changed meanwhile (`tags` may
   * depend on the value: an account's config is known once the account is read).
   */
  async fill(
    key: string,
    tags: string[] | ((v: V) => string[]),
    load: () => Promise<V>,
  ): Promise<V> {
    const hit = this.get(key);
    if (hit) return hit.value;
    const start = this.seq;
    const value = await load();
    const t = typeof tags === 'function' ? tags(value) : tags;
    const changed = t.some((x) => (this.invalidatedAt.get(x) ?? this.floor) > start);
    if (this.opts.isLive() && !changed) this.set(key, t, value);
    return value;
  }

  private set(key: string, tags: string[], value: V) {
    this.lru.set(key, { value, tags });
    for (const t of tags) {
      const keys = this.byTag.get(t);
      if (keys === undefined) this.byTag.set(t, key);
      else if (typeof keys === 'string') {
        if (keys !== key) this.byTag.set(t, new Set([keys, key]));
      } else keys.add(key);
    }
  }

  /** Drops every entry tagged `tag`, and refuses fills of it that started before now. */
  invalidate(tag: string) {
    this.seq++;
    if (this.invalidatedAt.size >= this.opts.max) {
      this.invalidatedAt.clear();
      this.floor = this.seq;
    }
    this.invalidatedAt.set(tag, this.seq);
    const keys = this.byTag.get(tag);
    if (typeof keys === 'string') this.lru.delete(keys);
    else if (keys) for (const key of [...keys]) this.lru.delete(key);
  }

  /** Drops everything (the feed resubscribed: changes may have been missed). */
  clear() {
    this.seq++;
    this.floor = this.seq;
    this.invalidatedAt.clear();
    this.lru.clear();
    this.byTag.clear();
  }
}
