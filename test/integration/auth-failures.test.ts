// Failed authentications are limited per source, but never lock out a key that verifies; made-up
// keys are refused from memory (no lookup) while the change feed is live; TRUST_PROXY decides
// whose X-Forwarded-For names the source. Each test speaks from addresses of its own.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { InjectOptions } from 'fastify';
import { newApiKey } from '../../src/features/api-keys/secrets.ts';
import { atlassianSetup, runFlow, startFlowFixture } from '../helpers/flow.ts';
import { readMetrics } from '../helpers/metrics.ts';
import { startTcpProxy } from '../helpers/tcp-proxy.ts';
import { startTestVault, type TestVault } from '../helpers/vault.ts';

const LIMIT = 20;
let fx: Awaited<ReturnType<typeof startFlowFixture>>;
before(async () => {
  fx = await startFlowFixture({ env: { AUTH_FAILURES_PER_IP: String(LIMIT) } });
});
after(() => fx.close());

interface Sent {
  from?: string;
  key?: string;
  body?: object;
  headers?: Record<string, string>;
}

/** A request over the vault's HTTP stack from the TCP peer `from`. */
async function send(vault: TestVault, method: InjectOptions['method'], url: string, s: Sent) {
  const res = await vault.app.inject({
    method,
    url,
    remoteAddress: s.from ?? '127.0.0.1',
    headers: { ...(s.key ? { authorization: `Bearer ${s.key}` } : {}), ...s.headers },
    ...(s.body ? { payload: s.body } : {}),
  });
  let body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  try {
    body = res.body ? JSON.parse(res.body) : undefined;
  } catch {
    body = undefined;
  }
  return { status: res.statusCode, body, headers: res.headers };
}

/** A well-formed key no vault ever issued, minted a day ago (so no announcement can be pending). */
const madeUp = () => newApiKey(new Date(Date.now() - 86_400_000)).token;

const lookups = async (vault: TestVault) =>
  (await readMetrics(vault, { gauges: false })).value('cv_api_key_lookups_total');

/** `n` made-up keys from `from`: the statuses, in order, and the first 429's Retry-After. */
async function flood(vault: TestVault, from: string, n: number, key = madeUp, headers = {}) {
  const statuses: number[] = [];
  let retryAfter: string | undefined;
  for (let i = 0; i < n; i++) {
    const r = await send(vault, 'GET', '/v1/auth-configs', { from, key: key(), headers });
    statuses.push(r.status);
    if (r.status === 429) {
      assert.equal(r.body.code, 'rate_limited');
      retryAfter ??= String(r.headers['retry-after']);
    }
  }
  return { statuses, retryAfter };
}

const limited = (n: number, limit = LIMIT) => [
  ...Array<number>(limit).fill(401),
  ...Array<number>(n - limit).fill(429),
];

