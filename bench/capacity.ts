// Capacity: refresh work with use-driven refresh (`on_use`) beside `always`, on PostgreSQL, over a
// simulated 48 h (5% of accounts used per day, tokens spread over the hour) and a 100-day idle
// stretch. The worker's own due selection (leases.claimDue) and the audit flush's use recording
// (accountUses.record) run for real; the provider is a fake that answers every refresh at once
// (1-hour tokens, Atlassian's 90-day inactivity limit), and the refresh write applies the vault's
// scheduling rule (nextRefreshAt / keepAliveAt, warm when used within REFRESH_WARM_HOURS or
// `always`) in one statement per batch instead of one per row, so that millions of simulated
// refreshes fit in minutes. See docs/capacity.md.
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import type { Db } from '../src/db/client.ts';
import type { AccountRow } from '../src/db/schema/index.ts';
import { migrate } from '../src/db/migrate.ts';
import * as schema from '../src/db/schema/index.ts';
import { createDeps } from '../src/deps.ts';
import { commandChange } from '../src/features/audit/context.ts';
import { createAccountUses } from '../src/features/connected-accounts/uses.ts';
import { createLogger } from '../src/lib/logger.ts';
import { keepAliveAt, nextRefreshAt } from '../src/lib/schedule.ts';
import { stats, type Stats } from './idle-tick.ts';
import { benchConfig, pgDatabase, type BenchDb } from './lib/db.ts';

const H = 3_600_000;
const DAY = 24 * H;
const AHEAD_S = 600;
const WARM_MS = 24 * H;
const INACTIVITY_MS = 90 * DAY;
const KEEP_ALIVE_DAYS = 30;
const POLICIES = ['always', 'on_use'] as const;
type Policy = (typeof POLICIES)[number];

export interface PolicyFigures {
  accounts: number;
  /** provider refresh calls over the 48 h */
  calls: number;
  scheduled: number;
  onDemand: number;
  callsPerDay: number;
  callsPerAccountPerDay: number;
  /** the most refreshes one 30-s tick made, per second */
  peakPerSec: number;
  requests: number;
  /** requests that waited on a refresh: all of them, and those for an account used in the window */
  waited: number;
  warmWaited: number;
  lostToInactivity: number;
}

export interface CapacityResult {
  accounts: number;
  usedShare: number;
  hours: number;
  tickSeconds: number;
  seedS: number;
  simulateS: number;
  policies: Record<Policy, PolicyFigures>;
  /** on_use calls / always calls over the 48 h */
  ratio: number;
  idle: { days: number; calls: number; callsPerAccount: number; lostToInactivity: number };
  /** the worker's due query when nothing is due, at the end of the 48 h (wall, ms) */
  claimNothingDueMs: Stats;
  rowsBytes: { table: number; dueIndex: number };
}

/** Deterministic pseudo-random in [0, 1) from integers (the seed and the usage plan). */
const hash01 = (a: number, b: number) => {
  let x = (a * 2654435761 + b * 40503 + 12345) >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 2246822507) >>> 0;
  x ^= x >>> 13;
  return (x >>> 0) / 4294967296;
};

