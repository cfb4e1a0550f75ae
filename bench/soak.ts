// npm run soak [-- --short | --minutes N] [-- --seed N]: a chaos soak of the whole vault.
//
// Two API replicas and two refresh workers on one PostgreSQL (the machine's, a database of the
// soak's own), each behind a TCP proxy of its own; 40 accounts with 40-second tokens at the
// emulator. Throughout: callers fetch tokens with min_ttl and check every token at the emulator's
// Jira; processes are SIGKILLed and started again at random; database connections are cut or go
// silent; the emulator answers 15% of token requests 503 after 40 ms and now and then loses an
// answer after committing the rotation (holdAfterIssueMs).
//
// It prints answers by kind, p99, kills, cuts, faults, refreshes, reuse inside/outside the leeway
// and accounts not ACTIVE, and exits 1 on a token shorter than min_ttl, a token the provider
// refuses, an answer other than 200 or a retryable 503, a reuse outside the leeway, or an account
// that left ACTIVE. The long form runs 10 minutes; `--short` about one (CI).
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { startEmulator } from '../src/emulator/index.ts';
import { startTcpProxy } from '../test/helpers/tcp-proxy.ts';
import { startCallers, startFleet, summarize, type Slot } from '../test/ha/fleet.ts';

const args = process.argv.slice(2);
const arg = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const short = args.includes('--short');
const seconds = Number(arg('--seconds') ?? Number(arg('--minutes') ?? (short ? 1 : 10)) * 60);
const seed = Number(arg('--seed') ?? Date.now() % 100_000);

