// Import throughput: `npx tsx bench/import.ts [--pg] [--records 1000]` (see bench/README.md).
// The vault (`dist/main.js --role api`) imports N records whose refresh tokens the emulator (its own
// process) knows, each verified by a refresh, accessible-resources and /me. Printed beside a
// baseline from the same run: the same three provider calls for N other tokens made by this process
// directly, as many at a time as the import makes them — what the import cannot beat.
import { parseArgs } from 'node:util';
import { createPgDatabase, createPgliteDir, dropAll, type BenchDb } from './lib/db.ts';
import { killAll, startNode, type Child } from './lib/proc.ts';
import { seedTenants } from './lib/seed.ts';
import { startVault, vaultSetup } from './lib/vault.ts';

const DEFAULT_PG = 'postgres://postgres@127.0.0.1:5432/test';
/** The import's provider concurrency: half of OUTBOUND_CONCURRENCY_PER_TENANT's default (16). */
const CONCURRENCY = 8;

const { values: a } = parseArgs({
  options: {
    pg: { type: 'boolean', default: false },
    records: { type: 'string', default: '1000' },
  },
});
const records = Number(a.records);
if (!Number.isInteger(records) || records < 1 || records > 10_000)
  throw new Error('--records must be 1-10000');
const log = (s: string) => process.stderr.write(`${s}\n`);

async function post(url: string, body: unknown, key?: string) {
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(key ? { authorization: `Bearer ${key}` } : {}),
    },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`POST ${url}: ${res.status} ${JSON.stringify(json).slice(0, 300)}`);
  return json;
}

/** The provider's side alone: refresh, accessible-resources and /me per token, CONCURRENCY at once. */
async function providerBaseline(emu: Child, app: { id: string; secret: string }, tokens: string[]) {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < tokens.length) {
        const token = tokens[next++]!;
        const got = await post(`${emu.url}/oauth/token`, {
          grant_type: 'refresh_token',
          client_id: app.id,
          client_secret: app.secret,
          refresh_token: token,
        });
        const auth = { authorization: `Bearer ${String(got.access_token)}` };
        for (const path of ['/oauth/token/accessible-resources', '/me']) {
          const res = await fetch(`${emu.url}${path}`, { headers: auth });
          if (!res.ok) throw new Error(`${path}: ${res.status}`);
          await res.arrayBuffer();
        }
      }
    }),
  );
  return (performance.now() - t0) / 1000;
}

async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const r = await f();
  return [r, (performance.now() - t0) / 1000];
}

async function main() {
  const base = a.pg ? (process.env.DATABASE_URL ?? DEFAULT_PG) : undefined;
  const db: BenchDb = base ? await createPgDatabase(base, 'import') : createPgliteDir();
  const emulator = await startNode('emulator', 'bench/emulator-proc.ts', [], {});
  await emulator.waitReady('/_bench/ready');
  const setup = vaultSetup(db, emulator.url);
  const vault = await startVault('api', setup, { RATE_LIMIT_PER_KEY: '1000000' });
  const [tenant] = await seedTenants(vault.url, setup.operatorKey, 1);
  const app = { id: tenant!.clientId, secret: tenant!.clientSecret };
  const families = async () =>
    (
      (await post(`${emulator.url}/_bench/families`, {
        client_id: app.id,
        client_secret: app.secret,
        count: records,
      })) as { refresh_tokens: string[] }
    ).refresh_tokens;
  const forImport = await families();
  const forBaseline = await families();
  const body = forImport.map((refresh_token, i) => ({
    auth_config_id: tenant!.configId,
    user_id: `user-${i}`,
    refresh_token,
    external_id: `bench-${i}`,
  }));
  const url = `${vault.url}/v1/connected-accounts/import`;

  log(
    `provider baseline: ${records} × (refresh, accessible-resources, /me), ${CONCURRENCY} at a time`,
  );
  const baselineS = await providerBaseline(emulator, app, forBaseline);
  log('dry run');
  const [, dryS] = await timed(() => post(`${url}?dry_run=true`, body, tenant!.adminKey));
  log('import');
  const [answer, importS] = await timed(() => post(url, body, tenant!.adminKey));
  log('the same file again (all unchanged)');
  const [again, againS] = await timed(() => post(url, body, tenant!.adminKey));

  const rate = (s: number) => `${Math.round(records / s)} records/s`.padStart(16);
  const secs = (s: number) => `${s.toFixed(2)} s`.padStart(9);
  const out = [
    `import bench: ${records} records, ${base ? 'PostgreSQL' : 'PGlite'}, provider concurrency ${CONCURRENCY}`,
    `  provider calls alone (baseline)  ${secs(baselineS)} ${rate(baselineS)}`,
    `  import (verify + store)          ${secs(importS)} ${rate(importS)}   counts ${JSON.stringify(answer.counts)}`,
    `  dry run (no provider call)       ${secs(dryS)} ${rate(dryS)}`,
    `  second import (all unchanged)    ${secs(againS)} ${rate(againS)}   counts ${JSON.stringify(again.counts)}`,
  ];
  process.stdout.write(`${out.join('\n')}\n`);
}

main()
  .catch((err) => {
    process.stderr.write(`${(err as Error).stack ?? err}\n`);
    process.exitCode = 1;
  })
  .finally(async () => {
    killAll();
    await dropAll();
  });
