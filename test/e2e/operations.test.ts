import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { startEmulator, type Emulator } from '../../src/emulator/index.ts';
import { startCluster } from '../helpers/cluster.ts';
import { startTcpProxy } from '../helpers/tcp-proxy.ts';

/** Operating a real vault process on PostgreSQL: graceful shutdown and a database outage. */
const skip = process.env.TEST_DATABASE_URL ? false : 'needs PostgreSQL (run `npm run test:pg`)';
if (skip) process.stderr.write(`\n*** operations tests skipped: ${skip} ***\n`);

describe('operations on a real process', { skip, concurrency: false }, () => {
  let emu: Emulator;
  before(async () => {
    emu = await startEmulator();
  });
  after(() => emu.close());

  test('SIGTERM mid-refresh finishes the refresh, stores it, releases the lease and exits 0', async (t) => {
    const c = await startCluster(emu);
    t.after(() => c.stop());
    const vault = await c.spawn('all', { REFRESH_CRON: '* * * * * *' }, true);
    const cfg = await c.authConfig(vault);
    const user = emu.addUser({
      email: 't@example.com',
      name: 'T',
      sites: [{ name: 'S', url: 'https://t.atlassian.net' }],
    });
    const id = await c.connect(vault, cfg.id, 't', user.accountId);
    const gen0 = (
      await c.pool.query('select generation from connected_accounts where id = $1', [id])
    ).rows[0].generation;
    const before = emu.counters();
    emu.setFaults({ target: 'token', latencyMs: 2000 });
    await c.pool.query('update connected_accounts set next_refresh_at = now() where id = $1', [id]);
    const deadline = Date.now() + 10_000;
    while (emu.counters().faultsInjected === before.faultsInjected && Date.now() < deadline)
      await sleep(20);
    assert.ok(emu.counters().faultsInjected > before.faultsInjected, 'a refresh is in flight');
    const code = await vault.stop('SIGTERM');
    emu.clearFaults();
    const row = (
      await c.pool.query(
        'select status, generation, lease_owner from connected_accounts where id = $1',
        [id],
      )
    ).rows[0];
    const after = emu.counters();
    t.diagnostic(`emulator refreshes: ${after.refreshes - before.refreshes}`);
    assert.equal(code, 0);
    assert.equal(after.refreshes - before.refreshes, 1);
    assert.deepEqual([row.status, row.generation, row.lease_owner], ['ACTIVE', gen0 + 1, null]);
    // The stored refresh token is the live one: the next refresh is not a reuse.
    const next = await c.spawn('api');
    await c.pool.query(
      `update connected_accounts set last_refreshed_at = now() - interval '3580 seconds', expires_at = now() + interval '20 seconds' where id = $1`,
      [id],
    );
    const tok = await c.api(next, 'POST', `/v1/connected-accounts/${id}/token`, {});
    assert.equal(tok.body.refreshed, true);
    assert.equal(
      emu.counters().reuseInsideLeeway + emu.counters().reuseOutsideLeeway,
      before.reuseInsideLeeway + before.reuseOutsideLeeway,
    );
  });

  test('the database going away: /readyz fails, requests get 503 quickly, and it recovers without a restart', async (t) => {
    const c = await startCluster(emu);
    const url = new URL(process.env.TEST_DATABASE_URL!);
    const proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
    t.after(async () => {
      proxy.close();
      await c.stop();
    });
    // The cluster's database, reached through the proxy.
    const first = await c.spawn('api', {}, true);
    await first.stop();
    c.procs.length = 0;
    const dbUrl = new URL(
      (await c.pool.query('select current_database() as d')).rows[0].d,
      'postgres://x/',
    );
    const viaProxy = `postgres://postgres@127.0.0.1:${proxy.port}/${dbUrl.pathname.slice(1)}`;
    const vault = await c.spawn('api', { DATABASE_URL: viaProxy });
    const get = (path: string) =>
      fetch(`${vault.url}${path}`, {
        headers: { authorization: `Bearer ${c.adminKey}` },
        signal: AbortSignal.timeout(10_000),
      });
    assert.equal((await get('/readyz')).status, 200);
    assert.equal((await get('/v1/auth-configs')).status, 200);

    await proxy.down();
    const ready = await get('/readyz');
    assert.equal(ready.status, 503);
    const res = await get('/v1/auth-configs');
    assert.equal(res.status, 503);
    const body = (await res.json()) as { code: string; detail: string };
    assert.equal(body.code, 'service_unavailable');
    assert.ok(!/postgres|ECONN|select/i.test(body.detail), 'no internals in the body');
    assert.equal(res.headers.get('retry-after'), '2');
    assert.equal(vault.child.exitCode, null, 'the process is still running');

    await proxy.up();
    const until = Date.now() + 20_000;
    let status = 0;
    while (Date.now() < until && status !== 200) {
      status = (await get('/readyz')).status;
      if (status !== 200) await sleep(250);
    }
    assert.equal(status, 200, 'ready again');
    assert.equal((await get('/v1/auth-configs')).status, 200);
  });
});
