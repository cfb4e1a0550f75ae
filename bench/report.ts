// The printed report (tables + targets) and the JSON written to bench/results/.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderCapacity, type CapacityResult } from './capacity.ts';
import type { ClientBenchResult } from './client.ts';
import type { ProxyBenchResult } from './proxy.ts';
import { otelCost, renderOtel, type OtelBenchResult } from './otel.ts';
import type { ExchangeBenchResult } from './exchange.ts';
import type { IdleTickResult } from './idle-tick.ts';
import type { SweepRun } from './sweep.ts';
import type { TokenBenchResult } from './token.ts';
import type { PropagationResult } from './propagation.ts';
import type { ReadyResult } from './ready.ts';
import type { SlowProviderResult } from './slow-provider.ts';

export interface BenchReport {
  name: string;
  command: string;
  startedAt: string;
  machine: { cpus: number; node: string; database: string };
  notes: string[];
  token?: TokenBenchResult;
  sweep?: SweepRun[];
  idleTick?: IdleTickResult;
  capacity?: CapacityResult;
  client?: ClientBenchResult;
  proxy?: ProxyBenchResult;
  otel?: OtelBenchResult;
  exchange?: ExchangeBenchResult;
  ready?: ReadyResult;
  propagation?: PropagationResult;
  slowProvider?: SlowProviderResult;
  cacheMemory?: { entries: number; mb: number; mbPer100k: number };
  skipped: string[];
  targets: Target[];
}

export interface Target {
  name: string;
  target: string;
  measured: string;
  met: boolean | null;
}

const f = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');
/** x ÷ base to two decimals, or n/a without a base (the floor is skipped on PGlite). */
const ratio = (x: number, base: number | undefined) => (base ? f(x / base, 2) : 'n/a');

function table(head: string[], rows: string[][]): string {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) =>
    r.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join('  ');
  return [line(head), w.map((n) => '-'.repeat(n)).join('  '), ...rows.map(line)].join('\n');
}

