// Time from spawn to ready: the vault logs `ready_ms` (process uptime) in its "ready" line.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { BenchDb } from './lib/db.ts';
import { startVault, vaultSetup } from './lib/vault.ts';

export interface ReadyResult {
  /** ms per start, in order */
  postgres?: number[];
  pgliteFirst: number[];
  pgliteRestart: number[];
}

async function readyMs(env: Record<string, string>, setup: ReturnType<typeof vaultSetup>) {
  const v = await startVault('api', setup, { LOG_LEVEL: 'info', ...env });
  const m = /"ready_ms":(\d+)/.exec(v.output());
  await v.stop();
  if (!m) throw new Error(`no ready_ms in the vault's output:\n${v.output()}`);
  return Number(m[1]);
}

export async function readyBench(o: {
  fresh: (label: string) => Promise<BenchDb>;
  postgres: boolean;
  emulatorUrl: string;
  runs: number;
  log: (s: string) => void;
}): Promise<ReadyResult> {
  const out: ReadyResult = { pgliteFirst: [], pgliteRestart: [] };
  for (let i = 0; i < o.runs; i++) {
    o.log(`  PGlite, first start and restart (${i + 1}/${o.runs})`);
    const dataDir = mkdtempSync(join(tmpdir(), 'cv-ready-'));
    const setup = vaultSetup({ kind: 'pglite', dataDir, drop: async () => {} }, o.emulatorUrl);
    out.pgliteFirst.push(await readyMs({}, setup));
    out.pgliteRestart.push(await readyMs({}, setup));
  }
  if (o.postgres) {
    out.postgres = [];
    for (let i = 0; i < o.runs; i++) {
      o.log(`  PostgreSQL, a fresh database (${i + 1}/${o.runs})`);
      const db = await o.fresh(`ready${randomBytes(2).toString('hex')}`);
      try {
        out.postgres.push(await readyMs({}, vaultSetup(db, o.emulatorUrl)));
      } finally {
        await db.drop();
      }
    }
  }
  return out;
}
