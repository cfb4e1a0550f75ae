// Pieces several commands share: list paging, confirmations, how auth schemes differ.
import type { Page } from '../types.js';
import { intFlag } from './args.js';
import type { Options } from './command.js';
import type { Context } from './context.js';
import { CliError, UsageError } from './exit.js';
import { confirm } from './io.js';
import { table, type Column } from './output.js';

/** How each auth scheme is set up and connected; a scheme not listed is treated like 3LO. */
export interface SchemeTraits {
  /** the config holds a client secret (asked for on create) */
  clientSecret: boolean;
  /** the provider sends users back to the config's callback URL (printed first on create) */
  callback: boolean;
  /** each connected account carries an API token (asked for on connect) */
  accountToken: boolean;
}

const THREE_LEGGED: SchemeTraits = { clientSecret: true, callback: true, accountToken: false };
const SCHEMES: Record<string, SchemeTraits> = {
  oauth2_3lo: THREE_LEGGED,
  client_credentials: { clientSecret: true, callback: false, accountToken: false },
  api_token: { clientSecret: false, callback: false, accountToken: true },
};

export const schemeTraits = (scheme: string | undefined): SchemeTraits =>
  (scheme !== undefined && Object.hasOwn(SCHEMES, scheme) ? SCHEMES[scheme] : undefined) ??
  THREE_LEGGED;

/** Where each provider's console takes the callback URL; others get the generic wording. */
const CALLBACK_HINTS: Record<string, string> = {
  atlassian:
    'the Atlassian developer console (your app → Authorization → OAuth 2.0 (3LO) → Callback URL)',
  github: 'your GitHub App’s settings (Callback URL)',
};

export const callbackHint = (provider: string): string =>
  (Object.hasOwn(CALLBACK_HINTS, provider) ? CALLBACK_HINTS[provider] : undefined) ??
  'the provider’s settings of your OAuth app (its redirect URI)';

export const PAGE_OPTIONS = {
  limit: {
    type: 'string',
    value: '<n>',
    help: 'one page of at most n items (1–200) instead of every item',
  },
  cursor: {
    type: 'string',
    value: '<cursor>',
    help: 'the page that starts here (the next_cursor of the page before)',
  },
} as const satisfies Options;

interface Listable<T, Q> {
  list(query: Q): AsyncIterable<T>;
  page(query: Q & { limit?: number; cursor?: string }): Promise<Page<T>>;
}

/**
 * With --limit or --cursor one page, as the API answers it; otherwise every item, following
 * next_cursor (`defaultLimit`: one page of that size unless asked otherwise — for logs that grow).
 */
export async function fetchList<T, Q extends object>(
  api: Listable<T, Q>,
  query: Q,
  values: { limit?: string; cursor?: string },
  defaultLimit?: number,
): Promise<Page<T>> {
  const limit = intFlag(values.limit, 'limit', { min: 1, max: 200 }) ?? defaultLimit;
  if (limit !== undefined || values.cursor !== undefined) {
    return api.page({ ...query, limit, cursor: values.cursor });
  }
  const data: T[] = [];
  for await (const item of api.list(query)) data.push(item);
  return { data, next_cursor: null };
}

/** A page as a table (or its JSON); says so when it is empty and where the next page starts. */
export function printPage<T>(
  ctx: Context,
  page: Page<T>,
  columns: readonly Column<T>[],
  noun: string,
): void {
  if (ctx.json) return ctx.printJson(page);
  if (page.data.length === 0) ctx.note(`No ${noun}.`);
  else ctx.print(table(page.data, columns));
  if (page.next_cursor) ctx.note(`More: add --cursor ${page.next_cursor}`);
}

export const YES_OPTION = {
  yes: { type: 'boolean', short: 'y', help: 'do it without asking' },
} as const satisfies Options;

/** Asks before something that cannot be undone, unless --yes; without a terminal --yes is needed. */
export async function confirmOrYes(ctx: Context, yes: boolean | undefined, question: string) {
  if (yes) return;
  if (!ctx.io.stdin.isTTY) {
    throw new UsageError('this cannot be undone: pass --yes to confirm (stdin is not a terminal)');
  }
  if (!(await confirm(ctx.io, question)))
    throw new CliError('cancelled', 'cancelled; nothing changed');
}

/** Time left until an ISO date, in words ("9 min"), for hints. */
export function until(iso: string | null | undefined, now = Date.now()): string | undefined {
  if (!iso) return undefined;
  const s = Math.round((Date.parse(iso) - now) / 1000);
  if (!Number.isFinite(s)) return undefined;
  if (s <= 0) return 'now';
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  if (s < 172800) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86400)} days`;
}
