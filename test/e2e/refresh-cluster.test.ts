import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { startEmulator, type Emulator } from '../../src/emulator/index.ts';
import { startCluster } from '../helpers/cluster.ts';

/**
 * Refresh safety across real processes sharing one PostgreSQL (issue "Always-fresh tokens"). PGlite
 * is a single process, so these run in the PostgreSQL pass only; CI fails that pass if they skip.
 */
const skip = process.env.TEST_DATABASE_URL
  ? false
  : 'needs PostgreSQL: several vault processes cannot share one embedded PGlite (run `npm run test:pg`)';
if (skip) process.stderr.write(`\n*** refresh-cluster tests skipped: ${skip} ***\n`);

describe('refresh across vault processes', { skip, concurrency: false }, () => {
  let emu: Emulator;
  before(async () => {
    emu = await startEmulator();
  });
  after(() => emu.close());

  test('200 concurrent token requests over 3 processes for an expiring token cause exactly one refresh', async (t) => {
    const c = await startCluster(emu);
    t.after(() => c.stop());
    const procs = [await c.spawn('api', {}, true), await c.spawn('api'), await c.spawn('api')];
    const cfg = await c.authConfig(procs[0]!);
    const user = emu.addUser({
      email: 'x@example.com',
      name: 'X',
      sites: [{ name: 'S', url: 'https://s.atlassian.net' }],
    });
    const id = await c.connect(procs[0]!, cfg.id, 'u', user.accountId);
    // An hour has passed: the stored token has 30 s left, below the default min_ttl of 60 s.
    await c.pool.query(
      `update connected_accounts set connected_at = connected_at - interval '3570 seconds', expires_at = expires_at - interval '3570 seconds' where id = $1`,
      [id],
    );
    const before = emu.counters();
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        c.api(procs[i % 3]!, 'POST', `/v1/auth-configs/${cfg.id}/token`, { user_id: 'u' }),
      ),
    );
    const after = emu.counters();
    const refreshes = after.refreshes - before.refreshes;
    t.diagnostic(
      `emulator refreshes: ${refreshes}; reuse inside leeway: ${after.reuseInsideLeeway - before.reuseInsideLeeway}`,
    );
    assert.deepEqual([...new Set(results.map((r) => r.status))], [200]);
    assert.equal(refreshes, 1);
    assert.equal(after.reuseInsideLeeway - before.reuseInsideLeeway, 0);
    assert.equal(
      new Set(results.map((r) => r.body.access_token)).size,
      1,
      'every caller got the same token',
    );
    assert.ok(results.every((r) => r.body.expires_in > 3000));
    assert.ok(results.filter((r) => r.body.refreshed).length >= 1);
  });

  test('1,000 accounts over many refresh cycles with 3 worker processes: all ACTIVE, no reuse outside the leeway', async (t) => {
    const c = await startCluster(emu);
    t.after(() => c.stop());
    const front = await c.spawn('api', {}, true);
    // 20-second tokens: each account refreshes about every 8–10 s. Nobody uses these accounts, so
    // the config keeps them all warm (`refresh_policy: always`): the test is about the workers.
    const cfg = await c.authConfig(
      front,
      { accessTokenTtlSeconds: 20 },
      { refresh_policy: 'always' },
    );
    const users = Array.from({ length: 1000 }, (_, i) =>
      emu.addUser({
        email: `u${i}@example.com`,
        name: `U${i}`,
        sites: [{ name: `S${i}`, url: `https://s${i}.atlassian.net` }],
      }),
    );
    const ids: string[] = [];
    for (let i = 0; i < users.length; i += 25) {
      ids.push(
        ...(await Promise.all(
          users
            .slice(i, i + 25)
            .map((u, j) => c.connect(front, cfg.id, `user-${i + j}`, u.accountId)),
        )),
      );
    }
    const before = emu.counters();
    const started = Date.now();
    const workerEnv = { REFRESH_CRON: '* * * * * *', REFRESH_CONCURRENCY: '32' };
    await Promise.all([
      c.spawn('worker', workerEnv),
      c.spawn('worker', workerEnv),
      c.spawn('worker', workerEnv),
    ]);
    const cycles = 4;
    const deadline = Date.now() + 120_000;
    let minPerFamily = 0;
    while (Date.now() < deadline) {
      await sleep(2000);
      // Families of this test's accounts: the ones the earlier tests' snapshot does not know.
      const counts = Object.entries(emu.counters().refreshesByFamily)
        .filter(([family]) => !(family in before.refreshesByFamily))
        .map(([, n]) => n);
      minPerFamily = counts.length >= 1000 ? Math.min(...counts) : 0;
      if (minPerFamily >= cycles) break;
    }
    await Promise.all(c.procs.map((p) => p.stop()));
    const after = emu.counters();
    const statuses = await c.pool.query(
      `select status, count(*)::int as n from connected_accounts group by status`,
    );
    t.diagnostic(
      `emulator refreshes: ${after.refreshes - before.refreshes} in ${Math.round((Date.now() - started) / 1000)} s; min per account: ${minPerFamily}; reuse inside leeway: ${after.reuseInsideLeeway - before.reuseInsideLeeway}; outside: ${after.reuseOutsideLeeway - before.reuseOutsideLeeway}`,
    );
    assert.ok(
      minPerFamily >= cycles,
      `every account refreshed at least ${cycles} times (min ${minPerFamily})`,
    );
    assert.deepEqual(statuses.rows, [{ status: 'ACTIVE', n: 1000 }]);
    assert.equal(after.reuseOutsideLeeway - before.reuseOutsideLeeway, 0);
    assert.equal(after.familiesRevoked - before.familiesRevoked, 0);
    assert.equal(ids.length, 1000);
  });

  test('a process killed after the provider issued new tokens but before storing them leaves the account ACTIVE', async (t) => {
    const c = await startCluster(emu);
    t.after(() => c.stop());
    const leaseEnv = { REFRESH_CRON: '* * * * * *', REFRESH_LEASE_SECONDS: '3' };
    const victim = await c.spawn('all', leaseEnv, true);
    const cfg = await c.authConfig(victim);
    const user = emu.addUser({
      email: 'k@example.com',
      name: 'K',
      sites: [{ name: 'S', url: 'https://k.atlassian.net' }],
    });
    const id = await c.connect(victim, cfg.id, 'k', user.accountId);
    const before = emu.counters();
    emu.setFaults({ target: 'token', holdAfterIssueMs: 60_000 });
    await c.pool.query(`update connected_accounts set next_refresh_at = now() where id = $1`, [id]);
    const deadline = Date.now() + 20_000;
    while (emu.counters().issuedAfterHold === before.issuedAfterHold && Date.now() < deadline)
      await sleep(20);
    assert.ok(
      emu.counters().issuedAfterHold > before.issuedAfterHold,
      'the emulator issued new tokens',
    );
    await victim.stop('SIGKILL');
    emu.clearFaults();
    const held = await c.pool.query(
      `select generation, lease_owner from connected_accounts where id = $1`,
      [id],
    );
    assert.ok(
      held.rows[0].lease_owner,
      'the dead process still holds the lease; nothing was stored',
    );

    const survivor = await c.spawn('all', leaseEnv);
    const until = Date.now() + 30_000;
    let row;
    while (Date.now() < until) {
      row = (
        await c.pool.query(`select status, generation from connected_accounts where id = $1`, [id])
      ).rows[0];
      if (row.generation > held.rows[0].generation) break;
      await sleep(200);
    }
    const after = emu.counters();
    t.diagnostic(
      `emulator refreshes: ${after.refreshes - before.refreshes}; reuse inside leeway: ${after.reuseInsideLeeway - before.reuseInsideLeeway}; outside: ${after.reuseOutsideLeeway - before.reuseOutsideLeeway}`,
    );
    assert.equal(row.status, 'ACTIVE');
    assert.ok(row.generation > held.rows[0].generation, 'the next attempt refreshed');
    assert.equal(
      after.reuseInsideLeeway - before.reuseInsideLeeway,
      1,
      'the old refresh token was reused inside the leeway',
    );
    assert.equal(after.reuseOutsideLeeway - before.reuseOutsideLeeway, 0);
    const tok = await c.api(survivor, 'POST', `/v1/connected-accounts/${id}/token`, {});
    const jira = await fetch(`${emu.url}/ex/jira/${tok.body.cloud_id}/rest/api/3/myself`, {
      headers: { authorization: `Bearer ${tok.body.access_token}` },
    });
    assert.equal(jira.status, 200);
  });
});
