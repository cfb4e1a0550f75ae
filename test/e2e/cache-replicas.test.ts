import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { startEmulator, type Emulator } from '../../src/emulator/index.ts';
import { startCluster } from '../helpers/cluster.ts';
import { parseMetrics } from '../helpers/metrics.ts';
import { freePort, type VaultProcess } from '../helpers/process.ts';
import { startTcpProxy } from '../helpers/tcp-proxy.ts';

/**
 * The token path's caches across replicas (docs/contracts.md#caching-and-revocation): a change
 * through replica A is honoured by replica B once announced, and a B that lost its announcements
 * answers from the database until it has subscribed again. PostgreSQL only: two processes, one
 * database.
 */
const skip = process.env.TEST_DATABASE_URL ? false : 'needs PostgreSQL (run `npm run test:pg`)';
if (skip) process.stderr.write(`\n*** cache-replicas tests skipped: ${skip} ***\n`);

/** Polls until `ok(status)` holds (deadline 5 s), then checks it keeps holding for 20 requests. */
async function settles(
  label: string,
  probe: () => Promise<{ status: number; body: Record<string, unknown> }>,
  ok: (r: { status: number; body: Record<string, unknown> }) => boolean,
) {
  const until = Date.now() + 5_000;
  let last = await probe();
  while (!ok(last)) {
    assert.ok(Date.now() < until, `${label}: still ${last.status} ${JSON.stringify(last.body)}`);
    await sleep(10);
    last = await probe();
  }
  for (let i = 0; i < 20; i++) {
    const r = await probe();
    assert.ok(ok(r), `${label}: went back to ${r.status} ${JSON.stringify(r.body)}`);
  }
}

const metric = async (metricsPort: number, name: string) =>
  parseMetrics(await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text()).value(name);
const cacheLive = (metricsPort: number) => metric(metricsPort, 'cv_cache_live');

/**
 * The promise, not a speed: from 1 s after the change committed (its response is back, so the
 * commit came earlier still), every answer reflects it — checked on 30 requests in a row.
 */
async function honouredFrom(
  label: string,
  committedAt: number,
  probe: () => Promise<{ status: number; body: Record<string, unknown> }>,
  ok: (r: { status: number; body: Record<string, unknown> }) => boolean,
) {
  const wait = committedAt + 1_000 - Date.now();
  if (wait > 0) await sleep(wait);
  for (let i = 0; i < 30; i++) {
    const r = await probe();
    assert.ok(ok(r), `${label}: probe ${i} got ${r.status} ${JSON.stringify(r.body)}`);
  }
}

