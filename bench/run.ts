// `npm run bench [-- --pg] [--accounts 100000] [--only token,sweep,idle,client,otel] …`: see bench/README.md.
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { capacityBench } from './capacity.ts';
import { clientBench } from './client.ts';
import { idleTickBench } from './idle-tick.ts';
import { createPgDatabase, createPgliteDir, dropAll, type BenchDb } from './lib/db.ts';
import { killAll, startNode } from './lib/proc.ts';
import { evaluate, render, writeResults, type BenchReport } from './report.ts';
import { sweepBench } from './sweep.ts';
import { tokenBench } from './token.ts';
import { proxyBench } from './proxy.ts';
import { otelBench } from './otel.ts';
import { exchangeBench } from './exchange.ts';
import { propagationBench } from './propagation.ts';
import { readyBench } from './ready.ts';
import { slowProviderBench } from './slow-provider.ts';
import { spawnSync } from 'node:child_process';

const DEFAULT_PG = 'postgres://postgres@127.0.0.1:5432/test';

const { values: a } = parseArgs({
  options: {
    pg: { type: 'boolean', default: false },
    only: {
      type: 'string',
      default:
        'token,ready,propagation,cache-memory,sweep,idle,client,proxy,otel,exchange,slow-provider',
    },
    'slow-calls': { type: 'string', default: '8' },
    'slow-ms': { type: 'string', default: '2000' },
    'slow-rate': { type: 'string', default: '200' },
    'proxy-rate': { type: 'string', default: '500' },
    'exchange-rate': { type: 'string', default: '500' },
    'otel-rounds': { type: 'string', default: '2' },
    accounts: { type: 'string', default: '10000' },
    workers: { type: 'string', default: '1,2' },
    tenants: { type: 'string', default: '10' },
    'per-tenant': { type: 'string', default: '100' },
    connections: { type: 'string', default: '10' },
    rate: { type: 'string', default: '1000' },
    'audit-requests': { type: 'string', default: '100000' },
    trials: { type: 'string', default: '30' },
    'ready-runs': { type: 'string', default: '3' },
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    'idle-rows': { type: 'string', default: '1000000' },
    'capacity-accounts': { type: 'string', default: '1000000' },
    'capacity-hours': { type: 'string', default: '48' },
    'capacity-idle-days': { type: 'string', default: '100' },
    calls: { type: 'string', default: '50' },
    name: { type: 'string' },
    'cpu-prof': { type: 'boolean', default: false },
    /** the whole run's bound in seconds (default: 570 + accounts/100, + 240 for the ceiling) */
    budget: { type: 'string' },
  },
});

