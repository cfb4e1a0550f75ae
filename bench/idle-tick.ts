// Idle worker tick over a large table: nothing due, 1M connected accounts. Runs the real worker tick
// (createDeps + worker.tick()) in-process against PostgreSQL, captures the SQL it issues, and measures
// database time with EXPLAIN (ANALYZE, BUFFERS) plus wall time of repeated calls.
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import type { Db } from '../src/db/client.ts';
import { migrate } from '../src/db/migrate.ts';
import * as schema from '../src/db/schema/index.ts';
import { createDeps } from '../src/deps.ts';
import { commandChange } from '../src/features/audit/context.ts';
import { createLogger } from '../src/lib/logger.ts';
import { benchConfig, pgDatabase, type BenchDb } from './lib/db.ts';

export interface Stats {
  median: number;
  p99: number;
  max: number;
}

export interface IdleStatement {
  sql: string;
  planningMs: Stats;
  executionMs: Stats;
  /** scan nodes of the plan, e.g. "Index Scan using connected_accounts_due_idx" */
  scans: string[];
  sharedHitBlocks: number;
  sharedReadBlocks: number;
}

export interface IdleTickResult {
  rows: number;
  activeRows: number;
  insertS: number;
  statements: IdleStatement[];
  /** sum over the tick's statements of median planning + execution time (ms) */
  dbMsPerTick: number;
  tickWallMs: Stats;
  claimWallMs: Stats;
  calls: number;
  /** every statement of one idle tick, abbreviated (including begin/commit) */
  issued: string[];
}

export function stats(xs: number[]): Stats {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] ?? 0;
  return { median: at(0.5), p99: at(0.99), max: s[s.length - 1] ?? 0 };
}

type PlanNode = {
  'Node Type': string;
  'Index Name'?: string;
  'Relation Name'?: string;
  Plans?: PlanNode[];
  'Shared Hit Blocks'?: number;
  'Shared Read Blocks'?: number;
};

function scans(n: PlanNode, out: string[] = []): string[] {
  if (/Scan/.test(n['Node Type'])) {
    out.push(
      `${n['Node Type']}${n['Index Name'] ? ` using ${n['Index Name']}` : ''} on ${n['Relation Name'] ?? '?'}`,
    );
  }
  for (const c of n.Plans ?? []) scans(c, out);
  return out;
}

async function explain(pool: pg.Pool, text: string, params: unknown[], calls: number) {
  const client = await pool.connect();
  const planning: number[] = [];
  const execution: number[] = [];
  let plan: PlanNode | undefined;
  try {
    for (let i = 0; i < calls; i++) {
      await client.query('begin');
      const r = await client.query(`explain (analyze, buffers, format json) ${text}`, params);
      await client.query('rollback');
      const out = (r.rows[0] as { 'QUERY PLAN': [Record<string, unknown>] })['QUERY PLAN'][0];
      planning.push(out['Planning Time'] as number);
      execution.push(out['Execution Time'] as number);
      plan = out.Plan as PlanNode;
    }
  } finally {
    client.release();
  }
  return {
    sql: text.replace(/\s+/g, ' '),
    planningMs: stats(planning),
    executionMs: stats(execution),
    scans: plan ? scans(plan) : [],
    sharedHitBlocks: plan?.['Shared Hit Blocks'] ?? 0,
    sharedReadBlocks: plan?.['Shared Read Blocks'] ?? 0,
  };
}