/** Polls `check` (an HTTP call) until it holds: for what another replica learns from the feed. */
async function eventually(check: () => Promise<boolean>, ms = 5_000) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('not reached in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

test('100 made-up keys from one address: 401, then 429 past the limit; valid keys from there still pass, and none of it is looked up', async () => {
  const { vault, emu } = fx;
  const s = await atlassianSetup(vault, emu);
  const run = await runFlow(
    vault,
    emu,
    s.adminKey,
    { auth_config_id: s.configId, user_id: 'u' },
    { decision: 'approve', accountId: s.user.accountId },
  );
  const source = '198.51.100.10';
  const before = await lookups(vault);

  const { statuses, retryAfter } = await flood(vault, source, 100);
  assert.deepEqual(statuses, limited(100));
  assert.ok(Number(retryAfter) >= 1 && Number(retryAfter) <= 60, `Retry-After ${retryAfter}`);
  assert.equal(await lookups(vault), before, 'a made-up key costs no lookup');

  // The admin key (cached) on an admin route and the token route, from the flooding address.
  assert.equal(
    (await send(vault, 'GET', '/v1/auth-configs', { from: source, key: s.adminKey })).status,
    200,
  );
  const token = await send(vault, 'POST', `/v1/connected-accounts/${run.accountId}/token`, {
    from: source,
    key: s.adminKey,
    body: {},
  });
  assert.equal(token.status, 200, JSON.stringify(token.body));
  // A key never used before (not cached, minted now) passes too: it is known, so it is looked up.
  const fresh = await send(vault, 'POST', '/v1/api-keys', {
    from: '192.0.2.10',
    key: s.adminKey,
    body: { name: 'fresh', role: 'service' },
  });
  assert.equal(fresh.status, 201);
  const viaFresh = await send(vault, 'POST', `/v1/connected-accounts/${run.accountId}/token`, {
    from: source,
    key: fresh.body.key,
    body: {},
  });
  assert.equal(viaFresh.status, 200, JSON.stringify(viaFresh.body));
  assert.equal(await lookups(vault), before + 1, 'the fresh key, once');
  assert.equal(
    (await send(vault, 'GET', '/v1/auth-configs', { from: source, key: fresh.body.key })).status,
    403,
    'a service key on an admin route: forbidden, not a failed authentication',
  );
  // The source is still limited for what fails, and so is a valid id with a wrong secret.
  assert.deepEqual((await flood(vault, source, 1)).statuses, [429]);
  const wrongSecret = `${fresh.body.key.slice(0, 31)}${newApiKey().token.slice(31)}`;
  assert.deepEqual((await flood(vault, source, 3, () => wrongSecret)).statuses, [429, 429, 429]);
  // (On PostgreSQL the database's own announcement of the new key, which follows this process's,
  // may drop its cached entry once more.)
  assert.ok((await lookups(vault)) <= before + 2);
  // Keys that are not even well-formed, and no key at all, count as failures too.
  const other = '198.51.100.11';
  const garbage = await flood(vault, other, LIMIT + 2, () => 'not-a-key-at-all');
  assert.deepEqual(garbage.statuses, limited(LIMIT + 2));
  assert.equal((await send(vault, 'GET', '/v1/auth-configs', { from: other })).status, 429);
});

test('made-up keys minted just now (memory cannot vouch for them yet) cost a lookup only while their source is in good standing', async () => {
  const { vault } = fx;
  const { adminKey } = await vault.newTenant();
  const source = '198.51.100.20';
  const before = await lookups(vault);
  const { statuses } = await flood(vault, source, 60, () => newApiKey().token);
  assert.deepEqual(statuses, limited(60));
  assert.equal(await lookups(vault), before + LIMIT);
  assert.equal(
    (await send(vault, 'GET', '/v1/auth-configs', { from: source, key: adminKey })).status,
    200,
  );
});

test('a revoked key is refused at once, and refusing it again costs no lookup', async () => {
  const { vault } = fx;
  const { adminKey } = await vault.newTenant();
  const from = '198.51.100.30';
  const k = await send(vault, 'POST', '/v1/api-keys', {
    key: adminKey,
    body: { name: 'short-lived', role: 'admin' },
  });
  assert.equal(
    (await send(vault, 'GET', '/v1/auth-configs', { from, key: k.body.key })).status,
    200,
  );
  assert.equal(
    (await send(vault, 'DELETE', `/v1/api-keys/${k.body.id}`, { key: adminKey })).status,
    200,
  );
  const before = await lookups(vault);
  const { statuses } = await flood(vault, from, LIMIT + 5, () => k.body.key);
  assert.deepEqual(statuses, limited(LIMIT + 5));
  // Once after the revocation (and on PostgreSQL perhaps once more, when the database's own
  // announcement of it arrives after this process's).
  assert.ok((await lookups(vault)) - before <= 2, 'refusing a revoked key again costs no lookup');
});

test('another replica learns new keys from the feed (it passes one from a flooding address) and refuses revoked ones', async () => {
  const a = fx.vault;
  const b = await startTestVault({
    shareDatabaseOf: a,
    env: { AUTH_FAILURES_PER_IP: String(LIMIT) },
  });
  try {
    const { adminKey } = await a.newTenant();
    const k = await send(a, 'POST', '/v1/api-keys', {
      key: adminKey,
      body: { name: 'k', role: 'admin' },
    });
    assert.equal(k.status, 201);
    const source = '198.51.100.40';
    const before = await lookups(b);
    assert.deepEqual((await flood(b, source, 30)).statuses, limited(30));
    assert.equal(await lookups(b), before, 'made-up keys cost replica B no lookup either');
    // Minted a moment ago and from an address past its limit: B passes it only because the
    // feed told B about it (an id B could not vouch for would be refused before its lookup).
    await eventually(
      async () =>
        (await send(b, 'GET', '/v1/auth-configs', { from: source, key: k.body.key })).status ===
        200,
    );
    assert.equal(
      (await send(a, 'DELETE', `/v1/api-keys/${k.body.id}`, { key: adminKey })).status,
      200,
    );
    await eventually(
      async () =>
        (await send(b, 'GET', '/v1/auth-configs', { from: '192.0.2.40', key: k.body.key }))
          .status === 401,
      1_000,
    );
  } finally {
    await b.close();
  }
});

test('while the change feed is down, unknown keys are looked up only for sources in good standing (fail closed)', async () => {
  const c = await startTestVault({
    shareDatabaseOf: fx.vault,
    env: { AUTH_FAILURES_PER_IP: String(LIMIT) },
  });
  try {
    const { adminKey } = await c.newTenant();
    await c.deps.changes.stop();
    const source = '198.51.100.50';
    const before = await lookups(c);
    assert.deepEqual((await flood(c, source, 50)).statuses, limited(50));
    assert.equal(await lookups(c), before + LIMIT, 'bounded by the limit');
    // Nothing can be vouched for now, not even a valid key: refused before its lookup.
    assert.equal(
      (await send(c, 'GET', '/v1/auth-configs', { from: source, key: adminKey })).status,
      429,
    );
    assert.equal(
      (await send(c, 'GET', '/v1/auth-configs', { from: '192.0.2.50', key: adminKey })).status,
      200,
    );
  } finally {
    await c.close();
  }
});

const pgOnly = process.env.TEST_DATABASE_URL
  ? false
  : 'needs PostgreSQL, whose LISTEN connection can be cut (run with --pg)';
if (pgOnly) process.stderr.write(`\n*** auth-failures: one test skipped: ${pgOnly} ***\n`);

test(
  'a replica whose feed was cut falls back to bounded lookups, then reloads the key ids: keys made meanwhile are known',
  { skip: pgOnly },
  async () => {
    const a = fx.vault;
    const pgUrl = new URL(a.deps.database.url!);
    const proxy = await startTcpProxy({ host: pgUrl.hostname, port: Number(pgUrl.port || 5432) });
    const listenUrl = new URL(pgUrl);
    listenUrl.hostname = '127.0.0.1';
    listenUrl.port = String(proxy.port);
    const b = await startTestVault({
      shareDatabaseOf: a,
      env: { AUTH_FAILURES_PER_IP: String(LIMIT), DATABASE_LISTEN_URL: listenUrl.toString() },
    });
    try {
      const { adminKey } = await a.newTenant();
      await proxy.down();
      await eventually(async () => !b.deps.changes.live);
      // Made while B hears nothing: only a reload can tell B about it.
      const k = await send(a, 'POST', '/v1/api-keys', {
        key: adminKey,
        body: { name: 'k', role: 'admin' },
      });
      assert.equal(k.status, 201);
      const before = await lookups(b);
      assert.deepEqual((await flood(b, '198.51.100.90', 30)).statuses, limited(30));
      assert.equal(await lookups(b), before + LIMIT, 'down: looked up while in good standing only');
      assert.equal(
        (await send(b, 'GET', '/v1/auth-configs', { from: '198.51.100.90', key: k.body.key }))
          .status,
        429,
        'fail closed',
      );
      await proxy.up();
      await eventually(async () => b.deps.changes.live, 10_000);
      await b.deps.services.apiKeys.loadKnownIds();
      const after = await lookups(b);
      assert.deepEqual((await flood(b, '198.51.100.91', 30)).statuses, limited(30));
      assert.equal(await lookups(b), after, 'live again: made-up keys cost nothing');
      assert.equal(
        (await send(b, 'GET', '/v1/auth-configs', { from: '198.51.100.91', key: k.body.key }))
          .status,
        200,
      );
    } finally {
      await b.close();
      proxy.close();
    }
  },
);

test('TRUST_PROXY off: X-Forwarded-For is ignored, so a client cannot dodge its limit nor write the audit trail', async () => {
  const { vault } = fx;
  const { adminKey } = await vault.newTenant();
  let n = 0;
  const forged = () => ({ 'x-forwarded-for': `203.0.113.${++n}` });
  const statuses: number[] = [];
  for (let i = 0; i < LIMIT + 3; i++)
    statuses.push(
      (
        await send(vault, 'GET', '/v1/auth-configs', {
          from: '198.51.100.60',
          key: madeUp(),
          headers: forged(),
        })
      ).status,
    );
  assert.deepEqual(statuses, limited(LIMIT + 3));
  const k = await send(vault, 'POST', '/v1/api-keys', {
    from: '198.51.100.61',
    key: adminKey,
    body: { name: 'audited', role: 'service' },
    headers: { 'x-forwarded-for': '203.0.113.200' },
  });
  const audit = await send(vault, 'GET', `/v1/audit-events?resource_id=${k.body.id}`, {
    key: adminKey,
  });
  assert.deepEqual(
    audit.body.data.map((e: { ip: string }) => e.ip),
    ['198.51.100.61'],
  );
});

test('TRUST_PROXY set to the proxy: failures count per forwarded client, the audit records it, and only that proxy is believed', async () => {
  const proxy = '10.1.2.3';
  const v = await startTestVault({
    shareDatabaseOf: fx.vault,
    env: { AUTH_FAILURES_PER_IP: String(LIMIT), TRUST_PROXY: `${proxy}, 127.0.0.1` },
  });
  try {
    const { adminKey } = await v.newTenant();
    const via = (client: string) => ({ 'x-forwarded-for': client });
    // Client X's made-up keys, through the proxy, never limit client Y behind the same proxy.
    assert.deepEqual(
      (await flood(v, proxy, LIMIT + 5, madeUp, via('198.51.100.70'))).statuses,
      limited(LIMIT + 5),
    );
    assert.deepEqual(
      (await flood(v, proxy, 3, madeUp, via('198.51.100.71'))).statuses,
      [401, 401, 401],
    );
    assert.deepEqual((await flood(v, proxy, 1, madeUp, via('198.51.100.70'))).statuses, [429]);
    // A peer that is not the proxy is its own source, whatever it forwards (X, over its limit).
    assert.deepEqual(
      (await flood(v, '192.0.2.70', 1, madeUp, via('198.51.100.70'))).statuses,
      [401],
    );
    // The audit trail records the client the proxy names (the nearest untrusted hop).
    const k = await send(v, 'POST', '/v1/api-keys', {
      from: proxy,
      key: adminKey,
      body: { name: 'audited', role: 'service' },
      headers: via('6.6.6.6, 198.51.100.72'),
    });
    assert.equal(k.status, 201);
    const audit = await send(v, 'GET', `/v1/audit-events?resource_id=${k.body.id}`, {
      key: adminKey,
    });
    assert.deepEqual(
      audit.body.data.map((e: { ip: string }) => e.ip),
      ['198.51.100.72'],
    );
  } finally {
    await v.close();
  }
});

test('TRUST_PROXY as a hop count: the client is that many hops back, whatever a client prepends', async () => {
  const v = await startTestVault({ shareDatabaseOf: fx.vault, env: { TRUST_PROXY: '2' } });
  try {
    const { adminKey } = await v.newTenant();
    // peer (hop 0) → 10.0.0.9 (hop 1, trusted) → the client 198.51.100.80; "6.6.6.6" is forged.
    const k = await send(v, 'POST', '/v1/api-keys', {
      from: '10.0.0.1',
      key: adminKey,
      body: { name: 'hops', role: 'service' },
      headers: { 'x-forwarded-for': '6.6.6.6, 198.51.100.80, 10.0.0.9' },
    });
    const audit = await send(v, 'GET', `/v1/audit-events?resource_id=${k.body.id}`, {
      key: adminKey,
    });
    assert.deepEqual(
      audit.body.data.map((e: { ip: string }) => e.ip),
      ['198.51.100.80'],
    );
  } finally {
    await v.close();
  }
});
