// The proxy against the same call made straight to the provider, in one run: a small Jira GET
// (`/rest/api/3/myself`) at the emulator, directly with the account's token and through
// `/v1/connected-accounts/{id}/proxy/jira/…`. Saturated throughput (autocannon, closed loop) and
// latency at an evenly spaced fixed offered rate (open loop).
import autocannon from 'autocannon';
import { connectOne } from './client.ts';
import type { BenchDb } from './lib/db.ts';
import { openLoop, type OpenLoopResult } from './lib/open-loop.ts';
import { freePort, sampleRss, waitQuiet } from './lib/proc.ts';
import { startVault, vaultSetup } from './lib/vault.ts';

export interface ProxyRun {
  target: 'direct' | 'proxy';
  reqPerSec: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

export interface ProxyBenchResult {
  saturated: ProxyRun[];
  fixedRate: { rps: number; runs: (OpenLoopResult & { target: 'direct' | 'proxy' })[] };
  /** the vault's RSS peak over the proxy runs */
  vaultRssMaxMb: number;
}

export async function proxyBench(o: {
  db: BenchDb;
  emulatorUrl: string;
  connections: number;
  durationS: number;
  warmupS: number;
  rateRps: number;
  log: (s: string) => void;
}): Promise<ProxyBenchResult> {
  const setup = vaultSetup(o.db, o.emulatorUrl);
  const port = await freePort();
  const vault = await startVault('api', setup, {
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
  });
  try {
    const acct = await connectOne(vault.url, setup.adminKey, o.emulatorUrl);
    const tok = await fetch(`${vault.url}/v1/connected-accounts/${acct.accountId}/token`, {
      method: 'POST',
      headers: { authorization: `Bearer ${setup.adminKey}` },
    }).then((r) => r.json() as Promise<{ access_token: string; cloud_id: string }>);
    const direct = {
      url: o.emulatorUrl,
      path: `/ex/jira/${tok.cloud_id}/rest/api/3/myself`,
      headers: { authorization: `Bearer ${tok.access_token}`, accept: 'application/json' },
    };
    const proxied = {
      url: vault.url,
      path: `/v1/connected-accounts/${acct.accountId}/proxy/jira/rest/api/3/myself`,
      headers: { authorization: `Bearer ${setup.adminKey}`, accept: 'application/json' },
    };
    const rss = sampleRss(vault.pid);
    const saturated: ProxyRun[] = [];
    const fixed: ProxyBenchResult['fixedRate']['runs'] = [];
    for (const [target, t] of [
      ['direct', direct],
      ['proxy', proxied],
    ] as const) {
      o.log(`  ${target}: ${o.durationS} s saturated, ${o.connections} connections`);
      await waitQuiet([vault.pid]);
      const base = {
        url: t.url,
        connections: o.connections,
        requests: [{ method: 'GET' as const, path: t.path, headers: t.headers }],
      };
      await autocannon({ ...base, duration: o.warmupS });
      const r = await autocannon({ ...base, duration: o.durationS });
      saturated.push({
        target,
        reqPerSec: r.requests.average,
        p50: r.latency.p50,
        p99: r.latency.p99,
        non2xx: r.non2xx,
        errors: r.errors,
      });
      o.log(`  ${target}: ${o.durationS} s at ${o.rateRps} req/s, evenly spaced`);
      await waitQuiet([vault.pid]);
      const fr = await openLoop({
        url: t.url,
        requests: [{ method: 'GET', path: t.path, headers: t.headers }],
        rate: o.rateRps,
        durationS: o.durationS,
        connections: o.connections,
      });
      fixed.push({ target, ...fr });
    }
    return { saturated, fixedRate: { rps: o.rateRps, runs: fixed }, vaultRssMaxMb: rss.stop() };
  } finally {
    await vault.stop();
  }
}
