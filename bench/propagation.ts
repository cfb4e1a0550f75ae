// A change through replica A, honoured by replica B: how long after A answered does B refuse?
// Two vault processes on one PostgreSQL; B's caches are warm before each change.
import { setTimeout as sleep } from 'node:timers/promises';
import type { BenchDb } from './lib/db.ts';
import { connect } from './lib/db.ts';
import { insertAccounts, seedTenants } from './lib/seed.ts';
import { startVault, vaultSetup } from './lib/vault.ts';

export interface PropagationResult {
  trials: number;
  /** ms from A's answer to the first refusal by B, per kind of change */
  revokedKey: { p50: number; max: number; all: number[] };
  disabledAccount: { p50: number; max: number; all: number[] };
}

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { p50: s[Math.floor(s.length / 2)] ?? NaN, max: s.at(-1) ?? NaN, all: xs };
};

export async function propagationBench(o: {
  db: BenchDb;
  emulatorUrl: string;
  trials: number;
  log: (s: string) => void;
}): Promise<PropagationResult> {
  const setup = vaultSetup(o.db, o.emulatorUrl);
  const a = await startVault('api', setup);
  const b = await startVault('api', setup);
  try {
    const [tenant] = await seedTenants(a.url, setup.operatorKey, 1);
    const conn = await connect(o.db);
    const accounts = await insertAccounts(
      conn.sql,
      setup.masterKey,
      [
        {
          tenant: tenant!,
          count: o.trials,
          site: { cloud_id: 'c', name: 's', url: 'https://s.atlassian.net' },
        },
      ],
      { due: false },
    );
    await conn.close();
    const call = (base: string, key: string, method: string, path: string) =>
      fetch(`${base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${key}`,
          ...(method === 'POST' ? { 'content-type': 'application/json' } : {}),
        },
        body: method === 'POST' ? '{}' : undefined,
      });
    /** A change through A, checked: the measurement starts when A has answered it. */
    const change = async (method: string, path: string) => {
      const r = await call(a.url, tenant!.adminKey, method, path);
      if (r.status !== 200)
        throw new Error(`${method} ${path} on A: ${r.status} ${await r.text()}`);
      return performance.now();
    };
    /** Polls B every 2 ms until `refused`; the ms since `since`. */
    const untilRefused = async (probe: () => Promise<Response>, since: number) => {
      for (;;) {
        const r = await probe();
        if (r.status !== 200) return performance.now() - since;
        if (performance.now() - since > 10_000) throw new Error('B never saw the change');
        await sleep(2);
      }
    };
    const revoked: number[] = [];
    const disabled: number[] = [];
    o.log(`  ${o.trials} trials each: revoke a key on A, disable an account on A`);
    for (let i = 0; i < o.trials; i++) {
      const acct = accounts[i]!;
      const key = (await (
        await fetch(`${a.url}/v1/api-keys`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${tenant!.adminKey}`,
            'content-type': 'application/json',
          },
          body: JSON.stringify({ name: `probe ${i}`, role: 'service' }),
        })
      ).json()) as { id: string; key: string };
      const token = `/v1/connected-accounts/${acct.id}/token`;
      // warm B: the key and the account are in its caches
      for (let w = 0; w < 3; w++) await call(b.url, key.key, 'POST', token);
      const revokedAt = await change('DELETE', `/v1/api-keys/${key.id}`);
      revoked.push(await untilRefused(() => call(b.url, key.key, 'POST', token), revokedAt));

      for (let w = 0; w < 3; w++) await call(b.url, tenant!.serviceKey, 'POST', token);
      const disabledAt = await change('POST', `/v1/connected-accounts/${acct.id}/disable`);
      disabled.push(
        await untilRefused(() => call(b.url, tenant!.serviceKey, 'POST', token), disabledAt),
      );
    }
    return { trials: o.trials, revokedKey: stats(revoked), disabledAccount: stats(disabled) };
  } finally {
    await a.stop();
    await b.stop();
  }
}
