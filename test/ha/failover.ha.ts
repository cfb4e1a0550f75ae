// The vault through a real PostgreSQL failover (pg_auto_failover: a monitor, a primary and a
// standby on loopback), once with synchronous replication and once without. Run by
// `npm run test:ha` (scripts/ha/test-ha.sh), which installs pg_auto_failover when missing.
//
// No vault process is restarted: they reach "the primary" through a multi-host connection string
// with target_session_attrs=read-write. Callers fetch tokens with min_ttl throughout and check each
// one at the emulator's Jira. The figures are printed; what is asserted are the invariants: only
// 200s and retryable 503s, no token short of min_ttl or refused by the provider, no refresh token
// reused outside the provider's leeway, every account ACTIVE, and with synchronous replication no
// refresh lost.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { clientFor } from '../../src/db/hosts.ts';
import { startEmulator, type Emulator } from '../../src/emulator/index.ts';
import { startFormation, stopNow, type Formation } from '../../scripts/ha/pg-auto-failover.ts';
import { outage, startCallers, startFleet, summarize } from './fleet.ts';

const ACCOUNTS = 24;
const TOKEN_TTL_SECONDS = 30;

async function readAccounts(url: string) {
  const { Client, connectionString } = clientFor(url, 3_000);
  const c = new Client({ connectionString });
  await c.connect();
  try {
    const r = await c.query<{ id: string; generation: number; status: string }>(
      'select id, generation, status from connected_accounts',
    );
    return r.rows;
  } finally {
    await c.end();
  }
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe(
  'the vault through a PostgreSQL failover (pg_auto_failover)',
  { concurrency: false },
  () => {
    let formation: Formation;
    let emu: Emulator;
    const onSignal = () => {
      if (formation) stopNow(formation.dir);
      process.exit(130);
    };

    before(async () => {
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      formation = await startFormation({ fast: process.env.HA_MONITOR_DEFAULTS !== '1' });
      emu = await startEmulator();
    });
    after(async () => {
      await emu?.close();
      await formation?.stop();
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    });

    for (const mode of ['sync', 'async'] as const) {
      test(`${mode === 'sync' ? 'synchronous' : 'asynchronous'} replication: the primary is killed under load; no process restarted`, async (t) => {
        await formation.replication(mode);
        const dbName = `vault_${mode}`;
        await formation.createDatabase(dbName);
        const url = formation.url(dbName);
        const fleet = await startFleet({ emu, dbUrl: () => url });
        t.after(() => fleet.stop());
        await fleet.add('api');
        await fleet.add('api');
        await fleet.add('worker');
        const { accountIds } = await fleet.connectAccounts(ACCOUNTS, TOKEN_TTL_SECONDS);
        const workers = fleet.slots;

        const gen0 = new Map((await readAccounts(url)).map((r) => [r.id, r.generation]));
        const refreshed0 = sum(await Promise.all(workers.map((s) => fleet.refreshedBy(s))));
        const emu0 = emu.counters();

        const callers = startCallers({
          fleet,
          accountIds,
          concurrency: 8,
          // up to two thirds of the token's life: some calls need a refresh on demand
          minTtl: () => 5 + Math.floor(Math.random() * 15),
        });
        await sleep(6_000);

        // Replication lag of our own making (the primary sends its standby nothing for 2 s), then
        // the primary dies as in a power cut.
        // Meanwhile callers that need nearly a whole token refresh accounts on demand: at most once
        // each (a fresh token then satisfies them for 5 s), as in production, where refreshes of one
        // account are minutes apart. Those writes are what replication may lose.
        const oldPrimary = (await formation.primary())!;
        await formation.freezeSender(oldPrimary);
        const eager = startCallers({
          fleet,
          accountIds,
          concurrency: 4,
          minTtl: () => TOKEN_TTL_SECONDS - 5,
        });
        await sleep(2_000);
        const crashAt = Date.now();
        formation.crash(oldPrimary);
        const eagerDone = eager.stop();
        let promotedAt = 0;
        for (const until = Date.now() + 180_000; Date.now() < until; await sleep(100)) {
          const p = await formation.primary().catch(() => undefined);
          if (p && p.name !== oldPrimary.name) {
            promotedAt = Date.now();
            break;
          }
        }
        assert.ok(promotedAt, 'pg_auto_failover promoted the standby');
        // Long enough for every account to be refreshed on the new primary at least once.
        await sleep(TOKEN_TTL_SECONDS * 1000);
        await callers.stop();
        await eagerDone;
        const answers = [...callers.answers, ...eager.answers].sort((a, b) => a.at - b.at);

        const rows = await readAccounts(url);
        const advance = sum(rows.map((r) => r.generation - (gen0.get(r.id) ?? r.generation)));
        const refreshed =
          sum(await Promise.all(workers.map((s) => fleet.refreshedBy(s)))) - refreshed0;
        const emu1 = emu.counters();
        const rotations = emu1.refreshes - emu0.refreshes;
        const reuseInside = emu1.reuseInsideLeeway - emu0.reuseInsideLeeway;
        const reuseOutside = emu1.reuseOutsideLeeway - emu0.reuseOutsideLeeway;
        const notActive = rows.filter((r) => r.status !== 'ACTIVE');
        const s = summarize(answers);
        const gap = outage(answers, crashAt);
        const figures = {
          replication: mode,
          'monitor timings': process.env.HA_MONITOR_DEFAULTS === '1' ? 'defaults' : 'fast',
          'promotion after the crash (s)': ((promotedAt - crashAt) / 1000).toFixed(1),
          'failover seen by callers (s, first failed to first successful request)': gap
            ? (gap.ms / 1000).toFixed(1)
            : 'none failed',
          'token requests': s.total,
          'answers by kind': s.byKind,
          'share failed': `${(s.share503 * 100).toFixed(2)}%`,
          'p50 / p99 / max (ms)': `${s.p50} / ${s.p99} / ${s.max}`,
          'refreshes written (as the processes report)': refreshed,
          'generations advanced in the database': advance,
          'refreshes lost (written, then gone with the old primary)': refreshed - advance,
          'provider rotations the vault did not keep': rotations - advance,
          'reuse inside / outside the leeway': `${reuseInside} / ${reuseOutside}`,
          'accounts not ACTIVE': notActive.length,
        };
        t.diagnostic(`figures: ${JSON.stringify(figures)}`);
        process.stdout.write(
          `\nfailover figures (${mode}):\n${JSON.stringify(figures, null, 2)}\n`,
        );

        assert.deepEqual(s.notAllowed.slice(0, 5), [], 'only 200s and retryable 503s');
        assert.deepEqual(
          s.bad.slice(0, 5),
          [],
          'every token meets min_ttl and works at the provider',
        );
        assert.equal(reuseOutside, 0, 'no refresh token reused outside the leeway');
        assert.deepEqual(notActive, [], 'every account ACTIVE');
        assert.ok(s.byKind['200']! > 0);
        if (mode === 'sync') assert.equal(refreshed - advance, 0, 'no refresh lost');

        // The old primary comes back as the new standby, ready for the next run.
        formation.restart(oldPrimary);
        await formation.waitStable();
      });
    }
  },
);
