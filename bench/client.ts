// The TypeScript client (@credential-vault/client) against a real vault process: what a cached
// token() costs in the caller's process, and how many vault requests a busy caller causes.
import { createVaultClient, type Selector } from '../clients/typescript/src/index.ts';
import type { BenchDb } from './lib/db.ts';
import { freePort } from './lib/proc.ts';
import { startVault, vaultSetup } from './lib/vault.ts';

export interface ClientBenchResult {
  /** µs per hot-cache `await client.token(selector)`: median and every run */
  hotTokenUs: { median: number; runs: number[] };
  /** µs per plain `map.get(key)` in the same process (median), and per `await` of an async get */
  mapGetUs: number;
  asyncMapGetUs: number;
  callsPerRun: number;
  /** the simulated busy caller */
  spread: {
    calls: number;
    simulatedS: number;
    concurrency: number;
    tokenLifetimeS: number;
    /** Σ cv_token_requests_total on the vault, before → after */
    vaultRequests: number;
    /** requests the client's fetch made (all routes) */
    clientRequests: number;
  };
}

export interface ClientBenchOptions {
  db: BenchDb;
  emulatorUrl: string;
  log: (s: string) => void;
  runs?: number;
  callsPerRun?: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

async function tokenRequests(vault: { metricsUrl: string }): Promise<number> {
  const text = await fetch(vault.metricsUrl).then((r) => r.text());
  let sum = 0;
  for (const m of text.matchAll(/^cv_token_requests_total(?:\{[^}]*\})? (\S+)$/gm)) {
    sum += Number(m[1]);
  }
  return sum;
}

async function emulator(base: string, path: string, body: unknown) {
  const res = await fetch(`${base}/_emulator/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`emulator ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as Record<string, unknown>;
}

/** One ACTIVE account through the real connect flow (emulator consent over its admin API). */
export async function connectOne(vaultUrl: string, adminKey: string, emulatorUrl: string) {
  const admin = createVaultClient({ url: vaultUrl, apiKey: adminKey });
  const tag = Math.random().toString(36).slice(2, 8);
  const scopes = ['read:jira-work', 'read:jira-user'];
  const secret = `cs-${tag}-${Math.random().toString(36).slice(2)}`.padEnd(40, 'x');
  const cfg = await admin.authConfigs.create({
    name: `client bench ${tag}`,
    provider: 'atlassian',
    client_id: `bench-client-${tag}`,
    client_secret: secret,
    scopes,
  });
  await emulator(emulatorUrl, 'apps', {
    clientId: cfg.client_id,
    clientSecret: secret,
    name: cfg.name,
    callbackUrl: cfg.callback_url,
    scopes,
    accessTokenTtlSeconds: 3600,
  });
  const user = await emulator(emulatorUrl, 'users', {
    email: `${tag}@example.com`,
    name: `Bench ${tag}`,
    sites: [{ name: tag, url: `https://${tag}.atlassian.net` }],
  });
  const created = await admin.connectedAccounts.create({ auth_config_id: cfg.id, user_id: tag });
  const cookies: string[] = [];
  const browse = async (url: string) => {
    const res = await fetch(url, {
      redirect: 'manual',
      headers: cookies.length ? { cookie: cookies.join('; ') } : {},
    });
    for (const c of res.headers.getSetCookie()) cookies.push(c.split(';')[0]!);
    return res;
  };
  const opened = await browse(created.redirect_url!);
  const consent = await emulator(emulatorUrl, 'consent', {
    authorize_url: opened.headers.get('location'),
    account_id: user.accountId,
    decision: 'approve',
  });
  await browse(String(consent.location));
  const account = await admin.connectedAccounts.get(created.id);
  if (account.status !== 'ACTIVE') throw new Error(`bench account is ${account.status}`);
  return { configId: cfg.id, accountId: created.id, userId: tag };
}

export async function clientBench(o: ClientBenchOptions): Promise<ClientBenchResult> {
  const runs = o.runs ?? 7;
  const callsPerRun = o.callsPerRun ?? 200_000;
  const setup = vaultSetup(o.db, o.emulatorUrl);
  const port = await freePort();
  const vault = await startVault('api', setup, {
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
  });
  try {
    const acct = await connectOne(vault.url, setup.adminKey, o.emulatorUrl);
    const sel: Selector = { authConfigId: acct.configId, userId: acct.userId };

    // Hot cache: the answer is cached after the first call; every later one is the cache's.
    o.log(`  hot-cache token(): ${runs} runs × ${callsPerRun} calls`);
    const hot = createVaultClient({ url: vault.url, apiKey: setup.adminKey });
    await hot.token(sel);
    const key = `${acct.configId}:${acct.userId}`;
    const map = new Map([[key, await hot.token(sel)]]);
    const asyncGet = async (k: string) => map.get(k);
    let sink = 0;
    const time = async (fn: () => Promise<void> | void) => {
      const t0 = process.hrtime.bigint();
      await fn();
      return Number(process.hrtime.bigint() - t0) / 1e3 / callsPerRun;
    };
    const hotRuns: number[] = [];
    const mapRuns: number[] = [];
    const asyncRuns: number[] = [];
    for (let r = 0; r < runs; r++) {
      hotRuns.push(
        await time(async () => {
          for (let i = 0; i < callsPerRun; i++) sink += (await hot.token(sel)).expires_in ?? 0;
        }),
      );
      mapRuns.push(
        await time(() => {
          for (let i = 0; i < callsPerRun; i++) sink += map.get(key)?.expires_in ?? 0;
        }),
      );
      asyncRuns.push(
        await time(async () => {
          for (let i = 0; i < callsPerRun; i++) sink += (await asyncGet(key))?.expires_in ?? 0;
        }),
      );
    }
    if (sink === 42) o.log('(unlikely)'); // keeps the loops' results alive

    // A busy caller: 10,000 calls spread over 60 simulated seconds of a 3,600 s token.
    const calls = 10_000;
    const concurrency = 10;
    const simulatedS = 60;
    let clock = Date.now();
    let clientRequests = 0;
    const busy = createVaultClient({
      url: vault.url,
      apiKey: setup.adminKey,
      now: () => clock,
      fetch: (input, init) => {
        clientRequests++;
        return fetch(input, init);
      },
    });
    const other: Selector = { connectedAccountId: acct.accountId };
    o.log(`  ${calls} token() calls over ${simulatedS} simulated seconds`);
    const before = await tokenRequests(vault);
    let lifetime = 0;
    const step = (simulatedS * 1000) / (calls / concurrency);
    for (let i = 0; i < calls; i += concurrency) {
      const batch = await Promise.all(Array.from({ length: concurrency }, () => busy.token(other)));
      if (i === 0) lifetime = batch[0]!.expires_in ?? 0;
      clock += step;
    }
    const vaultRequests = (await tokenRequests(vault)) - before;
    return {
      hotTokenUs: { median: median(hotRuns), runs: hotRuns },
      mapGetUs: median(mapRuns),
      asyncMapGetUs: median(asyncRuns),
      callsPerRun,
      spread: {
        calls,
        simulatedS,
        concurrency,
        tokenLifetimeS: lifetime,
        vaultRequests,
        clientRequests,
      },
    };
  } finally {
    await vault.stop();
  }
}
