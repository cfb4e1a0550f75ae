// `audit`: the audit trail, one page at a time (`list`) or followed as it grows (`tail`).
import { VaultError } from '../../errors.js';
import type { AuditEvent, AuditEventListQuery } from '../../types.js';
import { intFlag } from '../args.js';
import { command, group, type Options, type Values } from '../command.js';
import { fetchList, PAGE_OPTIONS, printPage } from '../common.js';
import { UsageError } from '../exit.js';
import { cell } from '../output.js';

const FILTERS = {
  action: {
    type: 'string',
    value: '<action>',
    help: "only this action, e.g. 'POST /v1/auth-configs'",
  },
  resource: { type: 'string', value: '<id>', help: 'only events about this resource id' },
  'actor-key': { type: 'string', value: '<key_…>', help: 'only what this key did' },
  since: { type: 'string', value: '<date>', help: 'only events at or after this ISO 8601 time' },
} as const satisfies Options;

function date(value: string | undefined, flag: string): string | undefined {
  if (value === undefined) return undefined;
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new UsageError(`--${flag} must be an ISO 8601 date-time`);
  return new Date(t).toISOString();
}

function query(v: Values<typeof FILTERS>): AuditEventListQuery {
  return {
    action: v.action,
    resource_id: v.resource,
    actor_key_id: v['actor-key'],
    since: date(v.since, 'since'),
  };
}

/** One event on one line: when, what, on what, by whom, from where (and how many times). */
function line(e: AuditEvent): string {
  const actor = e.actor_key_id
    ? `${e.actor_key_id}${e.actor_role ? `(${e.actor_role})` : ''}`
    : (e.actor_role ?? '-');
  const what = `${e.resource_type}${e.resource_id ? `/${e.resource_id}` : ''}`;
  const details = Object.keys(e.details).length ? ` ${JSON.stringify(e.details)}` : '';
  return `${e.created_at}  ${e.action}${e.count > 1 ? ` ×${e.count}` : ''}  ${what}  by ${actor}  from ${cell(e.ip)}${details}`;
}

const chronological = (a: AuditEvent, b: AuditEvent) =>
  a.created_at === b.created_at ? (a.id < b.id ? -1 : 1) : a.created_at < b.created_at ? -1 : 1;

const list = command({
  summary: 'List audit events, newest first (one page of 50 unless --limit)',
  options: {
    ...FILTERS,
    until: { type: 'string', value: '<date>', help: 'only events at or before this time' },
    ...PAGE_OPTIONS,
  },
  async run(ctx, { values: v }) {
    const q = { ...query(v), until: date(v.until, 'until') };
    const page = await fetchList(ctx.vault().auditEvents, q, v, 50);
    printPage(
      ctx,
      page,
      [
        { header: 'TIME', value: (e) => e.created_at },
        { header: 'ACTION', value: (e) => (e.count > 1 ? `${e.action} ×${e.count}` : e.action) },
        {
          header: 'RESOURCE',
          value: (e) => `${e.resource_type}${e.resource_id ? `/${e.resource_id}` : ''}`,
        },
        { header: 'ACTOR', value: (e) => e.actor_key_id ?? e.actor_role },
        { header: 'IP', value: (e) => e.ip },
        { header: 'ID', value: (e) => e.id },
      ],
      'audit events',
    );
  },
});

/**
 * Token reads are counted per key, account and minute, so a row can grow after it was printed, and
 * rows are stamped when their change began (a slow transaction lands a little in the past). Each
 * poll therefore reads back this far before the newest row seen, and prints what is new or grew.
 */
const LOOK_BACK_MS = 120_000;

const tail = command({
  summary: 'Follow the audit trail: the last events, then new ones as they happen',
  description: [
    'Prints the newest events (-n), then polls for new ones until Ctrl-C (exit 0). With --json',
    'each event is one line of JSON. A token-read row counts reads per key, account and minute;',
    'it is printed again when its count grows. Transient errors (vault restarting) are retried.',
  ].join('\n'),
  options: {
    ...FILTERS,
    lines: {
      type: 'string',
      short: 'n',
      value: '<n>',
      help: 'start with the last n events (default 10)',
    },
    interval: { type: 'string', value: '<seconds>', help: 'poll this often (default 2)' },
    'no-follow': { type: 'boolean', help: 'print the last events and stop' },
  },
  examples: [
    'credential-vault audit tail',
    "credential-vault audit tail --action 'DELETE /v1/api-keys/:id' --json | jq .",
  ],
  async run(ctx, { values: v }) {
    const n = intFlag(v.lines, 'lines', { min: 0, max: 200 }) ?? 10;
    const intervalText = v.interval ?? '2';
    const interval = Number(intervalText);
    if (!/^\d+(\.\d+)?$/.test(intervalText) || interval < 0.2 || interval > 3600) {
      throw new UsageError('--interval must be a number of seconds from 0.2 to 3600');
    }
    const q = query(v);
    const api = ctx.vault().auditEvents;
    const seen = new Map<string, { count: number; at: number }>();
    let newest = -Infinity;
    const show = (e: AuditEvent) => (ctx.json ? ctx.print(JSON.stringify(e)) : ctx.print(line(e)));
    const remember = (e: AuditEvent) => {
      const at = Date.parse(e.created_at);
      seen.set(e.id, { count: e.count, at });
      newest = Math.max(newest, at);
    };
    const fresh = (e: AuditEvent) => seen.get(e.id)?.count !== e.count;

    // The start: every event since --since, or the last n (what is read is known from then on).
    const first: AuditEvent[] = [];
    if (q.since !== undefined) for await (const e of api.list(q)) first.push(e);
    else first.push(...(await api.page({ ...q, limit: Math.max(n, 50) })).data);
    const shown = q.since !== undefined ? first : first.slice(0, n);
    first.forEach(remember);
    shown.sort(chronological).forEach(show);
    if (v['no-follow']) return;

    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    let wake: () => void = () => {};
    const stop = () => {
      stopped = true;
      clearTimeout(timer);
      wake();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    let failing = false;
    try {
      while (!stopped) {
        await new Promise<void>((r) => {
          wake = r;
          timer = setTimeout(r, interval * 1000);
        });
        if (stopped) break;
        try {
          const since = Number.isFinite(newest)
            ? new Date(newest - LOOK_BACK_MS).toISOString()
            : q.since;
          const batch: AuditEvent[] = [];
          if (since !== undefined) {
            for await (const e of api.list({ ...q, since })) batch.push(e);
          } else {
            batch.push(...(await api.page({ ...q, limit: 200 })).data);
          }
          const news = batch.filter(fresh).sort(chronological);
          news.forEach((e) => {
            remember(e);
            show(e);
          });
          for (const [id, s] of seen) if (s.at < newest - 2 * LOOK_BACK_MS) seen.delete(id);
          if (failing) ctx.io.err('audit tail: the vault answers again\n');
          failing = false;
        } catch (err) {
          if (!(err instanceof VaultError) || !err.retryable) throw err;
          if (!failing) ctx.io.err(`audit tail: ${err.code} (${err.detail ?? ''}); still trying\n`);
          failing = true;
        }
      }
    } finally {
      process.removeListener('SIGINT', stop);
      process.removeListener('SIGTERM', stop);
    }
  },
});

export const audit = group({
  summary: 'Read and follow the audit trail',
  children: { list, tail },
});