export function evaluate(r: BenchReport): Target[] {
  const t: Target[] = [];
  for (const mode of ['on', 'sampled'] as const) {
    const otel = r.otel && otelCost(r.otel, mode);
    if (otel)
      t.push({
        name: `token path: cost of traces (${mode === 'on' ? 'every request' : '10% of traces'} sampled)`,
        target: 'reported',
        measured: `${otel.usPerRequest.toFixed(1)} µs per request (${otel.on.reqPerSec.toFixed(0)} vs ${otel.off.reqPerSec.toFixed(0)} req/s)`,
        met: null,
      });
  }
  const runs = r.token?.runs ?? [];
  const floor = runs.find((x) => x.target.startsWith('floor'));
  const ceiling = runs.find((x) => x.target.startsWith('ceiling'));
  // 429s or errors answer fast: such a run cannot meet a target
  const clean = (v: { non2xx: number; errors: number }) => v.non2xx === 0 && v.errors === 0;
  const vaultRun = (route: string, off = false) =>
    runs.find((x) => x.target === `vault ${off ? 'cache off ' : ''}POST ${route}`);
  const byId = vaultRun('/v1/connected-accounts/{id}/token');
  const byUser = vaultRun('/v1/auth-configs/{id}/token {user_id}');
  const off = vaultRun('/v1/connected-accounts/{id}/token', true);
  for (const v of [byId, byUser]) {
    if (!v) continue;
    const ratio = ceiling ? v.reqPerSec / ceiling.reqPerSec : NaN;
    t.push({
      name: `throughput vs the HTTP ceiling: ${v.target.replace(/^vault /, '')}`,
      target: '≥ 0.5× ceiling',
      measured: ceiling
        ? `${f(ratio, 2)}× (${f(v.reqPerSec, 0)} vs ${f(ceiling.reqPerSec, 0)} req/s${floor ? `; ${f(v.reqPerSec / floor.reqPerSec, 2)}× floor` : ''})`
        : 'ceiling skipped',
      met: ceiling ? ratio >= 0.5 && clean(v) : null,
    });
  }
  if (byId && byUser) {
    const ratio = byUser.reqPerSec / byId.reqPerSec;
    t.push({
      name: 'throughput by user_id vs by account id',
      target: '≥ 0.9×',
      measured: `${f(ratio, 2)}× (${f(byUser.reqPerSec, 0)} vs ${f(byId.reqPerSec, 0)} req/s)`,
      met: ratio >= 0.9 && clean(byUser),
    });
  }
  if (off) {
    const ratio = floor ? off.reqPerSec / floor.reqPerSec : NaN;
    t.push({
      name: `throughput vs floor: ${off.target.replace(/^vault /, '')}`,
      target: '≥ 1.0× floor',
      measured: floor
        ? `${f(ratio, 2)}× (${f(off.reqPerSec, 0)} vs ${f(floor.reqPerSec, 0)} req/s)`
        : 'floor skipped',
      met: floor ? ratio >= 1 && clean(off) : null,
    });
  }
  const fixed = r.token?.fixedRate;
  const fixedFloor = fixed?.runs.find((x) => x.target.startsWith('floor'));
  for (const v of fixed?.runs.filter((x) => x.target.startsWith('vault')) ?? []) {
    const goal = v.target.startsWith('vault cache off') ? 1 : 0.5;
    const ratio = fixedFloor ? v.p99 / fixedFloor.p99 : NaN;
    t.push({
      name: `p99 at ${fixed!.rps} req/s offered: ${v.target.replace(/^vault /, '')}`,
      target: `≤ ${goal.toFixed(1)}× floor's p99`,
      measured: `${f(ratio, 2)}× (${f(v.p99, 2)} ms; floor ${f(fixedFloor?.p99 ?? NaN, 2)} ms)`,
      met: fixedFloor ? ratio <= goal && clean(v) : null,
    });
  }
  for (const cacheOff of [false, true]) {
    const vaultRuns = [...runs, ...(fixed?.runs ?? [])].filter(
      (x) => x.target.startsWith('vault') && x.target.startsWith('vault cache off') === cacheOff,
    );
    if (!vaultRuns.length) continue;
    const rss = Math.max(...vaultRuns.map((x) => x.rssMaxMb));
    t.push({
      name: `vault RSS under token load, cache ${cacheOff ? 'off' : 'on'}`,
      target: '≤ 150 MB',
      measured: `${f(rss, 0)} MB`,
      met: rss <= 150,
    });
  }
  if (r.token?.audit) {
    const a = r.token.audit;
    t.push({
      name: `audit rows for ${a.requests} token requests (one account, one key)`,
      target: '≤ 5 rows',
      measured: `${a.rows} rows counting ${a.counted}`,
      met: a.rows <= 5 && a.counted === a.requests,
    });
  }
  if (r.ready) {
    const pgMax = r.ready.postgres ? Math.max(...r.ready.postgres) : NaN;
    if (r.ready.postgres)
      t.push({
        name: 'ready after spawn, PostgreSQL (max of runs)',
        target: '≤ 1500 ms',
        measured: `${f(pgMax, 0)} ms`,
        met: pgMax <= 1500,
      });
    const first = Math.max(...r.ready.pgliteFirst);
    t.push({
      name: 'ready after spawn, PGlite first start (max of runs)',
      target: '≤ 3000 ms',
      measured: `${f(first, 0)} ms`,
      met: first <= 3000,
    });
  }
  if (r.propagation) {
    for (const [k, label] of [
      ['revokedKey', 'a revoked key'],
      ['disabledAccount', 'a disabled account'],
    ] as const) {
      const x = r.propagation[k];
      t.push({
        name: `replica B honours ${label} changed through A (${r.propagation.trials} trials)`,
        target: '≤ 1000 ms',
        measured: `p50 ${f(x.p50, 1)} ms, max ${f(x.max, 1)} ms`,
        met: x.max <= 1000,
      });
    }
  }
  for (const s of r.sweep ?? []) {
    t.push({
      name: `refresh sweep (${s.accounts} accounts, ${s.workers} worker${s.workers > 1 ? 's' : ''})`,
      target: '≥ 1000 refreshes/s',
      measured: `${f(s.refreshesPerSec, 0)}/s${s.timedOut ? ' (timed out)' : ''}`,
      met: s.refreshesPerSec >= 1000 && !s.timedOut,
    });
  }
  if (r.capacity) {
    const c = r.capacity;
    t.push({
      name: `use-driven refresh: provider calls vs always (${c.accounts} accounts each, 5% used/day)`,
      target: '≤ 1/10, 0 warm requests waited, 0 lost to inactivity (48 h + 100 idle days)',
      measured: `1/${f(1 / c.ratio, 1)}, ${c.policies.on_use.warmWaited} warm waited, ${c.policies.on_use.lostToInactivity + c.idle.lostToInactivity} lost`,
      met:
        c.ratio <= 0.1 &&
        c.policies.on_use.warmWaited === 0 &&
        c.policies.on_use.lostToInactivity + c.idle.lostToInactivity === 0,
    });
  }
  if (r.idleTick) {
    const i = r.idleTick;
    t.push({
      name: `idle tick DB time (${i.rows} accounts)`,
      target: '≤ 10 ms',
      measured: `${f(i.dbMsPerTick, 2)} ms`,
      met: i.dbMsPerTick <= 10,
    });
  }
  if (r.proxy) {
    const d = r.proxy.saturated.find((x) => x.target === 'direct');
    const p = r.proxy.saturated.find((x) => x.target === 'proxy');
    const dr = r.proxy.fixedRate.runs.find((x) => x.target === 'direct');
    const pr = r.proxy.fixedRate.runs.find((x) => x.target === 'proxy');
    if (d && p) {
      const ratio = p.reqPerSec / d.reqPerSec;
      t.push({
        name: 'proxy throughput vs the same GET straight to the provider',
        target: '≥ 0.7× direct',
        measured: `${f(ratio, 2)}× (${f(p.reqPerSec, 0)} vs ${f(d.reqPerSec, 0)} req/s)`,
        met: ratio >= 0.7 && p.non2xx === 0 && p.errors === 0,
      });
    }
    if (dr && pr) {
      const added = pr.p50 - dr.p50;
      t.push({
        name: `proxy added p50 at ${r.proxy.fixedRate.rps} req/s offered`,
        target: '≤ 1 ms',
        measured: `${f(added, 2)} ms (${f(pr.p50, 2)} vs ${f(dr.p50, 2)} ms)`,
        met: added <= 1 && pr.non2xx === 0 && pr.errors === 0,
      });
    }
  }
  if (r.exchange) {
    const read = r.exchange.saturated.find((x) => x.target === 'token read');
    const ex = r.exchange.saturated.find((x) => x.target === 'exchange');
    const rr = r.exchange.fixedRate.runs.find((x) => x.target === 'token read');
    const er = r.exchange.fixedRate.runs.find((x) => x.target === 'exchange');
    if (read && ex && rr && er)
      t.push({
        name: 'token exchange (cached JWKS) vs a plain token read',
        target: 'reported',
        measured: `${f(ex.reqPerSec / read.reqPerSec, 2)}× throughput (${f(ex.reqPerSec, 0)} vs ${f(read.reqPerSec, 0)} req/s); +${f(er.p50 - rr.p50, 2)} ms p50 at ${r.exchange.fixedRate.rps} req/s`,
        met: null,
      });
  }
  // The targets are stated for PostgreSQL; on PGlite the numbers are informational.
  if (r.token?.database === 'pglite') for (const x of t) x.met = null;
  return t;
}