const int = (name: keyof typeof a) => {
  const n = Number(a[name]);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer`);
  return n;
};

const log = (s: string) => process.stderr.write(`${s}\n`);

async function main(): Promise<void> {
  if (a.pg) process.env.DATABASE_URL ??= DEFAULT_PG;
  const base = process.env.DATABASE_URL;
  const only = new Set(a.only!.split(',').map((s) => s.trim()));
  const accounts = int('accounts');
  const report: BenchReport = {
    name: a.name ?? (base ? 'pg' : 'pglite'),
    command: `${base && !a.pg ? `DATABASE_URL=${base} ` : ''}npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
    startedAt: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      node: process.version,
      database: base ? `PostgreSQL (${new URL(base).host})` : 'PGlite (embedded)',
    },
    notes: [
      'vault started with LOG_LEVEL=warn: fastify request logs are off the hot path',
      'autocannon runs in the bench process on the same cores as the servers and the database',
    ],
    skipped: [],
    targets: [],
  };
  // Whole-run bound: children killed and databases dropped if it is ever reached.
  // The ceiling's two runs may each wait up to 2 min for a quiet machine.
  const budgetS = a.budget
    ? int('budget')
    : 570 + Math.ceil(accounts / 100) + (only.has('token') ? 240 : 0);
  const watchdog = setTimeout(() => {
    log(`bench: exceeded its ${budgetS} s budget; stopping`);
    killAll();
    void dropAll().finally(() => process.exit(2));
  }, budgetS * 1000);
  watchdog.unref();

  const emulator = await startNode('emulator', 'bench/emulator-proc.ts', [], {});
  await emulator.waitReady('/_bench/ready');
  const fresh = async (label: string): Promise<BenchDb> =>
    base ? createPgDatabase(base, label) : createPgliteDir();
  try {
    if (only.has('token')) {
      log(`token endpoint (${base ? 'PostgreSQL' : 'PGlite'})`);
      const db = await fresh('token');
      try {
        report.token = await tokenBench({
          db,
          emulatorUrl: emulator.url,
          tenants: int('tenants'),
          perTenant: int('per-tenant'),
          connections: int('connections'),
          durationS: int('duration'),
          warmupS: int('warmup'),
          cpuProf: a['cpu-prof']!,
          rateRps: int('rate'),
          auditRequests: int('audit-requests'),
          log,
        });
      } finally {
        await db.drop();
      }
    }
    if (only.has('ready')) {
      log('ready after spawn');
      report.ready = await readyBench({
        fresh,
        postgres: Boolean(base),
        emulatorUrl: emulator.url,
        runs: int('ready-runs'),
        log,
      });
    }
    if (only.has('propagation') && !base)
      report.skipped.push('propagation: needs DATABASE_URL (--pg): two replicas on one database');
    if (only.has('propagation') && base) {
      log('propagation: a change through replica A, seen by replica B');
      const db = await fresh('prop');
      try {
        report.propagation = await propagationBench({
          db,
          emulatorUrl: emulator.url,
          trials: int('trials'),
          log,
        });
      } finally {
        await db.drop();
      }
    }
    if (only.has('cache-memory')) {
      log('cache memory: 100,000 cached accounts');
      const r = spawnSync(
        process.execPath,
        ['--expose-gc', '--import', 'tsx', 'bench/cache-memory.ts', '100000'],
        { encoding: 'utf8' },
      );
      if (r.status !== 0) throw new Error(`cache-memory failed: ${r.stderr}`);
      report.cacheMemory = JSON.parse(r.stdout) as BenchReport['cacheMemory'];
    }
    if (only.has('sweep') && !base) report.skipped.push('refresh sweep: needs DATABASE_URL (--pg)');
    if (only.has('sweep') && base) {
      log(`refresh sweep (${accounts} accounts)`);
      const db = await fresh('sweep');
      try {
        report.sweep = await sweepBench({
          db,
          emulator,
          accounts,
          workerCounts: a.workers!.split(',').map(Number),
          timeoutS: 30 + Math.ceil(accounts / 200),
          cpuProf: a['cpu-prof']!,
          log,
        });
      } finally {
        await db.drop();
      }
    }
    if (only.has('idle') && !base) report.skipped.push('idle tick: needs DATABASE_URL (--pg)');
    if (only.has('idle') && base) {
      log(`idle tick (${int('idle-rows')} accounts)`);
      const db = await fresh('idle');
      try {
        report.idleTick = await idleTickBench({
          db,
          rows: int('idle-rows'),
          calls: int('calls'),
          log,
        });
      } finally {
        await db.drop();
      }
    }
    if (only.has('capacity') && !base) report.skipped.push('capacity: needs DATABASE_URL (--pg)');
    if (only.has('capacity') && base) {
      log(`capacity (${int('capacity-accounts')} accounts per refresh policy)`);
      const db = await fresh('capacity');
      try {
        report.capacity = await capacityBench({
          db,
          accounts: int('capacity-accounts'),
          hours: int('capacity-hours'),
          idleDays: int('capacity-idle-days'),
          log,
        });
      } finally {
        await db.drop();
      }
    }
    if (only.has('client')) {
      log('client: hot-cache token() and vault requests of a busy caller');
      const db = await fresh('client');
      try {
        report.client = await clientBench({ db, emulatorUrl: emulator.url, log });
      } finally {
        await db.drop();
      }
    }
    if (only.has('proxy')) {
      log('proxy: a Jira GET straight to the emulator vs through the vault');
      const db = await fresh('proxy');
      try {
        report.proxy = await proxyBench({
          db,
          emulatorUrl: emulator.url,
          connections: int('connections'),
          durationS: int('duration'),
          warmupS: int('warmup'),
          rateRps: int('proxy-rate'),
          log,
        });
      } finally {
        await db.drop();
      }
    }
    if (only.has('otel')) {
      log('traces: the cached token path with tracing off and on');
      const db = await fresh('otel');
      try {
        report.otel = await otelBench({
          db,
          emulatorUrl: emulator.url,
          connections: int('connections'),
          durationS: int('duration'),
          warmupS: int('warmup'),
          rateRps: int('rate'),
          rounds: int('otel-rounds'),
          log,
        });
      } finally {
        await db.drop();
      }
    }
    if (only.has('exchange')) {
      log('exchange: a token exchange (cached JWKS) vs a plain token read, same key and account');
      const db = await fresh('exchange');
      try {
        report.exchange = await exchangeBench({
          db,
          emulatorUrl: emulator.url,
          connections: int('connections'),
          durationS: int('duration'),
          warmupS: int('warmup'),
          rateRps: int('exchange-rate'),
          log,
        });
      } finally {
        await db.drop();
      }
    }
    if (only.has('slow-provider')) {
      log(`slow provider: tenant B's token requests beside tenant A's slow provider calls`);
      const db = await fresh('slow');
      try {
        report.slowProvider = await slowProviderBench({
          db,
          emulatorUrl: emulator.url,
          slowCalls: int('slow-calls'),
          holdMs: int('slow-ms'),
          rateRps: int('slow-rate'),
          durationS: int('duration'),
          warmupS: int('warmup'),
          connections: int('connections'),
          log,
        });
      } finally {
        await db.drop();
      }
    }
  } finally {
    await emulator.stop();
  }
  report.targets = evaluate(report);
  const file = writeResults(report);
  process.stdout.write(`${render(report)}\n\nresults: ${file} (and bench/results/latest.json)\n`);
  clearTimeout(watchdog);
}

const abort = (signal: string) => {
  log(`bench: ${signal}; stopping children and dropping databases`);
  killAll();
  void dropAll().finally(() => process.exit(130));
};
process.on('SIGINT', () => abort('SIGINT'));
process.on('SIGTERM', () => abort('SIGTERM'));

main().catch(async (err: unknown) => {
  log(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  killAll();
  await dropAll();
  process.exit(1);
});
