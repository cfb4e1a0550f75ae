// Refresh sweep: N accounts all due, `--role worker` process(es) against the emulator on loopback.
import { setTimeout as sleep } from 'node:timers/promises';
import { connect, type BenchDb, type Sql } from './lib/db.ts';
import {
  cpuSeconds,
  machineCpu,
  postgresCpuSeconds,
  sampleRss,
  selfCpuSeconds,
  waitQuiet,
  type Child,
} from './lib/proc.ts';
import { insertAccounts, seedTenants, type AccountPlan } from './lib/seed.ts';
import { profileArgs, startVault, vaultSetup } from './lib/vault.ts';

export interface SweepRun {
  workers: number;
  accounts: number;
  refreshed: number;
  failed: number;
  /** seconds from the workers answering /healthz to the last account refreshed (polled, 250 ms) */
  elapsedS: number;
  refreshesPerSec: number;
  /** N / (last − first last_refreshed_at): the rate once the first tick has started */
  refreshesPerSecByTimestamps: number;
  /** CPU in cores over the sweep */
  emulatorCores: number;
  workerCores: number;
  postgresCores: number;
  machineBusyCores: number;
  /** CPU of processes other than ours and PostgreSQL (a concurrent test run, …) */
  otherCores: number;
  /** emulator CPU / all busy CPU of the machine */
  emulatorShare: number;
  workerRssMaxMb: number;
  emulatorCounters: Record<string, unknown>;
  timedOut: boolean;
}

export interface SweepOptions {
  db: BenchDb;
  emulator: Child;
  accounts: number;
  workerCounts: number[];
  timeoutS: number;
  cpuProf: boolean;
  log: (s: string) => void;
}

const TENANTS = 10;

async function emu(emulator: Child, method: string, path: string, body?: unknown) {
  const res = await fetch(`${emulator.url}${path}`, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) throw new Error(`emulator ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as Record<string, unknown>;
}

async function progress(sql: Sql, generation: number) {
  const [r] = await sql<{ done: string; failing: string; first: Date | null; last: Date | null }>(
    `select count(*) filter (where generation > $1) as done,
            count(*) filter (where refresh_failures > 0 or status <> 'ACTIVE') as failing,
            min(last_refreshed_at) filter (where generation > $1) as first,
            max(last_refreshed_at) filter (where generation > $1) as last
       from connected_accounts`,
    [generation],
  );
  return { done: Number(r!.done), failing: Number(r!.failing), first: r!.first, last: r!.last };
}

async function runOnce(
  o: SweepOptions,
  sql: Sql,
  setup: ReturnType<typeof vaultSetup>,
  workers: number,
  generation: number,
): Promise<SweepRun> {
  await sql(`update connected_accounts set next_refresh_at = now() - interval '1 second'`);
  await sql('vacuum analyze connected_accounts');
  await emu(o.emulator, 'POST', '/_emulator/counters/reset', {});
  await waitQuiet([o.emulator.pid]);
  const env = { REFRESH_CRON: '* * * * * *', REFRESH_CONCURRENCY: '64', REFRESH_BATCH_SIZE: '500' };
  const procs = await Promise.all(
    Array.from({ length: workers }, (_, i) =>
      startVault('worker', setup, env, profileArgs(o.cpuProf, `sweep-w${workers}-${i}`)),
    ),
  );
  try {
    const rss = procs.map((p) => sampleRss(p.pid));
    const t0 = performance.now();
    const c0 = {
      emu: cpuSeconds(o.emulator.pid),
      workers: procs.reduce((s, p) => s + cpuSeconds(p.pid), 0),
      pg: postgresCpuSeconds(),
      machine: machineCpu().busy,
      self: selfCpuSeconds(),
    };
    const deadline = t0 + o.timeoutS * 1000;
    let p = await progress(sql, generation);
    while (p.done < o.accounts && performance.now() < deadline) {
      await sleep(250);
      p = await progress(sql, generation);
    }
    const elapsedS = (performance.now() - t0) / 1000;
    const emuCpu = cpuSeconds(o.emulator.pid) - c0.emu;
    const busy = machineCpu().busy - c0.machine;
    const workerCpu = procs.reduce((s, w) => s + cpuSeconds(w.pid), 0) - c0.workers;
    const pgCpu = postgresCpuSeconds() - c0.pg;
    const selfCpu = selfCpuSeconds() - c0.self;
    const span = p.first && p.last ? (p.last.getTime() - p.first.getTime()) / 1000 : 0;
    const counters = await emu(o.emulator, 'GET', '/_emulator/counters');
    delete counters.refreshesByFamily;
    return {
      workers,
      accounts: o.accounts,
      refreshed: p.done,
      failed: p.failing,
      elapsedS,
      refreshesPerSec: p.done / elapsedS,
      refreshesPerSecByTimestamps: span > 0 ? p.done / span : 0,
      emulatorCores: emuCpu / elapsedS,
      workerCores: workerCpu / elapsedS,
      postgresCores: pgCpu / elapsedS,
      machineBusyCores: busy / elapsedS,
      otherCores: Math.max(0, busy - emuCpu - workerCpu - pgCpu - selfCpu) / elapsedS,
      emulatorShare: busy > 0 ? emuCpu / busy : 0,
      workerRssMaxMb: Math.max(...rss.map((r) => r.stop())),
      emulatorCounters: counters,
      timedOut: p.done < o.accounts,
    };
  } finally {
    await Promise.all(procs.map((w) => w.stop()));
  }
}

export async function sweepBench(o: SweepOptions): Promise<SweepRun[]> {
  const setup = vaultSetup(o.db, o.emulator.url);
  const api = await startVault('api', setup);
  const conn = await connect(o.db);
  try {
    o.log(`  seeding ${o.accounts} due accounts (${TENANTS} tenants) and their emulator families`);
    const tenants = await seedTenants(api.url, setup.operatorKey, TENANTS);
    await api.stop();
    const plans: AccountPlan[] = [];
    for (const [i, tenant] of tenants.entries()) {
      const count = Math.floor(o.accounts / TENANTS) + (i < o.accounts % TENANTS ? 1 : 0);
      const fam = await emu(o.emulator, 'POST', '/_bench/families', {
        client_id: tenant.clientId,
        client_secret: tenant.clientSecret,
        count,
      });
      plans.push({
        tenant,
        count,
        refreshTokens: fam.refresh_tokens as string[],
        site: fam.site as AccountPlan['site'],
      });
    }
    await insertAccounts(conn.sql, setup.masterKey, plans, { due: true });
    const runs: SweepRun[] = [];
    let generation = 0;
    for (const workers of o.workerCounts) {
      o.log(`  sweep: ${o.accounts} accounts, ${workers} worker process(es)`);
      let run = await runOnce(o, conn.sql, setup, workers, generation++);
      if (run.otherCores > 0.3 && !run.timedOut) {
        o.log(`    other processes used ${run.otherCores.toFixed(2)} cores meanwhile: again`);
        const again = await runOnce(o, conn.sql, setup, workers, generation++);
        if (again.otherCores < run.otherCores) run = again;
      }
      runs.push(run);
      o.log(
        `    ${run.refreshed}/${run.accounts} in ${run.elapsedS.toFixed(1)} s → ${run.refreshesPerSec.toFixed(0)}/s`,
      );
      if (run.timedOut) break;
    }
    return runs;
  } finally {
    await api.stop();
    await conn.close();
  }
}