export function render(r: BenchReport): string {
  const out: string[] = [`credential-vault bench — ${r.startedAt}`, `command: ${r.command}`];
  out.push(
    `machine: ${r.machine.cpus} CPUs, node ${r.machine.node}, database ${r.machine.database}`,
  );
  for (const n of r.notes) out.push(`note: ${n}`);
  if (r.token) {
    const tk = r.token;
    const floor = tk.runs.find((x) => x.target.startsWith('floor'));
    const ceiling = tk.runs.find((x) => x.target.startsWith('ceiling'));
    const fixedFloor = tk.fixedRate.runs.find((x) => x.target.startsWith('floor'));
    const fixedCeiling = tk.fixedRate.runs.find((x) => x.target.startsWith('ceiling'));
    out.push(
      '',
      `TOKEN ENDPOINT (${tk.database}, ${tk.accounts} accounts, ${tk.connections} connections, ${tk.durationS} s after warm-up)`,
    );
    out.push(
      table(
        [
          'target',
          'req/s',
          'p50 ms',
          'p99 ms',
          'max ms',
          'non2xx',
          'errors',
          'cpu cores',
          'pg cores',
          'autocannon',
          'other',
          'max RSS MB',
          'cpu µs/req',
          'req/s ÷ floor',
          'req/s ÷ ceiling',
          'p99 ÷ floor',
          'RSS ÷ floor',
          'RSS ÷ ceiling',
        ],
        tk.runs.map((x) => [
          x.otherCores > 0.3 ? `${x.target} *` : x.target,
          f(x.reqPerSec, 0),
          f(x.p50, 0),
          f(x.p99, 0),
          f(x.max, 0),
          String(x.non2xx),
          String(x.errors),
          f(x.cores, 2),
          f(x.postgresCores, 2),
          f(x.benchCores, 2),
          f(x.otherCores, 2),
          f(x.rssMaxMb, 0),
          f((x.cores * 1e6) / x.reqPerSec, 0),
          ratio(x.reqPerSec, floor?.reqPerSec),
          ratio(x.reqPerSec, ceiling?.reqPerSec),
          ratio(x.p99, floor && Math.max(floor.p99, 1)),
          ratio(x.rssMaxMb, floor?.rssMaxMb),
          ratio(x.rssMaxMb, ceiling?.rssMaxMb),
        ]),
      ),
    );
    out.push(`vault RSS before load: ${f(tk.vaultRssIdleMb, 0)} MB`);
    for (const x of tk.runs.filter((r) => r.memory)) {
      const m = x.memory!;
      out.push(
        `  after ${x.target}: V8 heap ${f(m.heapUsedMb, 0)} used / ${f(m.heapTotalMb, 0)} MB total, external ${f(m.externalMb, 0)} MB`,
      );
    }
    if (tk.floorSkipped) out.push(`floor skipped: ${tk.floorSkipped}`);
    if (tk.fixedRate.runs.length) {
      out.push(
        '',
        `AT A FIXED OFFERED RATE (${tk.fixedRate.rps} req/s evenly spaced, open loop, ${tk.connections} connections; latency from when each request was due)`,
      );
      out.push(
        table(
          [
            'target',
            'sent',
            'p50 ms',
            'p90 ms',
            'p99 ms',
            'max ms',
            'non2xx',
            'cpu cores',
            'max RSS MB',
            'autocannon overallRate p99 ms',
            'p99 ÷ floor',
            'p99 ÷ ceiling',
            'RSS ÷ floor',
            'RSS ÷ ceiling',
          ],
          tk.fixedRate.runs.map((x) => [
            x.target,
            String(x.sent),
            f(x.p50, 2),
            f(x.p90, 2),
            f(x.p99, 2),
            f(x.max, 1),
            String(x.non2xx + x.errors),
            f(x.cores, 2),
            f(x.rssMaxMb, 0),
            f(x.autocannonP99, 0),
            ratio(x.p99, fixedFloor?.p99),
            ratio(x.p99, fixedCeiling?.p99),
            ratio(x.rssMaxMb, fixedFloor?.rssMaxMb),
            ratio(x.rssMaxMb, fixedCeiling?.rssMaxMb),
          ]),
        ),
      );
      out.push(
        "  (autocannon's overallRate sends each second's quota in a burst and back-fills latencies: its p99 measures the burst)",
      );
    }
    if (tk.profile) {
      const p = tk.profile;
      out.push(
        '',
        `WHERE A CACHED TOKEN REQUEST'S CPU GOES (V8 profile of ${p.requests} requests: ${f((p.busyS * 1e6) / p.requests, 0)} µs of busy CPU each, self time by package; "native" is V8 builtins, crypto, the HTTP parser and syscalls)`,
      );
      out.push(
        table(
          ['where', 'share', 'µs/request'],
          p.top.map((x) => [
            x.name,
            `${f(x.share * 100, 1)}%`,
            f((x.share * p.busyS * 1e6) / p.requests, 1),
          ]),
        ),
      );
    }
    if (tk.audit)
      out.push(
        '',
        `audit: ${tk.audit.requests} requests for one account added ${tk.audit.rows} row(s) counting ${tk.audit.counted}`,
      );
  }
  if (r.ready) {
    out.push('', 'READY AFTER SPAWN (ready_ms, ms)');
    out.push(
      table(
        ['start', 'runs'],
        [
          ...(r.ready.postgres
            ? [['PostgreSQL, fresh database', r.ready.postgres.join(', ')]]
            : []),
          ['PGlite, first start (empty DATA_DIR)', r.ready.pgliteFirst.join(', ')],
          ['PGlite, restart', r.ready.pgliteRestart.join(', ')],
        ],
      ),
    );
  }
  if (r.propagation) {
    const p = r.propagation;
    out.push(
      '',
      `PROPAGATION (two replicas on one PostgreSQL, ${p.trials} trials; ms from A's answer to B's refusal)`,
    );
    out.push(
      table(
        ['change through A', 'p50 ms', 'max ms'],
        [
          ['key revoked', f(p.revokedKey.p50, 1), f(p.revokedKey.max, 1)],
          ['account disabled', f(p.disabledAccount.p50, 1), f(p.disabledAccount.max, 1)],
        ],
      ),
    );
  }
  if (r.cacheMemory)
    out.push(
      '',
      `cache memory: ${r.cacheMemory.entries} cached accounts take ${f(r.cacheMemory.mb, 1)} MB of heap (${f(r.cacheMemory.mbPer100k, 1)} MB per 100k)`,
    );
  if (r.sweep?.length) {
    out.push(
      '',
      'REFRESH SWEEP (all due; worker REFRESH_CONCURRENCY=64, REFRESH_BATCH_SIZE=500, cron every second)',
    );
    out.push(
      table(
        [
          'workers',
          'accounts',
          'refreshed',
          'failed',
          'elapsed s',
          'refreshes/s',
          'by timestamps/s',
          'emulator cores',
          'emulator share',
          'worker cores',
          'postgres cores',
          'machine busy',
          'other',
          'worker RSS MB',
        ],
        r.sweep.map((s) => [
          s.otherCores > 0.3 ? `${s.workers} *` : String(s.workers),
          String(s.accounts),
          String(s.refreshed),
          String(s.failed),
          f(s.elapsedS, 1),
          f(s.refreshesPerSec, 0),
          f(s.refreshesPerSecByTimestamps, 0),
          f(s.emulatorCores, 2),
          `${f(s.emulatorShare * 100, 0)}%`,
          f(s.workerCores, 2),
          f(s.postgresCores, 2),
          f(s.machineBusyCores, 2),
          f(s.otherCores, 2),
          f(s.workerRssMaxMb, 0),
        ]),
      ),
    );
  }
  if (r.capacity) out.push(...renderCapacity(r.capacity));
  if (r.idleTick) {
    const i = r.idleTick;
    out.push(
      '',
      `IDLE WORKER TICK (${i.rows} accounts, ${i.activeRows} ACTIVE, none due; ${i.calls} calls; loaded in ${f(i.insertS, 0)} s)`,
    );
    out.push(
      table(
        ['statement', 'plan ms p50', 'exec ms p50', 'exec ms p99', 'buffers hit/read', 'scans'],
        i.statements.map((s) => [
          s.sql.length > 70 ? `${s.sql.slice(0, 67)}...` : s.sql,
          f(s.planningMs.median, 3),
          f(s.executionMs.median, 3),
          f(s.executionMs.p99, 3),
          `${s.sharedHitBlocks}/${s.sharedReadBlocks}`,
          s.scans.join('; '),
        ]),
      ),
    );
    out.push(`statements of one idle tick: ${i.issued.join(' | ')}`);
    out.push(
      `database time per idle tick (Σ planning + execution, medians): ${f(i.dbMsPerTick, 3)} ms`,
    );
    out.push(
      `wall time worker.tick(): p50 ${f(i.tickWallMs.median, 2)} ms, p99 ${f(i.tickWallMs.p99, 2)} ms; claimDueAccounts(): p50 ${f(i.claimWallMs.median, 2)} ms, p99 ${f(i.claimWallMs.p99, 2)} ms`,
    );
  }
  if (r.proxy) {
    const p = r.proxy;
    out.push(
      '',
      'PROXY (a Jira GET /rest/api/3/myself at the emulator: straight with the token vs through the vault)',
    );
    out.push(saturatedBesideFixedRate(p));
    out.push(`vault RSS peak over the proxy runs: ${f(p.vaultRssMaxMb, 0)} MB`);
  }
  if (r.otel) out.push('', ...renderOtel(r.otel));
  if (r.exchange) {
    const x = r.exchange;
    out.push(
      '',
      'EXCHANGE (POST /v1/oauth/token with a user RS256 JWT, JWKS cached, vs POST /v1/connected-accounts/{id}/token; one key, one account)',
    );
    out.push(saturatedBesideFixedRate(x));
    out.push(`JWKS fetches over the part: ${x.jwksFetches}`);
  }
  if (r.slowProvider) {
    const sp = r.slowProvider;
    out.push(
      '',
      `SLOW PROVIDER (${sp.database}: tenant B's token requests, a new key each and TOKEN_CACHE=off, alone and while tenant A keeps ${sp.slowCalls} provider calls of ${sp.holdMs} ms in flight)`,
    );
    out.push(
      table(
        [
          'run',
          'req/s offered',
          'p50 ms',
          'p90 ms',
          'p99 ms',
          'max ms',
          'non2xx/errors',
          'A at provider',
          'A answered',
        ],
        sp.runs.map((x) => [
          x.target,
          String(x.rate),
          f(x.p50, 2),
          f(x.p90, 2),
          f(x.p99, 2),
          f(x.max, 1),
          `${x.non2xx}/${x.errors}`,
          x.aAtProvider === undefined ? '' : `${x.aAtProvider}/${sp.slowCalls}`,
          x.aCompleted === undefined ? '' : `${x.aCompleted} (${x.aFailed ?? 0} failed)`,
        ]),
      ),
    );
  }
  if (r.client) {
    const c = r.client;
    out.push('', 'CLIENT (@credential-vault/client against a real vault process)');
    out.push(
      table(
        ['measure', 'value'],
        [
          [
            `hot-cache await token(), µs/call (median of ${c.hotTokenUs.runs.length} × ${c.callsPerRun})`,
            f(c.hotTokenUs.median, 3),
          ],
          ['baseline: plain Map.get, µs/call (same process)', f(c.mapGetUs, 3)],
          ['baseline: await of an async Map.get, µs/call', f(c.asyncMapGetUs, 3)],
          [
            `vault requests for ${c.spread.calls} token() calls over ${c.spread.simulatedS} s of a ${c.spread.tokenLifetimeS} s token (${c.spread.concurrency} at a time; expected 1)`,
            String(c.spread.vaultRequests),
          ],
          ['  requests the client sent', String(c.spread.clientRequests)],
        ],
      ),
    );
    out.push(`hot-cache runs, µs/call: ${c.hotTokenUs.runs.map((x) => f(x, 3)).join(', ')}`);
  }
  const noisy = [...(r.token?.runs ?? []), ...(r.sweep ?? [])].some((x) => x.otherCores > 0.3);
  if (noisy)
    out.push('', '* other processes used > 0.3 cores during this run even after one retry');
  for (const s of r.skipped) out.push(`skipped: ${s}`);
  out.push('', 'TARGETS');
  out.push(
    table(
      ['target', 'goal', 'measured', 'result'],
      r.targets.map((t) => [
        t.name,
        t.target,
        t.measured,
        t.met === null
          ? r.token?.database === 'pglite'
            ? 'n/a (PGlite)'
            : 'n/a'
          : t.met
            ? 'met'
            : 'MISSED',
      ]),
    ),
  );
  return out.join('\n');
}