describe('cache invalidation across replicas', { skip, concurrency: false }, () => {
  let emu: Emulator;
  before(async () => {
    emu = await startEmulator();
  });
  after(() => emu.close());

  test('revocations, disables, reconnects, refreshes, deletions through A are honoured by B', async (t) => {
    const c = await startCluster(emu);
    t.after(() => c.stop());
    const a = await c.spawn('api', {}, true);
    const b = await c.spawn('api');
    const cfg = await c.authConfig(a);
    const user = emu.addUser({
      email: 'r@example.com',
      name: 'R',
      sites: [{ name: 'S', url: 'https://r.atlassian.net' }],
    });
    const id = await c.connect(a, cfg.id, 'r', user.accountId);
    const key = async () =>
      (await c.api(a, 'POST', '/v1/api-keys', { name: 'svc', role: 'service' })).body as {
        id: string;
        key: string;
      };
    const token = (p: VaultProcess, k: string, body: unknown = {}) =>
      c.api(p, 'POST', `/v1/connected-accounts/${id}/token`, body, k);
    const svc = await key();
    const warm = (await token(b, svc.key)).body.access_token as string;
    assert.ok(warm);
    assert.equal((await token(b, svc.key)).status, 200);

    // a key revoked on A
    assert.equal((await c.api(a, 'DELETE', `/v1/api-keys/${svc.id}`)).status, 200);
    await settles(
      'revoked key',
      () => token(b, svc.key),
      (r) => r.status === 401,
    );

    // an account disabled on A, then enabled again
    const svc2 = await key();
    assert.equal((await token(b, svc2.key)).status, 200);
    assert.equal((await c.api(a, 'POST', `/v1/connected-accounts/${id}/disable`)).status, 200);
    await settles(
      'disabled account',
      () => token(b, svc2.key),
      (r) => r.status === 409 && r.body.code === 'connected_account_not_active',
    );
    assert.equal((await c.api(a, 'POST', `/v1/connected-accounts/${id}/enable`)).status, 200);
    await settles(
      'enabled account',
      () => token(b, svc2.key),
      (r) => r.status === 200,
    );

    // a refresh on A: B serves the new token
    await c.pool.query(
      `update connected_accounts set expires_at = now() + interval '100 seconds' where id = $1`,
      [id],
    );
    const refreshed = await token(a, svc2.key, { min_ttl: 3300 });
    assert.equal(refreshed.body.refreshed, true);
    await settles(
      'refreshed token',
      () => token(b, svc2.key),
      (r) => r.status === 200 && r.body.access_token === refreshed.body.access_token,
    );
    assert.notEqual(refreshed.body.access_token, warm);

    // a reconnect through A: B serves the new grant's token
    const re = await c.api(a, 'POST', `/v1/connected-accounts/${id}/reconnect`, {});
    assert.equal(re.status, 200);
    await c.connectLink(a, re.body.redirect_url, user.accountId);
    const afterReconnect = (await token(a, svc2.key)).body.access_token;
    assert.notEqual(afterReconnect, refreshed.body.access_token);
    await settles(
      'reconnected account',
      () => token(b, svc2.key),
      (r) => r.status === 200 && r.body.access_token === afterReconnect,
    );

    // the config disabled on A
    assert.equal((await c.api(a, 'POST', `/v1/auth-configs/${cfg.id}/disable`)).status, 200);
    await settles(
      'disabled config',
      () => token(b, svc2.key),
      (r) => r.status === 409 && r.body.code === 'auth_config_disabled',
    );
    assert.equal((await c.api(a, 'POST', `/v1/auth-configs/${cfg.id}/enable`)).status, 200);
    await settles(
      'enabled config',
      () => token(b, svc2.key),
      (r) => r.status === 200,
    );

    // the account deleted on A
    assert.equal((await c.api(a, 'DELETE', `/v1/connected-accounts/${id}`)).status, 204);
    await settles(
      'deleted account',
      () => token(b, svc2.key),
      (r) => r.status === 404,
    );

    // a whole tenant deleted on A: its keys stop working on B
    const tenant = await c.api(a, 'POST', '/v1/tenants', { name: 'doomed' }, c.operatorKey);
    const admin = await c.api(
      a,
      'POST',
      `/v1/tenants/${tenant.body.id}/api-keys`,
      { name: 'a', role: 'admin' },
      c.operatorKey,
    );
    const list = () => c.api(b, 'GET', '/v1/auth-configs', undefined, admin.body.key);
    assert.equal((await list()).status, 200);
    assert.equal(
      (await c.api(a, 'DELETE', `/v1/tenants/${tenant.body.id}`, undefined, c.operatorKey)).status,
      204,
    );
    await settles('deleted tenant', list, (r) => r.status === 401);
  });

  test('a replica that lost its announcements answers from the database until it has them again', async (t) => {
    const c = await startCluster(emu);
    t.after(() => c.stop());
    const pgUrl = new URL(c.dbUrl);
    const proxy = await startTcpProxy({ host: pgUrl.hostname, port: Number(pgUrl.port || 5432) });
    t.after(() => proxy.close());
    const listenUrl = new URL(c.dbUrl);
    listenUrl.hostname = '127.0.0.1';
    listenUrl.port = String(proxy.port);
    const a = await c.spawn('api', {}, true);
    const metricsPort = await freePort();
    const b = await c.spawn('api', {
      DATABASE_LISTEN_URL: listenUrl.toString(),
      METRICS_PORT: String(metricsPort),
    });
    const cfg = await c.authConfig(a);
    const user = emu.addUser({
      email: 'l@example.com',
      name: 'L',
      sites: [{ name: 'S', url: 'https://l.atlassian.net' }],
    });
    const id = await c.connect(a, cfg.id, 'l', user.accountId);
    const svc = (await c.api(a, 'POST', '/v1/api-keys', { name: 'svc', role: 'service' })).body;
    const token = (p: VaultProcess) =>
      c.api(p, 'POST', `/v1/connected-accounts/${id}/token`, {}, svc.key);
    assert.equal((await token(b)).status, 200);
    assert.equal(await cacheLive(metricsPort), 1);

    // B's LISTEN connection is cut; its pool still reaches the database.
    await proxy.down();
    const until = Date.now() + 5_000;
    while ((await cacheLive(metricsPort)) !== 0) {
      assert.ok(Date.now() < until, 'B noticed the lost subscription');
      await sleep(20);
    }
    assert.equal((await token(b)).status, 200, 'B keeps serving, from the database');
    assert.equal((await c.api(a, 'POST', `/v1/connected-accounts/${id}/disable`)).status, 200);
    // No announcement reaches B, yet it answers right at once: it does not trust its cache.
    const r = await token(b);
    assert.deepEqual([r.status, r.body.code], [409, 'connected_account_not_active']);
    assert.equal((await c.api(a, 'POST', `/v1/connected-accounts/${id}/enable`)).status, 200);
    assert.equal((await token(b)).status, 200);

    // Subscribed again: caching resumes, and announcements are honoured.
    await proxy.up();
    const again = Date.now() + 15_000;
    while ((await cacheLive(metricsPort)) !== 1) {
      assert.ok(Date.now() < again, 'B subscribed again');
      await sleep(50);
    }
    assert.equal((await token(b)).status, 200);
    assert.equal((await c.api(a, 'DELETE', `/v1/api-keys/${svc.id}`)).status, 200);
    await settles(
      'revoked key after resubscribing',
      () => token(b),
      (x) => x.status === 401,
    );
  });

  test('a LISTEN connection that goes silent: nothing changed through A is served by B 1 s after the commit', async (t) => {
    const c = await startCluster(emu);
    const pgUrl = new URL(c.dbUrl);
    const proxy = await startTcpProxy({ host: pgUrl.hostname, port: Number(pgUrl.port || 5432) });
    // The proxy goes first: a process stopping must not wait on a connection left silent.
    t.after(async () => {
      proxy.close();
      await c.stop();
    });
    const listenUrl = new URL(c.dbUrl);
    listenUrl.hostname = '127.0.0.1';
    listenUrl.port = String(proxy.port);
    const a = await c.spawn('api', {}, true);
    const metricsPort = await freePort();
    const b = await c.spawn('api', {
      DATABASE_LISTEN_URL: listenUrl.toString(),
      METRICS_PORT: String(metricsPort),
    });
    const cfg = await c.authConfig(a);
    const user = emu.addUser({
      email: 's@example.com',
      name: 'S',
      sites: [{ name: 'S', url: 'https://s.atlassian.net' }],
    });
    const id = await c.connect(a, cfg.id, 's', user.accountId);
    const newKey = async () =>
      (await c.api(a, 'POST', '/v1/api-keys', { name: 'svc', role: 'service' })).body as {
        id: string;
        key: string;
      };
    const token = (k: string) => c.api(b, 'POST', `/v1/connected-accounts/${id}/token`, {}, k);
    const lookups = () => metric(metricsPort, 'cv_api_key_lookups_total');
    /**
     * B answers 200 from its cache: five requests in a row read no key from the database. (The
     * announcement of the key's creation may reach B after its first lookup and drop that entry
     * once: hence a few rounds.)
     */
    const servedFromCache = async (k: string) => {
      const until = Date.now() + 5_000;
      for (;;) {
        const before = await lookups();
        for (let i = 0; i < 5; i++) assert.equal((await token(k)).status, 200);
        if ((await lookups()) === before) return;
        assert.ok(Date.now() < until, 'B verifies the key from its cache');
      }
    };
    const untilLive = async (label: string) => {
      const until = Date.now() + 15_000;
      while ((await cacheLive(metricsPort)) !== 1) {
        assert.ok(Date.now() < until, label);
        await sleep(50);
      }
    };

    // A key revoked through A while B's LISTEN connection is silent both ways (the path is dead).
    const k1 = await newKey();
    await servedFromCache(k1.key);
    assert.equal(await cacheLive(metricsPort), 1);
    proxy.silence('all');
    assert.equal((await c.api(a, 'DELETE', `/v1/api-keys/${k1.id}`)).status, 200);
    await honouredFrom(
      'revoked key',
      Date.now(),
      () => token(k1.key),
      (r) => r.status === 401,
    );

    // The path comes back: B subscribes again, serves from its cache, and hears A again.
    proxy.resume();
    await untilLive('B subscribed again once the path was back');
    const k2 = await newKey();
    await servedFromCache(k2.key);

    // An account disabled through A while a NAT has forgotten B's connection (new ones work).
    proxy.silence('open');
    assert.equal((await c.api(a, 'POST', `/v1/connected-accounts/${id}/disable`)).status, 200);
    await honouredFrom(
      'disabled account',
      Date.now(),
      () => token(k2.key),
      (r) => r.status === 409 && r.body.code === 'connected_account_not_active',
    );
    assert.equal((await c.api(a, 'POST', `/v1/connected-accounts/${id}/enable`)).status, 200);
    await settles(
      'enabled account',
      () => token(k2.key),
      (r) => r.status === 200,
    );

    // B reconnected on its own: caching resumes, and a later revocation is honoured.
    await untilLive('B reconnected without help');
    await servedFromCache(k2.key);
    assert.equal((await c.api(a, 'DELETE', `/v1/api-keys/${k2.id}`)).status, 200);
    await settles(
      'revoked key after reconnecting',
      () => token(k2.key),
      (r) => r.status === 401,
    );
  });
});