// A seeded generator for the chaos schedule, so that two runs (before and after a change) can
// meet the same faults in the same order.
let state = seed >>> 0 || 1;
const random = () => {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const between = (lo: number, hi: number) => lo + random() * (hi - lo);

const ACCOUNTS = 40;
const TOKEN_TTL_SECONDS = 40;
const PROVIDER_TIMEOUT_MS = 3_000;
const BASELINE_FAULTS = {
  target: 'token' as const,
  status: 503 as const,
  rate: 0.15,
  latencyMs: 40,
};

const base = process.env.SOAK_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const dbName = `cv_soak_${randomBytes(4).toString('hex')}`;

async function admin<T>(fn: (c: pg.Client) => Promise<T>, db?: string): Promise<T> {
  const url = new URL(base);
  if (db) url.pathname = `/${db}`;
  const c = new pg.Client({ connectionString: url.toString() });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

const proxies = new Map<string, Awaited<ReturnType<typeof startTcpProxy>>>();
const target = new URL(base);

async function main() {
  console.log(
    `soak: ${seconds} s, seed ${seed}; ${ACCOUNTS} accounts with ${TOKEN_TTL_SECONDS} s tokens; database ${dbName}`,
  );
  await admin((c) => c.query(`create database ${dbName}`));
  const emu = await startEmulator();
  const fleet = await startFleet({
    emu,
    env: { PROVIDER_TIMEOUT_MS: String(PROVIDER_TIMEOUT_MS) },
    async dbUrl(slot) {
      const proxy = await startTcpProxy({
        host: target.hostname,
        port: Number(target.port || 5432),
      });
      proxies.set(slot, proxy);
      const url = new URL(base);
      url.hostname = '127.0.0.1';
      url.port = String(proxy.port);
      url.pathname = `/${dbName}`;
      return url.toString();
    },
  });
  const cleanup = async () => {
    await fleet.stop().catch(() => {});
    for (const p of proxies.values()) p.close();
    await emu.close().catch(() => {});
    await admin((c) => c.query(`drop database if exists ${dbName} with (force)`)).catch(() => {});
  };
  process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));
  try {
    await fleet.add('api');
    await fleet.add('api');
    await fleet.add('worker');
    await fleet.add('worker');
    const { accountIds } = await fleet.connectAccounts(ACCOUNTS, TOKEN_TTL_SECONDS);
    const emu0 = emu.counters();
    emu.setFaults(BASELINE_FAULTS);

    const callers = startCallers({
      fleet,
      accountIds,
      concurrency: 8,
      minTtl: () => 5 + Math.floor(Math.random() * 20),
    });
    const counts = { kills: 0, cuts: 0, silences: 0, lostAnswers: 0 };
    const busy = new Set<string>();
    const pending: Promise<void>[] = [];
    const pick = (pred: (s: Slot) => boolean) => {
      const free = fleet.slots.filter((s) => !busy.has(s.name) && pred(s));
      return free[Math.floor(random() * free.length)];
    };
    /** One fault on one slot at a time; the slot is left alone until it is over. */
    const act = (slot: Slot, fault: () => Promise<void>) => {
      busy.add(slot.name);
      pending.push(fault().finally(() => busy.delete(slot.name)));
    };

    const end = Date.now() + seconds * 1000;
    while (Date.now() < end) {
      await sleep(between(1_500, 4_000));
      const r = random();
      if (r < 0.3) {
        // A process dies (never the last API replica standing) and is started again.
        const slot = pick(
          (s) =>
            s.role === 'worker' ||
            fleet.slots.filter((x) => x.role === 'api' && x.alive).length > 1,
        );
        if (!slot) continue;
        counts.kills++;
        act(slot, async () => {
          await slot.kill();
          await sleep(between(500, 3_000));
          await slot.start();
        });
      } else if (r < 0.6) {
        // Its database connections are cut (refused until restored).
        const slot = pick(() => true);
        if (!slot) continue;
        counts.cuts++;
        act(slot, async () => {
          const proxy = proxies.get(slot.name)!;
          await proxy.down();
          await sleep(between(500, 4_000));
          await proxy.up();
        });
      } else if (r < 0.8) {
        // Its database path goes silent (a forgotten NAT flow), briefly.
        const slot = pick(() => true);
        if (!slot) continue;
        counts.silences++;
        act(slot, async () => {
          const proxy = proxies.get(slot.name)!;
          proxy.silence('all');
          await sleep(between(300, 2_000));
          proxy.resume();
        });
      } else {
        // The provider commits a rotation and its answer never arrives in time.
        counts.lostAnswers++;
        const held = emu.counters().issuedAfterHold;
        emu.setFaults({ target: 'token', holdAfterIssueMs: PROVIDER_TIMEOUT_MS + 1_000, count: 1 });
        for (const until = Date.now() + 5_000; Date.now() < until; await sleep(50)) {
          if (emu.counters().issuedAfterHold > held) break;
        }
        emu.setFaults(BASELINE_FAULTS);
      }
    }
    await Promise.all(pending);
    await callers.stop();
    emu.clearFaults();
    // Everyone back: the workers catch up with whatever the faults left behind.
    await sleep(TOKEN_TTL_SECONDS * 500);

    const emu1 = emu.counters();
    const statuses = await admin(
      (c) =>
        c.query<{ status: string; n: number }>(
          `select status, count(*)::int as n from connected_accounts group by status`,
        ),
      dbName,
    );
    const notActive = statuses.rows
      .filter((r) => r.status !== 'ACTIVE')
      .reduce((a, r) => a + r.n, 0);
    const s = summarize(callers.answers);
    const reuseOutside = emu1.reuseOutsideLeeway - emu0.reuseOutsideLeeway;
    const figures = {
      seconds,
      seed,
      'token requests': s.total,
      'answers by kind': s.byKind,
      'share of 503s': `${(s.share503 * 100).toFixed(2)}%`,
      'p50 / p99 / max (ms)': `${s.p50} / ${s.p99} / ${s.max}`,
      'requests to a replica killed under them (sent again elsewhere)': callers.noAnswer,
      'processes killed': counts.kills,
      'database connections cut / silenced': `${counts.cuts} / ${counts.silences}`,
      'provider faults injected': emu1.faultsInjected - emu0.faultsInjected,
      'provider answers lost after the rotation': emu1.issuedAfterHold - emu0.issuedAfterHold,
      refreshes: emu1.refreshes - emu0.refreshes,
      'reuse inside / outside the leeway': `${emu1.reuseInsideLeeway - emu0.reuseInsideLeeway} / ${reuseOutside}`,
      'accounts not ACTIVE': notActive,
    };
    console.log(JSON.stringify(figures, null, 2));
    const problems = [
      ...s.notAllowed.slice(0, 5).map((a) => `answer not allowed: ${a.kind}`),
      ...s.bad.slice(0, 5).map((a) => `bad token: ${a.bad}`),
      ...(reuseOutside ? [`${reuseOutside} refresh tokens reused outside the leeway`] : []),
      ...(notActive ? [`${notActive} accounts not ACTIVE`] : []),
      ...(s.byKind['200'] ? [] : ['no token was served']),
    ];
    if (problems.length) {
      console.error(`SOAK FAILED:\n  ${problems.join('\n  ')}`);
      process.exitCode = 1;
    } else console.log('soak passed');
  } finally {
    await cleanup();
  }
}

await main();
