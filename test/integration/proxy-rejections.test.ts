// A provider's 401 to proxied calls (issue 20): Atlassian answers 401 for an endpoint outside the
// granted scopes, and refreshing cannot cure that. At most one refresh per account and cool-down,
// decided in the database across replicas; none for a token issued in the last minute; every
// caller gets the provider's 401 as it is. Refreshes are counted where they happen: at the
// emulator's token endpoint.
import assert from 'node:assert/strict';
import { sql } from 'drizzle-orm';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, type TestContext } from 'node:test';
import type { Change } from '../../src/db/changes.ts';
import { manualClock } from '../../src/lib/clock.ts';
import { atlassianSetup, runFlow, startFlowFixture } from '../helpers/flow.ts';
import { readMetrics } from '../helpers/metrics.ts';
import { openOwnDatabase } from '../helpers/own-database.ts';
import { refreshesPerFamily } from '../helpers/own-fixture.ts';
import { startTestVault, testMasterKey, type TestVault } from '../helpers/vault.ts';

const OUTCOMES = [
  'refreshed',
  'refresh_failed',
  'newer_token',
  'cooldown',
  'fresh_token',
  'not_refreshable',
] as const;
type Outcome = (typeof OUTCOMES)[number];
const COOLDOWN = 300;

/** An API that refuses every token, as Atlassian does for a call outside the granted scopes. */
async function refusingApi(t: TestContext) {
  const tokensSeen: string[] = [];
  const server = createServer((req, res) => {
    tokensSeen.push(String(req.headers.authorization));
    req.resume();
    res.writeHead(401, {
      'content-type': 'application/json',
      'x-provider': 'refusing',
      'www-authenticate': 'Bearer realm="api", error="insufficient_scope"',
    });
    res.end(JSON.stringify({ code: 401, message: 'Unauthorized; scope does not match' }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => server.close(() => r())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, tokensSeen };
}

/**
 * An account connected through a vault on the emulator, and `replicas` vaults on the same database
 * whose Atlassian API is the refusing one (tokens still come from the emulator), on one clock.
 */
async function world(t: TestContext, replicas: number) {
  const clock = manualClock();
  const masterKeys = testMasterKey();
  const api = await refusingApi(t);
  const fx = await startFlowFixture({
    clock,
    env: { VAULT_MASTER_KEYS: masterKeys },
    database: await openOwnDatabase(),
  });
  const vaults: { vault: TestVault; base: string }[] = [];
  // Replicas first, then the vault that owns the database (and drops it).
  t.after(async () => {
    for (const v of vaults) await v.vault.close();
    await fx.close();
  });
  const s = await atlassianSetup(fx.vault, fx.emu);
  const run = await runFlow(
    fx.vault,
    fx.emu,
    s.adminKey,
    { auth_config_id: s.configId, user_id: 'u1' },
    { decision: 'approve', accountId: s.user.accountId },
  );
  assert.equal(run.final.status, 200, run.final.text);
  for (let i = 0; i < replicas; i++) {
    const vault = await startTestVault({
      shareDatabaseOf: fx.vault,
      clock,
      env: {
        VAULT_MASTER_KEYS: masterKeys,
        ATLASSIAN_AUTH_URL: fx.emu.url,
        ATLASSIAN_API_URL: api.url,
        PROXY_REJECTION_COOLDOWN_SECONDS: String(COOLDOWN),
      },
    });
    vaults.push({ vault, base: await vault.app.listen({ host: '127.0.0.1', port: 0 }) });
  }
  const path = `/v1/connected-accounts/${run.accountId}/proxy/jira/rest/api/3/myself`;
  /** One proxied call through replica `i`: the caller's view of the answer. */
  const proxied = async (i = 0) => {
    const res = await fetch(`${vaults[i]!.base}${path}`, {
      headers: { authorization: `Bearer ${s.adminKey}` },
    });
    return { status: res.status, headers: res.headers, text: await res.text() };
  };
  /** The outcome counters of every replica, added up. */
  const outcomes = async () => {
    const sum = Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>;
    for (const { vault } of vaults) {
      const m = await readMetrics(vault, { gauges: false });
      m.assertFamilies('cv_proxy_rejections_total');
      for (const s of m.samples)
        if (s.name === 'cv_proxy_rejections_total') sum[s.labels.outcome as Outcome] += s.value;
    }
    return sum;
  };
  const tokenRequests = () => fx.emu.counters().tokenRequests;
  const generation = async () => {
    const r = await fx.vault.deps.database.db.execute(
      sql`select generation from connected_accounts where id = ${run.accountId}`,
    );
    return Number((r as unknown as { rows: { generation: number }[] }).rows[0]!.generation);
  };
  return {
    fx,
    clock,
    api,
    s,
    accountId: run.accountId,
    proxied,
    outcomes,
    tokenRequests,
    generation,
  };
}

/** The refusing API's own answer, untouched (and sandboxed like every proxied answer). */
function assertProvidersAnswer(a: { status: number; headers: Headers; text: string }) {
  assert.equal(a.status, 401, a.text);
  assert.equal(a.headers.get('x-provider'), 'refusing');
  assert.match(String(a.headers.get('www-authenticate')), /insufficient_scope/);
  assert.match(a.text, /scope does not match/);
  assert.equal(a.headers.get('content-security-policy'), 'sandbox');
}

const delta = (after: Record<Outcome, number>, before: Record<Outcome, number>) =>
  Object.fromEntries(
    OUTCOMES.map((o) => [o, after[o] - before[o]]).filter(([, n]) => n !== 0),
  ) as Partial<Record<Outcome, number>>;

test('a 401 storm: no refresh for a fresh token, then one per cool-down, and every caller gets the provider’s 401', async (t) => {
  const w = await world(t, 1);
  const requests0 = w.tokenRequests();
  let m0 = await w.outcomes();

  // The token was issued just now: a 401 is not about its age, and a new one would not help.
  for (let i = 0; i < 30; i++) assertProvidersAnswer(await w.proxied());
  assert.equal(
    w.tokenRequests() - requests0,
    0,
    'no refresh for a token issued in the last minute',
  );
  assert.deepEqual(delta(await w.outcomes(), m0), { fresh_token: 30 });
  assert.equal(w.api.tokensSeen.length, 30, 'each call sent once');

  // Two minutes on, 30 callers at once: one of them refreshes, and is sent again with the new
  // token. The others find the refresh taken (cooldown), or its result stored (newer_token: sent
  // once more with that token), or arrive late enough to be sent with the new token in the first
  // place (fresh_token).
  w.clock.advance(120);
  const gen0 = await w.generation();
  m0 = await w.outcomes();
  const seen0 = w.api.tokensSeen.length;
  const storm = await Promise.all(Array.from({ length: 30 }, () => w.proxied()));
  for (const a of storm) assertProvidersAnswer(a);
  assert.equal(w.tokenRequests() - requests0, 1, 'one token request at the provider');
  assert.deepEqual(refreshesPerFamily(w.fx.emu), [1]);
  assert.equal(await w.generation(), gen0 + 1, 'one new token; the claim itself bumps nothing');
  const storm1 = delta(await w.outcomes(), m0);
  assert.equal(storm1.refreshed, 1, JSON.stringify(storm1));
  const { cooldown = 0, newer_token = 0, fresh_token = 0 } = storm1;
  assert.equal(cooldown + newer_token + fresh_token, 29, JSON.stringify(storm1));
  assert.equal(
    w.api.tokensSeen.length - seen0,
    30 + 1 + newer_token,
    'the refresher’s retry, and one retry per caller that found a newer token',
  );
  const refreshedToken = w.api.tokensSeen.at(-1);
  assert.notEqual(refreshedToken, w.api.tokensSeen[0], 'the retry carried the new token');

  // A minute later (the new token is no longer fresh), one after another: all within the
  // cool-down, so no refresh and no retry at all.
  w.clock.advance(61);
  m0 = await w.outcomes();
  const seen1 = w.api.tokensSeen.length;
  for (let i = 0; i < 30; i++) assertProvidersAnswer(await w.proxied());
  assert.equal(w.tokenRequests() - requests0, 1);
  assert.deepEqual(delta(await w.outcomes(), m0), { cooldown: 30 });
  assert.equal(w.api.tokensSeen.length - seen1, 30);

  // Past the cool-down (counted from the refresh's claim) one more refresh is allowed, once.
  w.clock.advance(COOLDOWN - 61);
  m0 = await w.outcomes();
  assertProvidersAnswer(await w.proxied());
  assertProvidersAnswer(await w.proxied());
  assert.equal(w.tokenRequests() - requests0, 2);
  assert.deepEqual(refreshesPerFamily(w.fx.emu), [2]);
  assert.deepEqual(delta(await w.outcomes(), m0), { refreshed: 1, fresh_token: 1 });

  const account = await w.fx.vault.call(
    'GET',
    `/v1/connected-accounts/${w.accountId}`,
    w.s.adminKey,
  );
  assert.equal(account.body.status, 'ACTIVE', 'an API 401 never changes the status');
});

test('two replicas on one database: 30 concurrent 401s cause one refresh between them', async (t) => {
  const w = await world(t, 2);
  w.clock.advance(120);
  const requests0 = w.tokenRequests();
  const storm = await Promise.all(Array.from({ length: 30 }, (_, i) => w.proxied(i % 2)));
  for (const a of storm) assertProvidersAnswer(a);
  assert.equal(w.tokenRequests() - requests0, 1, 'one token request at the provider');
  assert.deepEqual(refreshesPerFamily(w.fx.emu), [1]);
  const m = await w.outcomes();
  assert.equal(m.refreshed, 1, JSON.stringify(m));
  assert.equal(m.cooldown + m.newer_token + m.fresh_token, 29, JSON.stringify(m));
  assert.equal(m.refresh_failed + m.not_refreshable, 0);

  // Within the cool-down neither replica refreshes; past it, one more, whichever replica asks.
  w.clock.advance(61);
  for (let i = 0; i < 10; i++) assertProvidersAnswer(await w.proxied(i % 2));
  assert.equal(w.tokenRequests() - requests0, 1);
  w.clock.advance(COOLDOWN);
  await Promise.all(Array.from({ length: 10 }, (_, i) => w.proxied(i % 2)));
  assert.equal(w.tokenRequests() - requests0, 2);
  assert.deepEqual(refreshesPerFamily(w.fx.emu), [2]);
});

test('the cool-down is bookkeeping: claiming it announces no change and bumps no generation', async (t) => {
  const w = await world(t, 1);
  // The connecting vault only listens: every change it hears comes from the database's trigger.
  const heard: Change[] = [];
  w.fx.vault.deps.changes.subscribe({
    change: (c) => void (c.kind === 'ca' && c.id === w.accountId && heard.push(c)),
    reset: () => {},
  });
  w.clock.advance(120);
  const gen0 = await w.generation();
  // The refresh the 401 is allowed fails at the provider: the claim and the failure are recorded,
  // nothing a token request is answered with changes.
  w.fx.emu.setFaults({ target: 'token', status: 503 });
  const m0 = await w.outcomes();
  assertProvidersAnswer(await w.proxied());
  assert.deepEqual(delta(await w.outcomes(), m0), { refresh_failed: 1 });
  assert.equal(await w.generation(), gen0);
  w.fx.emu.clearFaults();
  // Within the cool-down the failed refresh is not tried again by a 401.
  assertProvidersAnswer(await w.proxied());
  assert.deepEqual(delta(await w.outcomes(), m0), { refresh_failed: 1, cooldown: 1 });

  // A token write past the cool-down is announced; changes arrive in commit order, so once it is
  // heard, anything the claim had announced would have been heard before it.
  w.clock.advance(COOLDOWN);
  assertProvidersAnswer(await w.proxied());
  assert.deepEqual(delta(await w.outcomes(), m0), { refresh_failed: 1, cooldown: 1, refreshed: 1 });
  for (let i = 0; i < 200 && heard.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(heard.length, 1, 'the refresh alone was announced');
  assert.equal(await w.generation(), gen0 + 1);
});