export async function idleTickBench(o: {
  db: BenchDb;
  rows: number;
  calls: number;
  log: (s: string) => void;
}): Promise<IdleTickResult> {
  const pool = new pg.Pool({ connectionString: o.db.url, max: 4 });
  let capture: { sql: string; params: unknown[] }[] | undefined;
  const db = drizzle(pool, {
    schema,
    logger: { logQuery: (sql, params) => void capture?.push({ sql, params }) },
  }) as unknown as Db;
  const database = pgDatabase(pool, db);
  try {
    const config = benchConfig(o.db.url!, {
      REFRESH_BATCH_SIZE: '500',
    });
    const deps = await createDeps(config, { database, logger: createLogger('warn') });
    await migrate(database);
    const { tenants, authConfigs, worker, auditWriter: audit, leases } = deps.services;
    const setup = (action: string) =>
      commandChange(action, { type: 'bench', id: null, tenantId: null });
    const tenant = await tenants.createTenant('idle bench', setup('bench tenant'));
    const cfg = await authConfigs.create(
      tenant.id,
      {
        name: 'idle bench',
        provider: 'atlassian',
        client_id: 'idle-bench',
        client_secret: 'idle-bench-secret',
        scopes: ['read:jira-work'],
      },
      setup('bench auth config'),
    );
    o.log(`  inserting ${o.rows} connected accounts (90% ACTIVE, 10% EXPIRED, none due)`);
    const t0 = performance.now();
    const client = await pool.connect();
    try {
      // Bulk load without per-row FK trigger checks (superuser only; otherwise just slower).
      await client.query('set session_replication_role = replica').catch(() => undefined);
      const dummy = `v1.dk_x.${'A'.repeat(16)}.${'B'.repeat(64)}.${'C'.repeat(22)}`;
      await client.query(
        `insert into connected_accounts (id, tenant_id, auth_config_id, user_id, status, sites,
           granted_scopes, access_token_enc, refresh_token_enc, token_type, expires_at, generation,
           connected_at, family_expires_at, next_refresh_at, status_reason)
         select 'ca_' || lpad(g::text, 26, '0'), $1, $2, 'user-' || g,
           case when g % 10 = 0 then 'EXPIRED' else 'ACTIVE' end, '[]'::jsonb, '{read:jira-work}',
           $3, $3, 'Bearer', now() + interval '1 hour' + (g % 86400) * interval '1 second', 1,
           now(), now() + interval '300 days',
           case when g % 10 = 0 then null
                else now() + interval '15 minutes' + (g % 86400) * interval '1 second' end,
           case when g % 10 = 0 then 'refresh_token_invalid' end
         from generate_series(1, $4::int) g`,
        [tenant.id, cfg.id, dummy, o.rows],
      );
      await client.query('set session_replication_role = origin').catch(() => undefined);
    } finally {
      client.release();
    }
    await pool.query('vacuum analyze connected_accounts');
    const insertS = (performance.now() - t0) / 1000;
    const [{ n }] = (
      await pool.query(`select count(*)::int as n from connected_accounts where status = 'ACTIVE'`)
    ).rows as [{ n: number }];

    for (let i = 0; i < 5; i++) await worker.tick(); // warm caches and plans
    capture = [];
    const result = await worker.tick();
    const issued = capture;
    capture = undefined;
    if (result.claimed) throw new Error(`an idle tick claimed ${result.claimed} accounts`);

    const tickWall: number[] = [];
    for (let i = 0; i < o.calls; i++) {
      const s = performance.now();
      await worker.tick();
      tickWall.push(performance.now() - s);
    }
    const claimWall: number[] = [];
    for (let i = 0; i < o.calls; i++) {
      const now = new Date();
      const s = performance.now();
      await leases.claimDue('idle-bench', now, new Date(now.getTime() + 60_000), 500);
      claimWall.push(performance.now() - s);
    }
    const statements: IdleStatement[] = [];
    // begin/commit are logged too: they cost a round trip each but have no plan
    const explainable = issued.filter((q) =>
      /^\s*(select|with|update|insert|delete)\b/i.test(q.sql),
    );
    for (const q of explainable) statements.push(await explain(pool, q.sql, q.params, o.calls));
    await audit.stop();
    return {
      rows: o.rows,
      activeRows: n,
      insertS,
      statements,
      dbMsPerTick: statements.reduce((s, q) => s + q.planningMs.median + q.executionMs.median, 0),
      tickWallMs: stats(tickWall),
      claimWallMs: stats(claimWall),
      calls: o.calls,
      issued: issued.map((q) => q.sql.split(/\s+/).slice(0, 2).join(' ')),
    };
  } finally {
    await pool.end();
  }
}
