// Tenant B's token requests while tenant A has N provider calls in flight, beside the same load
// without A, in one run. A creates client-credentials accounts against a token endpoint (in this
// process) that answers each request only after `holdMs`; as soon as one creation answers, the
// next starts, so N are always waiting. Each of B's token requests uses a service key never
// verified before, and TOKEN_CACHE=off: each one looks up its key and reads B's account in the
// database, so a transaction held open across A's provider calls (on PGlite: its single
// connection) shows up as B's latency. Printed, never asserted.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BenchDb } from './lib/db.ts';
import { openLoop, type OpenLoopResult } from './lib/open-loop.ts';
import { waitQuiet } from './lib/proc.ts';
import { seedTenants } from './lib/seed.ts';
import { startVault, vaultSetup } from './lib/vault.ts';

export interface SlowProviderRun extends OpenLoopResult {
  target: 'B alone' | 'B beside A';
  /** A's account creations that answered during the measured run (201s / others) */
  aCompleted?: number;
  aFailed?: number;
  /** A's calls waiting at the provider when the measured run started (N when none queues) */
  aAtProvider?: number;
}

export interface SlowProviderResult {
  database: 'postgres' | 'pglite';
  /** A's provider calls kept in flight, and how long the provider takes to answer each */
  slowCalls: number;
  holdMs: number;
  durationS: number;
  runs: SlowProviderRun[];
}

/** A token endpoint: `/slow/token` answers after `holdMs`, anything else at once. */
async function tokenEndpoint(holdMs: number) {
  let waiting = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const answer = () =>
        res.writeHead(200, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            access_token: `at-${randomBytes(16).toString('hex')}`,
            token_type: 'Bearer',
            expires_in: 86_400,
          }),
        );
      if (req.url !== '/slow/token') return answer();
      waiting++;
      setTimeout(() => {
        waiting--;
        answer();
      }, holdMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    waiting: () => waiting,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function post(base: string, key: string, path: string, body: unknown) {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as Record<string, unknown>;
  return { status: res.status, json };
}

const clientCredentials = (tokenUrl: string) => ({
  name: 'slow-provider bench',
  provider: 'oauth2',
  auth_scheme: 'client_credentials',
  client_id: `bench-${randomBytes(4).toString('hex')}`,
  client_secret: `cs-${randomBytes(24).toString('hex')}`,
  scopes: ['read'],
  oauth2: { token_url: tokenUrl, token_request_format: 'form' },
});

export async function slowProviderBench(o: {
  db: BenchDb;
  emulatorUrl: string;
  slowCalls: number;
  holdMs: number;
  rateRps: number;
  durationS: number;
  warmupS: number;
  connections: number;
  log: (s: string) => void;
}): Promise<SlowProviderResult> {
  const endpoint = await tokenEndpoint(o.holdMs);
  const setup = vaultSetup(o.db, o.emulatorUrl);
  const vault = await startVault('api', setup, {
    TOKEN_CACHE: 'off',
    // the token endpoint is on 127.0.0.1
    ALLOW_PRIVATE_EGRESS: 'true',
    PROVIDER_TIMEOUT_MS: String(o.holdMs * 4 + 10_000),
  });
  try {
    const [a, b] = await seedTenants(vault.url, setup.operatorKey, 2);
    const created = async (key: string, path: string, body: unknown) => {
      const r = await post(vault.url, key, path, body);
      if (r.status !== 201) throw new Error(`POST ${path}: ${r.status} ${JSON.stringify(r.json)}`);
      return r.json;
    };
    const aConfig = await created(
      a!.adminKey,
      '/v1/auth-configs',
      clientCredentials(`${endpoint.url}/slow/token`),
    );
    const bConfig = await created(
      b!.adminKey,
      '/v1/auth-configs',
      clientCredentials(`${endpoint.url}/quick/token`),
    );
    const bAccount = await created(b!.adminKey, '/v1/connected-accounts', {
      auth_config_id: bConfig.id,
      user_id: 'b',
    });
    // Every token request of B uses a key the vault has never verified (its lookup reaches the
    // database), and TOKEN_CACHE=off makes the account read reach it too.
    const perRun = o.rateRps * (o.warmupS + o.durationS);
    o.log(`  creating ${2 * perRun} service keys for tenant B (one per token request)`);
    const keys: string[] = [];
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (keys.length < 2 * perRun) {
          keys.push(
            (await created(b!.adminKey, '/v1/api-keys', { name: 'bench', role: 'service' }))
              .key as string,
          );
        }
      }),
    );
    const path = `/v1/connected-accounts/${bAccount.id as string}/token`;
    const tokenRequests = (ks: string[]) =>
      ks.map((key) => ({
        method: 'POST' as const,
        path,
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: '{}',
      }));
    let used = 0;
    const next = (n: number) => tokenRequests(keys.slice(used, (used += n)));
    const run = { url: vault.url, connections: o.connections, rate: o.rateRps };
    // The warm-up runs without A in both cases: with A beside it, a vault that queues B behind A
    // would spend A's whole run on the warm-up and measure B alone.
    const warmUp = () =>
      openLoop({ ...run, requests: next(o.rateRps * o.warmupS), durationS: o.warmupS });
    const measure = async (target: SlowProviderRun['target']): Promise<SlowProviderRun> => ({
      target,
      ...(await openLoop({
        ...run,
        requests: next(o.rateRps * o.durationS),
        durationS: o.durationS,
      })),
    });

    o.log(`  B alone: ${o.durationS} s at ${o.rateRps} req/s`);
    await waitQuiet([vault.pid]);
    await warmUp();
    const alone = await measure('B alone');

    o.log(`  B beside A: the same, while A keeps ${o.slowCalls} provider calls of ${o.holdMs} ms`);
    await waitQuiet([vault.pid]);
    await warmUp();
    // A keeps going for as long as B's load is offered, not until B's last answer: a vault that
    // queues B behind A drains B's backlog once A stops.
    let stop = false;
    let completed = 0;
    let failed = 0;
    const workers = Array.from({ length: o.slowCalls }, async () => {
      while (!stop) {
        const r = await post(vault.url, a!.adminKey, '/v1/connected-accounts', {
          auth_config_id: aConfig.id,
          user_id: `a-${randomBytes(4).toString('hex')}`,
        }).catch(() => ({ status: 0 }));
        if (r.status === 201) completed++;
        else failed++;
      }
    });
    // All N are sent; how many reach the provider at once is part of the answer (a vault that
    // serialises them on its database lets one through at a time), so wait for the first only.
    const until = Date.now() + 10_000;
    while (endpoint.waiting() === 0 && Date.now() < until)
      await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, Math.min(o.holdMs / 2, 1_000)));
    const atProvider = endpoint.waiting();
    const c0 = completed;
    const f0 = failed;
    const aTimer = setTimeout(() => (stop = true), o.durationS * 1000);
    const beside = await measure('B beside A');
    const during = { aCompleted: completed - c0, aFailed: failed - f0, aAtProvider: atProvider };
    clearTimeout(aTimer);
    stop = true;
    await Promise.all(workers);
    return {
      database: o.db.kind,
      slowCalls: o.slowCalls,
      holdMs: o.holdMs,
      durationS: o.durationS,
      runs: [alone, { ...beside, ...during }],
    };
  } finally {
    await vault.stop();
    await endpoint.close();
  }
}
