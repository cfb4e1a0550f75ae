// `npx tsx bench/token-profile.ts [--seconds 8] [--route id|user|off|ceiling] [--connections 10]
// [--semi-space 4] [--strace]`: where a token request's CPU goes, without the whole bench. A vault
// (dist/main.js, the flags `npm start` uses, or another --max-semi-space-size) on a fresh PostgreSQL
// database (DATABASE_URL or the machine's), 10 tenants × 100 accounts, autocannon for `--seconds`
// after a 3 s warm-up, under --cpu-prof: prints the CPU µs per request (/proc), the scavenges and
// mark-compacts per 1,000 requests and the GC pause per request (the vault's own GC metrics), and
// the profile's top entries (start-up included). `--route ceiling` profiles bench/ceiling.ts.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { connect, createPgDatabase, dropAll } from './lib/db.ts';
import { cpuSeconds, killAll, sampleRss, startNode } from './lib/proc.ts';
import { insertAccounts, seedTenants } from './lib/seed.ts';
import { startVault, vaultSetup } from './lib/vault.ts';
import { openLoop } from './lib/open-loop.ts';
import { summarize } from './profile-summary.ts';

const { values: a } = parseArgs({
  options: {
    seconds: { type: 'string', default: '8' },
    route: { type: 'string', default: 'id' },
    connections: { type: 'string', default: '10' },
    top: { type: 'string', default: '30' },
    'semi-space': { type: 'string', default: '4' },
    /** count the server's syscalls during the measured run (strace -c; it slows the server) */
    strace: { type: 'boolean', default: false },
    /** also the latency at this offered rate, evenly spaced (open loop), after the profile run */
    rate: { type: 'string' },
  },
});
/** The vault's collections so far, by kind, and their total pause (prom-client's GC histogram). */
async function gcStats(url: string | undefined) {
  if (!url) return undefined;
  const text = await fetch(url).then((x) => x.text());
  const get = (re: RegExp) => Number(re.exec(text)?.[1] ?? 0);
  return {
    minor: get(/^cv_process_nodejs_gc_duration_seconds_count\{kind="minor"\} (\S+)/m),
    major: get(/^cv_process_nodejs_gc_duration_seconds_count\{kind="major"\} (\S+)/m),
    seconds: [...text.matchAll(/^cv_process_nodejs_gc_duration_seconds_sum\{[^}]*\} (\S+)/gm)]
      .map((m) => Number(m[1]))
      .reduce((x, y) => x + y, 0),
  };
}

