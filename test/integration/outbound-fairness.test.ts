// Outbound calls are capped per tenant, and the refresh worker's lanes are shared between tenants:
// one tenant whose token endpoint hangs slows only itself. Through the HTTP API and the worker's
// tick, against token endpoints on loopback that hold requests until the test lets them go.
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { manualClock } from '../../src/lib/clock.ts';
import { uniqueSecret } from '../helpers/fixtures.ts';
import { openOwnDatabase } from '../helpers/own-database.ts';
import { eventually, startRoughProvider } from '../helpers/rough-provider.ts';
import { startTestVault, type TestVault } from '../helpers/vault.ts';

const PER_TENANT = 2;
const LANES = 4; // each tenant may hold half of them: 2

/** A vault, a clock and a rough provider of this test's own (the worker claims every due row). */
async function world(t: TestContext, env: Record<string, string> = {}) {
  const clock = manualClock();
  const rough = await startRoughProvider(t);
  const vault = await startTestVault({
    clock,
    database: await openOwnDatabase(),
    env: {
      ALLOW_PRIVATE_EGRESS: 'true',
      OUTBOUND_CONCURRENCY_PER_TENANT: String(PER_TENANT),
      REFRESH_CONCURRENCY: String(LANES),
      // Held requests are let go by the test, long before these.
      PROVIDER_TIMEOUT_MS: '60000',
      OUTBOUND_QUEUE_TIMEOUT_MS: '60000',
      ...env,
    },
  });
  t.after(() => vault.close());
  return { clock, rough, vault };
}

type World = Awaited<ReturnType<typeof world>>;

/** A tenant with a client-credentials config on a token URL of its own. */
async function tenant(w: World) {
  const { adminKey, tenantId } = await w.vault.newTenant();
  const token = w.rough.tokenUrl('token');
  const cfg = await w.vault.call('POST', '/v1/auth-configs', adminKey, {
    name: 'service',
    provider: 'oauth2',
    auth_scheme: 'client_credentials',
    client_id: 'svc',
    client_secret: uniqueSecret(),
    scopes: ['read'],
    oauth2: { token_url: token.url },
  });
  assert.equal(cfg.status, 201, cfg.text);
  const create = (user = 'svc') =>
    w.vault.call('POST', '/v1/connected-accounts', adminKey, {
      auth_config_id: cfg.body.id,
      user_id: user,
    });
  const account = async (id: string) =>
    (await w.vault.call('GET', `/v1/connected-accounts/${id}`, adminKey)).body;
  return { adminKey, tenantId, token, create, account };
}

async function accounts(tn: Awaited<ReturnType<typeof tenant>>, n: number) {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const res = await tn.create(`svc-${i}`);
    assert.equal(res.status, 201, res.text);
    ids.push(res.body.id);
  }
  return ids;
}

test('a tenant whose token endpoint hangs holds its share of the lanes; another tenant is refreshed in the same tick', async (t) => {
  const w = await world(t);
  const a = await tenant(w);
  const b = await tenant(w);
  const aIds = await accounts(a, LANES + 2);
  // B's account is due last (after every one of A's, whatever their jitter): without fair lanes
  // A's rows would take every lane first.
  w.clock.advance(300);
  const [bId] = await accounts(b, 1);
  const before = await b.account(bId!);
  w.clock.advance(3600);
  a.token.set('hold');

  const tick = w.vault.deps.services.worker.tick();
  let tickDone = false;
  void tick.then(() => (tickDone = true));
  await eventually(
    async () => (await b.account(bId!)).last_refreshed_at !== before.last_refreshed_at,
  );
  // B was refreshed while A's calls were held, in the tick still running.
  assert.equal(tickDone, false, 'the tick is still running');
  assert.equal(a.token.held(), PER_TENANT, 'A holds its share, no more');
  const bNow = await b.account(bId!);
  assert.deepEqual([bNow.status, bNow.refresh_failures], ['ACTIVE', 0]);

  a.token.set('token');
  w.rough.release();
  assert.deepEqual(await tick, {
    claimed: LANES + 3,
    refreshed: LANES + 3,
    failed: 0,
    expired: 0,
    lost: 0,
  });
  assert.ok(a.token.heldPeak() <= PER_TENANT, `A had ${a.token.heldPeak()} calls held at once`);
  for (const id of aIds) assert.equal((await a.account(id)).refresh_failures, 0);
});

/**
 * Holds `ids`' on-demand refreshes at A's token endpoint: each token request needs a refresh (the
 * stored token lives 10 s more, min_ttl asks 60), which waits there until released.
 */
async function holdRefreshes(w: World, a: Awaited<ReturnType<typeof tenant>>, ids: string[]) {
  a.token.set('hold');
  const calls = ids.map((id) =>
    w.vault.call('POST', `/v1/connected-accounts/${id}/token`, a.adminKey, { min_ttl: 60 }),
  );
  await eventually(() => a.token.held() === ids.length);
  return async () => {
    a.token.set('token');
    w.rough.release();
    for (const r of await Promise.all(calls)) assert.equal(r.status, 200, r.text);
  };
}