export async function capacityBench(o: {
  db: BenchDb;
  accounts: number;
  usedShare?: number;
  hours?: number;
  idleDays?: number;
  log: (s: string) => void;
}): Promise<CapacityResult> {
  const usedShare = o.usedShare ?? 0.05;
  const hours = o.hours ?? 48;
  const idleDays = o.idleDays ?? 100;
  const tickS = 30;
  const pool = new pg.Pool({ connectionString: o.db.url, max: 4 });
  const db = drizzle(pool, { schema }) as unknown as Db;
  const database = pgDatabase(pool, db);
  try {
    const config = benchConfig(o.db.url!);
    const deps = await createDeps(config, { database, logger: createLogger('warn') });
    await migrate(database);
    const { tenants, authConfigs, leases, auditWriter } = deps.services;
    const uses = createAccountUses({ db, refreshAheadSeconds: AHEAD_S, warmHours: 24 });
    const setup = (action: string) =>
      commandChange(action, { type: 'bench', id: null, tenantId: null });
    const tenant = await tenants.createTenant('capacity bench', setup('bench tenant'));
    const configOf = new Map<string, Policy>();
    const t0 = Math.floor(Date.now() / 1000) * 1000;
    const seedStart = performance.now();
    const dummy = `v1.dk_x.${'A'.repeat(16)}.${'B'.repeat(64)}.${'C'.repeat(22)}`;
    for (const [p, policy] of POLICIES.entries()) {
      const cfg = await authConfigs.create(
        tenant.id,
        {
          name: `capacity ${policy}`,
          provider: 'atlassian',
          client_id: `capacity-${policy}`,
          client_secret: 'capacity-bench-secret',
          scopes: ['read:jira-work'],
          refresh_policy: policy,
        },
        setup('bench auth config'),
      );
      configOf.set(cfg.id, policy);
      o.log(`  seeding ${o.accounts} ${policy} accounts (tokens spread over the hour)`);
      // Connected 1–60 days ago; each token has 0–60 min left; due 10–12 min before expiry.
      await pool.query(
        `insert into connected_accounts (id, tenant_id, auth_config_id, user_id, status, sites,
           granted_scopes, access_token_enc, refresh_token_enc, token_type, expires_at,
           token_lifetime_seconds, generation, connected_at, last_refreshed_at, family_expires_at,
           next_refresh_at)
         select 'ca_' || $5 || lpad(g::text, 25, '0'), $1, $2, 'user-' || g, 'ACTIVE', '[]'::jsonb,
           '{read:jira-work}', $3, $3, 'Bearer', e, 3600, 1, c, e - interval '1 hour',
           c + interval '365 days', e - (600 + 120 * random()) * interval '1 second'
         from generate_series(1, $4::int) g,
           lateral (select $6::timestamptz + (g % 3600) * interval '1 second' as e,
                           $6::timestamptz - (1 + g % 60) * interval '1 day' as c) x`,
        [tenant.id, cfg.id, dummy, o.accounts, p, new Date(t0)],
      );
    }
    await pool.query('vacuum analyze connected_accounts');
    const seedS = (performance.now() - seedStart) / 1000;

    const figures = Object.fromEntries(
      POLICIES.map((p) => [
        p,
        {
          accounts: o.accounts,
          calls: 0,
          scheduled: 0,
          onDemand: 0,
          callsPerDay: 0,
          callsPerAccountPerDay: 0,
          peakPerSec: 0,
          requests: 0,
          waited: 0,
          warmWaited: 0,
          lostToInactivity: 0,
        },
      ]),
    ) as Record<Policy, PolicyFigures>;
    let counting: Record<Policy, PolicyFigures> | null = figures;
    const idle = { days: idleDays, calls: 0, callsPerAccount: 0, lostToInactivity: 0 };

    /**
     * The fake provider and the refresh write: every row gets a new 1-hour token and its next due
     * time by the vault's rule; a refresh token unused for 90 days is dead (lost).
     */
    async function refresh(rows: AccountRow[], now: number, scheduled: boolean) {
      const ids: string[] = [];
      const next: string[] = [];
      const dead: string[] = [];
      const perTick = { always: 0, on_use: 0 } as Record<Policy, number>;
      for (const r of rows) {
        const policy = configOf.get(r.authConfigId)!;
        const last = (r.lastRefreshedAt ?? r.connectedAt)!.getTime();
        if (now - last > INACTIVITY_MS) {
          dead.push(r.id);
          if (counting) counting[policy].lostToInactivity++;
          else idle.lostToInactivity++;
          continue;
        }
        perTick[policy]++;
        if (counting) {
          counting[policy].calls++;
          if (scheduled) counting[policy].scheduled++;
          else counting[policy].onDemand++;
        } else idle.calls++;
        const at = new Date(now);
        const expires = new Date(now + H);
        const warm =
          !scheduled ||
          policy === 'always' ||
          (r.lastUsedAt !== null && now - r.lastUsedAt.getTime() < WARM_MS);
        ids.push(r.id);
        next.push(
          (warm
            ? nextRefreshAt(at, expires, AHEAD_S)!
            : keepAliveAt(at, KEEP_ALIVE_DAYS, r.familyExpiresAt)
          ).toISOString(),
        );
      }
      if (ids.length) {
        await pool.query(
          `update connected_accounts c set expires_at = $3::timestamptz + interval '1 hour',
             last_refreshed_at = $3, next_refresh_at = u.next, generation = c.generation + 1,
             lease_owner = null, lease_expires_at = null, refresh_failures = 0
           from unnest($1::text[], $2::timestamptz[]) as u(id, next) where c.id = u.id`,
          [ids, next, new Date(now)],
        );
      }
      if (dead.length) {
        await pool.query(
          `update connected_accounts set status = 'EXPIRED', status_reason = 'refresh_token_invalid',
             lease_owner = null, lease_expires_at = null where id = any($1::text[])`,
          [dead],
        );
      }
      return perTick;
    }

    /** One worker tick at `now`: claim due rows in batches until none is due. */
    async function tick(now: number) {
      const made = { always: 0, on_use: 0 } as Record<Policy, number>;
      for (;;) {
        const { rows } = await leases.claimDue(
          'capacity',
          new Date(now),
          new Date(now + 60_000),
          1000,
        );
        if (rows.length === 0) break;
        const n = await refresh(rows, now, true);
        made.always += n.always;
        made.on_use += n.on_use;
      }
      return made;
    }

    // The usage plan: each day 5% of each policy's accounts are used, three times 20 min apart
    // from a moment spread over the day (the same accounts and moments under both policies).
    const idsOf = (p: number, g: number) => `ca_${p}${String(g).padStart(25, '0')}`;
    function plan(day: number): { at: number; p: number; g: number }[] {
      const out: { at: number; p: number; g: number }[] = [];
      for (let g = 1; g <= o.accounts; g++) {
        if (hash01(g, day) >= usedShare) continue;
        const start = t0 + day * DAY + Math.floor(hash01(g, day + 1000) * DAY);
        for (let k = 0; k < 3; k++)
          for (let p = 0; p < 2; p++) out.push({ at: start + k * 20 * 60_000, p, g });
      }
      return out.sort((a, b) => a.at - b.at);
    }

    /** Token requests (min_ttl 60) at `now`: a stored token that falls short is refreshed first. */
    async function requests(batch: { p: number; g: number }[], now: number) {
      if (!batch.length) return;
      const ids = [...new Set(batch.map((b) => idsOf(b.p, b.g)))];
      const rows = (await db.query.connectedAccounts.findMany({
        where: (ca, { inArray }) => inArray(ca.id, ids),
      })) as AccountRow[];
      const short: AccountRow[] = [];
      for (const r of rows) {
        const policy = configOf.get(r.authConfigId)!;
        figures[policy].requests++;
        if (r.status !== 'ACTIVE') continue;
        if (!r.expiresAt || r.expiresAt.getTime() < now + 60_000) {
          figures[policy].waited++;
          if (r.lastUsedAt && now - r.lastUsedAt.getTime() < WARM_MS) figures[policy].warmWaited++;
          short.push(r);
        }
      }
      if (short.length) await refresh(short, now, false);
      // The audit flush's statement: last_used_at, and idle accounts warm again.
      await uses.record(
        rows.map((r) => ({ tenantId: r.tenantId, accountId: r.id, at: new Date(now) })),
      );
    }

    o.log(`  simulating ${hours} h in ${tickS}-s ticks`);
    const simStart = performance.now();
    const end = t0 + hours * H;
    let events = plan(0);
    let day = 0;
    let i = 0;
    for (let now = t0; now < end; now += tickS * 1000) {
      if (now >= t0 + (day + 1) * DAY) {
        day++;
        events = plan(day);
        i = 0;
      }
      const due: { p: number; g: number }[] = [];
      while (i < events.length && events[i]!.at <= now) due.push(events[i++]!);
      await requests(due, now);
      const made = await tick(now);
      for (const p of POLICIES)
        figures[p].peakPerSec = Math.max(figures[p].peakPerSec, made[p] / tickS);
    }
    for (const p of POLICIES) {
      figures[p].callsPerDay = figures[p].calls / (hours / 24);
      figures[p].callsPerAccountPerDay = figures[p].callsPerDay / o.accounts;
    }
    // The due query with nothing due: just after the last tick.
    const claimWall: number[] = [];
    for (let k = 0; k < 50; k++) {
      const s = performance.now();
      const { rows } = await leases.claimDue(
        'capacity',
        new Date(end - tickS * 1000),
        new Date(end),
        1000,
      );
      claimWall.push(performance.now() - s);
      if (rows.length) throw new Error('the nothing-due probe claimed rows');
    }
    const [sizes] = (
      await pool.query(
        `select pg_total_relation_size('connected_accounts')::float8 as t,
                pg_relation_size('connected_accounts_due_idx')::float8 as i`,
      )
    ).rows as [{ t: number; i: number }];

    // The idle stretch: no use at all for 100 days, ticks every 10 minutes; `always` accounts are
    // left out (24 refreshes a day each, as above).
    o.log(`  idle stretch: ${idleDays} days without use (on_use accounts)`);
    await pool.query(
      `update connected_accounts set status = 'DISABLED' where auth_config_id in (
         select id from auth_configs where refresh_policy = 'always')`,
    );
    counting = null;
    for (let now = end; now < end + idleDays * DAY; now += 10 * 60_000) await tick(now);
    const [{ n }] = (
      await pool.query(
        `select count(*)::int as n from connected_accounts
          where status = 'ACTIVE' and coalesce(last_refreshed_at, connected_at) < $1`,
        [new Date(end + idleDays * DAY - INACTIVITY_MS)],
      )
    ).rows as [{ n: number }];
    idle.lostToInactivity += n;
    idle.callsPerAccount = idle.calls / o.accounts;
    await auditWriter.stop();
    return {
      accounts: o.accounts,
      usedShare,
      hours,
      tickSeconds: tickS,
      seedS,
      simulateS: (performance.now() - simStart) / 1000,
      policies: figures,
      ratio: figures.on_use.calls / Math.max(figures.always.calls, 1),
      idle,
      claimNothingDueMs: stats(claimWall),
      rowsBytes: { table: sizes.t, dueIndex: sizes.i },
    };
  } finally {
    await pool.end();
  }
}

