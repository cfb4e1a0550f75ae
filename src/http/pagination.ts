import { decodeCursor, encodeCursor } from '../lib/cursor.ts';

/**
 * What a list query asks of a repo: `limit` rows (one more than the page, to know whether there is
 * a next one) after the cursor's id (before it, for newest-first lists).
 */
export interface PageRequest {
  limit: number;
  cursor?: string;
}

/** The one way to page: decode the cursor, fetch limit+1 rows, answer a page and its next cursor. */
export async function paginate<T extends { id: string }, O>(
  query: { limit?: number; cursor?: string },
  fetch: (page: PageRequest) => Promise<T[]>,
  view: (row: T) => O,
): Promise<{ data: O[]; next_cursor: string | null }> {
  const limit = query.limit ?? 50;
  const rows = await fetch({ limit: limit + 1, cursor: decodeCursor(query.cursor) });
  const more = rows.length > limit;
  const items = more ? rows.slice(0, limit) : rows;
  const last = items[items.length - 1];
  return { data: items.map(view), next_cursor: more && last ? encodeCursor(last.id) : null };
}