export function writeResults(r: BenchReport): string {
  const dir = join(import.meta.dirname, 'results');
  mkdirSync(dir, { recursive: true });
  const stamp = r.startedAt.replace(/[:.]/g, '-');
  const file = join(dir, `${r.name}-${stamp}.json`);
  const json = `${JSON.stringify(r, null, 2)}\n`;
  writeFileSync(file, json);
  writeFileSync(join(dir, 'latest.json'), json);
  return file;
}

interface LoadRun {
  target: string;
  reqPerSec?: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

/** One row per target: its saturated run beside its run at the part's fixed rate. */
function saturatedBesideFixedRate(part: {
  saturated: LoadRun[];
  fixedRate: { rps: number; runs: LoadRun[] };
}): string {
  return table(
    [
      'target',
      'req/s saturated',
      'p50 ms',
      'p99 ms',
      `p50 at ${part.fixedRate.rps}/s`,
      `p99 at ${part.fixedRate.rps}/s`,
      'non2xx/errors',
    ],
    part.saturated.map((s) => {
      const fr = part.fixedRate.runs.find((x) => x.target === s.target)!;
      return [
        s.target,
        f(s.reqPerSec ?? 0, 0),
        f(s.p50, 2),
        f(s.p99, 2),
        f(fr.p50, 2),
        f(fr.p99, 2),
        `${s.non2xx + fr.non2xx}/${s.errors + fr.errors}`,
      ];
    }),
  );
}
