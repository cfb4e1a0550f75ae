// The vault under test: a real `node dist/main.js --role …` process (the compiled build, as in production).
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DIST, build, isStale } from '../../scripts/build.mjs';
import { parseMasterKeys, type MasterKey } from '../../src/crypto/master-keys.ts';
import { newApiKey } from '../../src/features/api-keys/secrets.ts';
import type { BenchDb } from './db.ts';
import { freePort, startNode, type Child } from './proc.ts';

export interface VaultSetup {
  env: Record<string, string>;
  masterKey: MasterKey;
  operatorKey: string;
  adminKey: string;
}

export function vaultSetup(db: BenchDb, emulatorUrl: string): VaultSetup {
  const masterKeys = `k1:${randomBytes(32).toString('base64')}`;
  const operatorKey = newApiKey().token;
  const adminKey = newApiKey().token;
  const env: Record<string, string> = {
    NODE_ENV: 'production',
    VAULT_MASTER_KEYS: masterKeys,
    VAULT_BOOTSTRAP_ADMIN_KEY: adminKey,
    VAULT_BOOTSTRAP_OPERATOR_KEY: operatorKey,
    // fastify's per-request log lines are at info: off the hot path, as in a quiet production setup
    LOG_LEVEL: 'warn',
    DB_POOL_MAX: '16',
    ATLASSIAN_AUTH_URL: emulatorUrl,
    ATLASSIAN_API_URL: emulatorUrl,
    ...(db.url ? { DATABASE_URL: db.url } : { DATA_DIR: db.dataDir! }),
  };
  return { env, masterKey: parseMasterKeys(masterKeys)[0]!, operatorKey, adminKey };
}

/**
 * Node flags for the vault: `--cpu-prof` writes one V8 profile per thread into
 * bench/results/prof/<label>-<time>/.
 */
export function profileArgs(enabled: boolean, label: string): string[] {
  if (!enabled) return [];
  const dir = join(import.meta.dirname, '..', 'results', 'prof', `${label}-${Date.now()}`);
  mkdirSync(dir, { recursive: true });
  return ['--cpu-prof', '--cpu-prof-dir', dir];
}

let built: Promise<void> | undefined;

export async function startVault(
  role: 'api' | 'worker',
  setup: VaultSetup,
  env: Record<string, string> = {},
  nodeArgs: string[] = [],
): Promise<Child & { metricsUrl: string }> {
  // dist/ rebuilt once per run when a source changed since the last build.
  await (built ??= isStale() ? build() : Promise.resolve());
  // /metrics has a listener of its own (loopback); each vault process gets a free port.
  const metricsPort = await freePort();
  const v = await startNode(
    `vault ${role}`,
    // BENCH_VAULT_ENTRY: another entry point to compare builds (a .ts one runs through tsx)
    process.env.BENCH_VAULT_ENTRY ?? join(DIST, 'main.js'),
    ['--role', role],
    { ...setup.env, METRICS_PORT: String(metricsPort), ...env },
    // the flags `npm start` and the image run the vault with
    ['--max-semi-space-size=4', ...nodeArgs],
  );
  await v.waitReady('/healthz', 120_000);
  return Object.assign(v, { metricsUrl: `http://127.0.0.1:${metricsPort}/metrics` });
}