const f = (n: number, d = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

/** The part's lines in the bench report. */
export function renderCapacity(c: CapacityResult): string[] {
  const row = (p: Policy) => {
    const x = c.policies[p];
    return `  ${p.padEnd(7)} calls ${f(x.calls)} (${f(x.scheduled)} ahead, ${f(x.onDemand)} on demand) = ${f(x.callsPerDay)}/day = ${f(x.callsPerAccountPerDay, 2)} per account per day; peak ${f(x.peakPerSec, 1)} refreshes/s; requests ${f(x.requests)}, waited ${f(x.waited)} (warm ${f(x.warmWaited)}); lost to inactivity ${f(x.lostToInactivity)}`;
  };
  return [
    '',
    `CAPACITY (${f(c.accounts)} accounts per policy, ${c.usedShare * 100}% used per day, ${c.hours} h in ${c.tickSeconds}-s ticks; seeded in ${f(c.seedS, 1)} s, simulated in ${f(c.simulateS, 0)} s)`,
    row('always'),
    row('on_use'),
    `  on_use / always provider calls: ${f(c.ratio, 3)} (1/${f(1 / c.ratio, 1)})`,
    `  idle stretch (on_use, ${c.idle.days} days unused): ${f(c.idle.calls)} keep-alive refreshes = ${f(c.idle.callsPerAccount, 2)} per account; lost to inactivity ${f(c.idle.lostToInactivity)}`,
    `  due query with nothing due (${f(2 * c.accounts)} rows): wall p50 ${f(c.claimNothingDueMs.median, 2)} ms, p99 ${f(c.claimNothingDueMs.p99, 2)} ms; table ${f(c.rowsBytes.table / 1e6, 1)} MB, due index ${f(c.rowsBytes.dueIndex / 1e6, 1)} MB`,
  ];
}
