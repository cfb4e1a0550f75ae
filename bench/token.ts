// Token endpoint under load (autocannon over loopback), and the floor under the same load.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { openLoop, type OpenLoopResult } from './lib/open-loop.ts';
import { summarizeProfile } from './profile-summary.ts';
import { connect, type BenchDb } from './lib/db.ts';
import {
  cpuSeconds,
  machineCpu,
  postgresCpuSeconds,
  rssMb,
  sampleRss,
  selfCpuSeconds,
  startNode,
  waitQuiet,
  type Child,
} from './lib/proc.ts';
import { insertAccounts, seedTenants, type SeededAccount } from './lib/seed.ts';
import { profileArgs, startVault, vaultSetup } from './lib/vault.ts';

export interface LoadResult {
  target: string;
  reqPerSec: number;
  p50: number;
  p99: number;
  max: number;
  requests: number;
  non2xx: number;
  errors: number;
  /** max RSS of the server process during the measured run (MB) */
  rssMaxMb: number;
  /** CPU the server process used during the measured run, in cores */
  cores: number;
  /** CPU of all postgres processes, and of the whole machine, during the run (cores) */
  postgresCores: number;
  machineCores: number;
  /** autocannon (the bench process) and everything else on the machine, in cores */
  benchCores: number;
  otherCores: number;
  /** V8 heap (total/used) and external memory from the vault's /metrics right after the run (MB) */
  memory?: { heapTotalMb: number; heapUsedMb: number; externalMb: number };
}

export interface TokenBenchResult {
  database: 'postgres' | 'pglite';
  accounts: number;
  connections: number;
  durationS: number;
  runs: LoadResult[];
  /** at a fixed offered rate: latency, not throughput */
  fixedRate: { rps: number; runs: FixedRateResult[] };
  /** audit rows added by `requests` token requests for one account with one key */
  audit?: { requests: number; rows: number; counted: number };
  /** where a cached token request's CPU goes (a V8 profile of a separate short run) */
  profile?: { busyS: number; requests: number; top: { name: string; share: number }[] };
  /** vault RSS after start and seeding, before any load (MB) */
  vaultRssIdleMb: number;
  floorSkipped?: string;
}

export interface TokenBenchOptions {
  db: BenchDb;
  /** the fixed offered load for the latency comparison (autocannon overallRate) */
  rateRps: number;
  /** requests for one account with one key, to count the audit rows they add */
  auditRequests: number;
  emulatorUrl: string;
  tenants: number;
  perTenant: number;
  connections: number;
  durationS: number;
  warmupS: number;
  cpuProf: boolean;
  log: (s: string) => void;
}

type Req = { method: 'POST'; path: string; headers: Record<string, string>; body: string };