test('API callers: with tenant A at its cap, B’s account is created; A’s next call is a 503 outbound_busy', async (t) => {
  const w = await world(t, { OUTBOUND_QUEUE_TIMEOUT_MS: '500' });
  const a = await tenant(w);
  const b = await tenant(w);
  const aIds = await accounts(a, PER_TENANT + 1);
  w.clock.advance(3590);
  const letGo = await holdRefreshes(w, a, aIds.slice(0, PER_TENANT));

  const bRes = await b.create();
  assert.equal(bRes.status, 201, bRes.text);
  assert.equal(bRes.body.status, 'ACTIVE');

  // A's next calls wait for a slot, then are refused: a creation, and a token that needs a refresh.
  const busy = await a.create('one-too-many');
  assert.equal(busy.status, 503, busy.text);
  assert.equal(busy.body.code, 'outbound_busy');
  assert.equal(busy.headers['retry-after'], '1');
  assert.match(busy.body.detail, /OUTBOUND_CONCURRENCY_PER_TENANT/);
  const token = await w.vault.call(
    'POST',
    `/v1/connected-accounts/${aIds[PER_TENANT]}/token`,
    a.adminKey,
    { min_ttl: 60 },
  );
  assert.equal(token.status, 503, token.text);
  assert.equal(token.body.code, 'outbound_busy');
  assert.ok(Number(token.headers['retry-after']) >= 1);
  const refused = await a.account(aIds[PER_TENANT]!);
  assert.deepEqual([refused.status, refused.last_error_code], ['ACTIVE', 'outbound_busy']);
  assert.equal(a.token.heldPeak(), PER_TENANT, 'no refused call reached the provider');
  assert.equal(await metric(w.vault, 'cv_outbound_slots_total{outcome="timeout"}'), 2);

  await letGo();
  // The slots came back: A is served again at once.
  assert.equal((await a.create('after')).status, 201);
});

test('the worker: a tenant whose outbound slots stay taken backs off (status unchanged) while others are refreshed', async (t) => {
  const w = await world(t, { OUTBOUND_QUEUE_TIMEOUT_MS: '300' });
  const a = await tenant(w);
  const b = await tenant(w);
  const aIds = await accounts(a, PER_TENANT + 1);
  const [bId] = await accounts(b, 1);
  w.clock.advance(3590);
  // A's slots are all taken by API calls that hang (their rows are leased: the worker skips them).
  const letGo = await holdRefreshes(w, a, aIds.slice(0, PER_TENANT));

  const result = await w.vault.deps.services.worker.tick();
  assert.deepEqual(result, { claimed: 2, refreshed: 1, failed: 1, expired: 0, lost: 0 });
  const aNow = await a.account(aIds[PER_TENANT]!);
  assert.deepEqual(
    [aNow.status, aNow.refresh_failures, aNow.last_error_code],
    ['ACTIVE', 1, 'outbound_busy'],
  );
  assert.ok(new Date(aNow.next_refresh_at) > w.clock.now(), 'backed off');
  const bNow = await b.account(bId!);
  assert.deepEqual([bNow.status, bNow.refresh_failures], ['ACTIVE', 0]);
  assert.equal(a.token.heldPeak(), PER_TENANT);
  await letGo();
});

test('a proxied call holds its tenant’s slot until its answer is done or abandoned', async (t) => {
  const w = await world(t, {
    OUTBOUND_CONCURRENCY_PER_TENANT: '1',
    OUTBOUND_QUEUE_TIMEOUT_MS: '300',
  });
  const base = await w.vault.app.listen({ host: '127.0.0.1', port: 0 });
  const { adminKey } = await w.vault.newTenant();
  /** An account of a generic config whose API base answers as `api` says. */
  const account = async (api: ReturnType<typeof w.rough.tokenUrl>) => {
    const cfg = await w.vault.call('POST', '/v1/auth-configs', adminKey, {
      name: 'service',
      provider: 'oauth2',
      auth_scheme: 'client_credentials',
      client_id: 'svc',
      client_secret: uniqueSecret(),
      scopes: ['read'],
      oauth2: {
        token_url: w.rough.tokenUrl('token').url,
        api_base_url: api.url.replace(/\/token$/, ''),
      },
    });
    assert.equal(cfg.status, 201, cfg.text);
    const a = await w.vault.call('POST', '/v1/connected-accounts', adminKey, {
      auth_config_id: cfg.body.id,
      user_id: 'svc',
    });
    assert.equal(a.status, 201, a.text);
    return a.body.id as string;
  };
  const slow = await account(w.rough.tokenUrl('drip'));
  const quick = await account(w.rough.tokenUrl('token'));
  const proxy = (id: string, signal?: AbortSignal) =>
    fetch(`${base}/v1/connected-accounts/${id}/proxy/items`, {
      headers: { authorization: `Bearer ${adminKey}` },
      signal,
    });

  // Headers are back, the body is still dripping: the slot is still held.
  const abort = new AbortController();
  const dripping = await proxy(slow, abort.signal);
  assert.equal(dripping.status, 200);
  const refused = await proxy(quick);
  assert.equal(refused.status, 503);
  assert.equal(((await refused.json()) as { code: string }).code, 'outbound_busy');
  assert.equal(refused.headers.get('retry-after'), '1');

  // The caller walks away mid-answer: the slot comes back.
  abort.abort();
  await dripping.body?.cancel().catch(() => {});
  await eventually(async () => (await metric(w.vault, 'cv_outbound_in_flight')) === 0);
  const served = await proxy(quick);
  assert.equal(served.status, 200, await served.clone().text());
  await served.text();
  // …and after an answer read to its end.
  await eventually(async () => (await metric(w.vault, 'cv_outbound_in_flight')) === 0);
  assert.equal((await proxy(quick)).status, 200);
});

async function metric(vault: TestVault, series: string): Promise<number> {
  const text = await vault.deps.metrics.registry.metrics();
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.split(' ')[1]) : 0;
}
