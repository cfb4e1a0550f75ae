// The emulator's tiny JQL: `project = KEY` filters and `ORDER BY created [ASC|DESC]` sorts (default:
// oldest first). Every other clause is ignored, so a query without `project = KEY` returns all of the
// site's issues. Plus the `fields` selector and the opaque nextPageToken of the enhanced search.
import { createHash } from 'node:crypto';
import type { Issue } from './content.ts';

const PROJECT = /\bproject\s*=\s*(?:"([^"]*)"|'([^']*)'|([A-Za-z][A-Za-z0-9_]*))/i;
const ORDER_BY_CREATED = /\border\s+by\s+created(?:\s+(asc|desc))?\s*$/i;

export function runJql(jql: string, issues: Issue[]): Issue[] {
  let out = issues;
  const project = PROJECT.exec(jql);
  if (project) {
    const key = (project[1] ?? project[2] ?? project[3] ?? '').toUpperCase();
    out = out.filter((i) => i.projectKey === key);
  }
  out = [...out].sort((a, b) => a.created - b.created || a.seq - b.seq);
  if (ORDER_BY_CREATED.exec(jql)?.[1]?.toLowerCase() === 'desc') out.reverse();
  return out;
}

/** Which of an issue's fields to return: names, `*all`/`*navigable`, `-name` to exclude. */
export type FieldSelector = (field: string) => boolean;

export function fieldSelector(fields: unknown, defaultAll: boolean): FieldSelector {
  if (fields === undefined || fields === null) return () => defaultAll;
  const list = (Array.isArray(fields) ? fields : [fields])
    .flatMap((f) => String(f).split(','))
    .map((f) => f.trim())
    .filter(Boolean);
  const all = list.includes('*all') || list.includes('*navigable');
  const include = new Set(list.filter((f) => !f.startsWith('-')));
  const exclude = new Set(list.filter((f) => f.startsWith('-')).map((f) => f.slice(1)));
  return (f) => !exclude.has(f) && (all || include.has(f));
}

function queryTag(jql: string): string {
  return createHash('sha256').update(jql).digest('base64url').slice(0, 16);
}

/** The token of the page starting at `offset`; it is only valid for the same JQL. */
export function pageToken(offset: number, jql: string): string {
  return Buffer.from(JSON.stringify({ o: offset, q: queryTag(jql) })).toString('base64url');
}

/** The offset a token stands for, or undefined when it is not one of ours for this JQL. */
export function readPageToken(token: unknown, jql: string): number | undefined {
  if (typeof token !== 'string') return undefined;
  try {
    const t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {
      o?: unknown;
      q?: unknown;
    };
    if (!Number.isInteger(t.o) || (t.o as number) < 0 || t.q !== queryTag(jql)) return undefined;
    return t.o as number;
  } catch {
    return undefined;
  }
}