function shuffle<T>(a: T[]): T[] {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

const headers = (key: string) => ({
  authorization: `Bearer ${key}`,
  'content-type': 'application/json',
});

async function vaultMemory(metricsUrl: string): Promise<LoadResult['memory']> {
  const text = await fetch(metricsUrl).then((r) => r.text());
  const mb = (name: string) =>
    Number(new RegExp(`^cv_process_${name} (\\S+)`, 'm').exec(text)?.[1] ?? NaN) / 2 ** 20;
  return {
    heapTotalMb: mb('nodejs_heap_size_total_bytes'),
    heapUsedMb: mb('nodejs_heap_size_used_bytes'),
    externalMb: mb('nodejs_external_memory_bytes'),
  };
}

export interface FixedRateResult extends OpenLoopResult {
  target: string;
  /** the same rate through autocannon's overallRate (bursts each second's quota) */
  autocannonP99: number;
  cores: number;
  rssMaxMb: number;
}

/** Latency at an evenly spaced offered rate (open loop), and autocannon's figure beside it. */
async function fixedRate(
  name: string,
  server: Child,
  requests: Req[],
  o: TokenBenchOptions,
): Promise<FixedRateResult> {
  o.log(
    `  ${name}: ${o.durationS} s at ${o.rateRps} req/s, evenly spaced (then autocannon's overallRate)`,
  );
  await waitQuiet([server.pid]);
  await openLoop({
    url: server.url,
    requests,
    rate: o.rateRps,
    durationS: o.warmupS,
    connections: o.connections,
  });
  const rss = sampleRss(server.pid);
  const cpu0 = cpuSeconds(server.pid);
  const t0 = performance.now();
  const r = await openLoop({
    url: server.url,
    requests,
    rate: o.rateRps,
    durationS: o.durationS,
    connections: o.connections,
  });
  const cores = (cpuSeconds(server.pid) - cpu0) / ((performance.now() - t0) / 1000);
  const ac = await autocannon({
    url: server.url,
    connections: o.connections,
    requests,
    overallRate: o.rateRps,
    duration: Math.min(o.durationS, 5),
  });
  return { target: name, ...r, autocannonP99: ac.latency.p99, cores, rssMaxMb: rss.stop() };
}

/** The target name of the HTTP ceiling's runs (bench/ceiling.ts). */
export const CEILING = 'ceiling (fastify, constant body)';

/** Busy CPU of other processes (a concurrent test run, …) above this makes a run worth redoing. */
export const NOISY_CORES = 0.3;

async function loadOnce(
  name: string,
  server: Child,
  requests: Req[],
  o: TokenBenchOptions,
  rate?: number,
): Promise<LoadResult> {
  const base = {
    url: server.url,
    connections: o.connections,
    requests,
    ...(rate ? { overallRate: rate } : {}),
  };
  await waitQuiet([server.pid]);
  const rss = sampleRss(server.pid); // warm-up included: it is load too
  await autocannon({ ...base, duration: o.warmupS });
  const cpu0 = cpuSeconds(server.pid);
  const pg0 = postgresCpuSeconds();
  const m0 = machineCpu().busy;
  const self0 = selfCpuSeconds();
  const r = await autocannon({ ...base, duration: o.durationS });
  const benchCores = (selfCpuSeconds() - self0) / r.duration;
  const cores = (cpuSeconds(server.pid) - cpu0) / r.duration;
  const postgresCores = (postgresCpuSeconds() - pg0) / r.duration;
  const machineCores = (machineCpu().busy - m0) / r.duration;
  const metricsUrl = (server as Child & { metricsUrl?: string }).metricsUrl;
  const memory = metricsUrl ? await vaultMemory(metricsUrl) : undefined;
  return {
    target: name,
    reqPerSec: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    max: r.latency.max,
    requests: r.requests.total,
    non2xx: r.non2xx,
    errors: r.errors,
    rssMaxMb: rss.stop(),
    cores,
    postgresCores,
    machineCores,
    benchCores,
    otherCores: Math.max(0, machineCores - cores - postgresCores - benchCores),
    memory,
  };
}

/** Warm-up, then the measured run; redone once if another process took CPU meanwhile. */
async function load(
  name: string,
  server: Child,
  requests: Req[],
  o: TokenBenchOptions,
  rate?: number,
) {
  o.log(
    `  ${name}: warm-up ${o.warmupS} s, then ${o.durationS} s × ${o.connections} connections${rate ? ` at ${rate} req/s` : ''}`,
  );
  let r = await loadOnce(name, server, requests, o, rate);
  if (r.otherCores > NOISY_CORES) {
    o.log(`    other processes used ${r.otherCores.toFixed(2)} cores meanwhile: measuring again`);
    const again = await loadOnce(name, server, requests, o, rate);
    if (again.otherCores < r.otherCores) r = again;
  }
  return r;
}

/** One request through each route, checked against the seeded plaintext, before any load. */
async function check(url: string, a: SeededAccount, path: string, body: unknown) {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: headers(a.tenant.serviceKey),
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as { access_token?: string };
  if (res.status !== 200 || json.access_token !== a.accessToken) {
    throw new Error(`${path} answered ${res.status} ${JSON.stringify(json)}`);
  }
}

export async function tokenBench(o: TokenBenchOptions): Promise<TokenBenchResult> {
  const setup = vaultSetup(o.db, o.emulatorUrl);
  const profDir = mkdtempSync(join(tmpdir(), 'cv-prof-'));
  const prof = (label: string) => profileArgs(o.cpuProf, label);
  let vault = await startVault('api', setup, {}, prof('token-api'));
  const children: Child[] = [vault];
  try {
    o.log(`  seeding ${o.tenants} tenants × ${o.perTenant} accounts`);
    const tenants = await seedTenants(vault.url, setup.operatorKey, o.tenants);
    if (o.db.kind === 'pglite') await vault.stop(); // PGlite is single-process: seed while it is down
    const conn = await connect(o.db);
    const plans = tenants.map((tenant, i) => ({
      tenant,
      count: o.perTenant,
      site: { cloud_id: `cloud-${i}`, name: `site-${i}`, url: `https://site-${i}.atlassian.net` },
    }));
    const accounts = await insertAccounts(conn.sql, setup.masterKey, plans, { due: false });
    await conn.sql('analyze connected_accounts');
    await conn.close();
    if (o.db.kind === 'pglite') {
      vault = await startVault('api', setup, {}, prof('token-api'));
      children.push(vault);
    }
    const a0 = accounts[0]!;
    await check(vault.url, a0, `/v1/connected-accounts/${a0.id}/token`, {});
    await check(vault.url, a0, `/v1/auth-configs/${a0.tenant.configId}/token`, {
      user_id: a0.userId,
    });

    const byAccount = shuffle(
      accounts.map((a) => ({
        method: 'POST' as const,
        path: `/v1/connected-accounts/${a.id}/token`,
        headers: headers(a.tenant.serviceKey),
        body: '{}',
      })),
    );
    const byUser = shuffle(
      accounts.map((a) => ({
        method: 'POST' as const,
        path: `/v1/auth-configs/${a.tenant.configId}/token`,
        headers: headers(a.tenant.serviceKey),
        body: JSON.stringify({ user_id: a.userId }),
      })),
    );
    const vaultRssIdleMb = rssMb(vault.pid);
    const runs: LoadResult[] = [];
    const fixed: FixedRateResult[] = [];
    let floorSkipped: string | undefined;
    // The HTTP ceiling: the same route shape answered with a constant body, no I/O (any database).
    const ceiling = await startNode('ceiling', 'bench/ceiling.ts', [], {});
    children.push(ceiling);
    await ceiling.waitReady();
    const probe = await fetch(`${ceiling.url}${byAccount[0]!.path}`, {
      method: 'POST',
      headers: byAccount[0]!.headers,
      body: '{}',
    });
    if (probe.status !== 200) throw new Error(`the ceiling answered ${probe.status}`);
    runs.push(await load(CEILING, ceiling, byAccount, o));
    fixed.push(await fixedRate(CEILING, ceiling, byAccount, o));
    await ceiling.stop();
    if (o.db.kind === 'postgres') {
      const floor = await startNode('floor', 'bench/floor.ts', [], {
        DATABASE_URL: o.db.url!,
        VAULT_MASTER_KEYS: setup.env.VAULT_MASTER_KEYS!,
        DB_POOL_MAX: '16',
      });
      children.push(floor);
      await floor.waitReady();
      await check(floor.url, a0, `/floor/${a0.id}`, {});
      const floorReqs = byAccount.map((r) => ({
        ...r,
        path: r.path.replace(/^\/v1\/connected-accounts\/(.*)\/token$/, '/floor/$1'),
      }));
      runs.push(await load('floor (pg read + decrypt)', floor, floorReqs, o));
      fixed.push(await fixedRate('floor (pg read + decrypt)', floor, floorReqs, o));
      await floor.stop();
    } else {
      floorSkipped = 'the floor comparison needs DATABASE_URL (PostgreSQL); PGlite is in-process';
      o.log(`  ${floorSkipped}: floor skipped`);
    }
    runs.push(await load('vault POST /v1/connected-accounts/{id}/token', vault, byAccount, o));
    runs.push(await load('vault POST /v1/auth-configs/{id}/token {user_id}', vault, byUser, o));
    fixed.push(
      await fixedRate('vault POST /v1/connected-accounts/{id}/token', vault, byAccount, o),
    );

    // The same vault with its account/config cache off (TOKEN_CACHE=off), for comparison.
    await vault.stop();
    const off = await startVault('api', setup, { TOKEN_CACHE: 'off' }, prof('token-api-nocache'));
    children.push(off);
    runs.push(
      await load('vault cache off POST /v1/connected-accounts/{id}/token', off, byAccount, o),
    );
    fixed.push(
      await fixedRate('vault cache off POST /v1/connected-accounts/{id}/token', off, byAccount, o),
    );
    await off.stop();

    // Where a cached request's CPU goes: a profiled vault of its own (profiling slows it down).
    const profiled = await startVault('api', setup, {}, ['--cpu-prof', '--cpu-prof-dir', profDir]);
    children.push(profiled);
    o.log('  profile: 5 s of cached token requests under --cpu-prof');
    const pr = await autocannon({
      url: profiled.url,
      connections: o.connections,
      requests: byAccount,
      duration: 5,
    });
    await profiled.stop();
    const profile = summarizeProfile(profDir, pr.requests.total);

    // Audit: many requests for one account with one key add up in one row per minute. The
    // account served the runs above too: what they left is counted first and taken off.
    const auditAccount = byAccount[0]!.path.split('/')[3];
    const auditRows = async () => {
      const c = await connect(o.db);
      try {
        const [r] = await c.sql<{ n: string; total: string }>(
          `select count(*) as n, coalesce(sum(count), 0) as total from audit_events
            where action = 'token.issued' and resource_id = $1`,
          [auditAccount],
        );
        return { rows: Number(r!.n), counted: Number(r!.total) };
      } finally {
        await c.close();
      }
    };
    const auditBefore = await auditRows();
    const auditVault = await startVault('api', setup, {});
    children.push(auditVault);
    o.log(`  audit: ${o.auditRequests} requests for one account with one key`);
    await autocannon({
      url: auditVault.url,
      connections: o.connections,
      amount: o.auditRequests,
      requests: [byAccount[0]!],
    });
    await auditVault.stop(); // flushes the counts
    const auditAfter = await auditRows();
    return {
      database: o.db.kind,
      accounts: accounts.length,
      connections: o.connections,
      durationS: o.durationS,
      runs,
      fixedRate: { rps: o.rateRps, runs: fixed },
      audit: {
        requests: o.auditRequests,
        rows: auditAfter.rows - auditBefore.rows,
        counted: auditAfter.counted - auditBefore.counted,
      },
      profile,
      vaultRssIdleMb,
      floorSkipped,
    };
  } finally {
    for (const c of children) await c.stop();
  }
}