const base = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const db = await createPgDatabase(base, 'prof');
const emulator = await startNode('emulator', 'bench/emulator-proc.ts', [], {});
try {
  await emulator.waitReady('/_bench/ready');
  const setup = vaultSetup(db, emulator.url);
  const seeder = await startVault('api', setup);
  const tenants = await seedTenants(seeder.url, setup.operatorKey, 10);
  const conn = await connect(db);
  const accounts = await insertAccounts(
    conn.sql,
    setup.masterKey,
    tenants.map((tenant, i) => ({
      tenant,
      count: 100,
      site: { cloud_id: `cloud-${i}`, name: `site-${i}`, url: `https://site-${i}.atlassian.net` },
    })),
    { due: false },
  );
  await conn.sql('analyze connected_accounts');
  await conn.close();
  await seeder.stop();
  const dir = mkdtempSync(join(tmpdir(), 'cv-tprof-'));
  const flags = [`--max-semi-space-size=${a['semi-space']}`, '--cpu-prof', '--cpu-prof-dir', dir];
  // `--route ceiling`: the HTTP ceiling (bench/ceiling.ts) under the same flags and load
  const vault =
    a.route === 'ceiling'
      ? await startNode('ceiling', 'bench/ceiling.ts', [], {}, flags)
      : await startVault('api', setup, a.route === 'off' ? { TOKEN_CACHE: 'off' } : {}, flags);
  await vault.waitReady();
  const requests = accounts.map((x) => ({
    method: 'POST' as const,
    path:
      a.route === 'user'
        ? `/v1/auth-configs/${x.tenant.configId}/token`
        : `/v1/connected-accounts/${x.id}/token`,
    headers: { authorization: `Bearer ${x.tenant.serviceKey}`, 'content-type': 'application/json' },
    body: a.route === 'user' ? JSON.stringify({ user_id: x.userId }) : '{}',
  }));
  const opts = { url: vault.url, connections: Number(a.connections), requests };
  await autocannon({ ...opts, duration: 3 });
  const metricsUrl = (vault as { metricsUrl?: string }).metricsUrl;
  const gc0 = await gcStats(metricsUrl);
  const straceOut = join(dir, 'strace.txt');
  const strace = a.strace
    ? spawn('strace', ['-c', '-f', '-o', straceOut, '-p', String(vault.pid)], { stdio: 'ignore' })
    : undefined;
  const rss = sampleRss(vault.pid);
  const cpu0 = cpuSeconds(vault.pid);
  const r = await autocannon({ ...opts, duration: Number(a.seconds) });
  const cpu = cpuSeconds(vault.pid) - cpu0;
  const rssMax = rss.stop();
  if (strace) {
    const exited = new Promise((resolve) => strace.once('exit', resolve));
    strace.kill('SIGINT');
    await exited;
    // strace -c: "% time  seconds  usecs/call  calls  errors syscall"
    const counts = readFileSync(straceOut, 'utf8')
      .split('\n')
      .map((l) => l.trim().split(/\s+/))
      .filter((f) => f.length >= 5 && /^\d+$/.test(f[3]!) && f.at(-1) !== 'total')
      .map((f) => ({ name: f.at(-1)!, calls: Number(f[3]) }))
      .sort((x, y) => y.calls - x.calls);
    console.log(
      `syscalls per request (strace -c, slowed run): ${counts
        .slice(0, 8)
        .map((c) => `${c.name} ${(c.calls / r.requests.total).toFixed(2)}`)
        .join(', ')}`,
    );
  }
  const gc1 = await gcStats(metricsUrl);
  if (a.rate) {
    const o = await openLoop({ ...opts, rate: Number(a.rate), durationS: Number(a.seconds) });
    console.log(
      `open loop at ${a.rate} req/s: p50 ${o.p50.toFixed(2)} ms, p90 ${o.p90.toFixed(2)} ms, p99 ${o.p99.toFixed(2)} ms, max ${o.max.toFixed(1)} ms, non2xx ${o.non2xx}`,
    );
  }
  await vault.stop();
  const n = r.requests.total;
  console.log(
    `${a.route}: ${Math.round(r.requests.average)} req/s, non2xx ${r.non2xx}, ${((cpu * 1e6) / n).toFixed(1)} µs CPU/request (whole process, measured run), max RSS ${Math.round(rssMax)} MB`,
  );
  if (gc0 && gc1)
    console.log(
      `gc: ${(((gc1.minor - gc0.minor) * 1000) / n).toFixed(2)} scavenges and ${(((gc1.major - gc0.major) * 1000) / n).toFixed(3)} mark-compacts per 1,000 requests, ${(((gc1.seconds - gc0.seconds) * 1e6) / n).toFixed(1)} µs of GC pause per request`,
    );
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'))!;
  const s = summarize(JSON.parse(readFileSync(join(dir, file), 'utf8')), Number(a.top));
  console.log(`profile ${join(dir, file)}: busy ${s.busyS.toFixed(2)} s (warm-up included)`);
  for (const [title, rows] of [
    ['by package', s.files],
    ['by function', s.functions],
    ['inclusive, our code', s.inclusive],
  ] as const) {
    console.log(`\n${title}`);
    for (const x of rows) console.log(`${(x.share * 100).toFixed(1).padStart(5)}%  ${x.name}`);
  }
} finally {
  await emulator.stop();
  killAll();
  await dropAll();
}
