// GitHub's rotating refresh tokens under the vault's lease/CAS refresh, over the HTTP API against
// the emulator's GitHub. GitHub keeps no reuse leeway: a refresh kills the spent refresh token and
// the previous access token at once, so a second refresher with the same token gets
// bad_refresh_token. Every test owns its vault, emulator and clock (the clocks move), so the
// emulator's counts are that test's account's alone.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, type TestContext } from 'node:test';
import { request } from 'undici';
import type { Emulator } from '../../src/emulator/index.ts';
import { manualClock } from '../../src/lib/clock.ts';
import { startFlowFixture } from '../helpers/flow.ts';
import {
  githubConnected,
  githubSetup,
  githubWhoAmI,
  storedTokens,
  type GithubSetup,
} from '../helpers/github.ts';
import { openOwnDatabase } from '../helpers/own-database.ts';
import { ownFlowFixture } from '../helpers/own-fixture.ts';
import { startTestVault, testMasterKey, type TestVault } from '../helpers/vault.ts';

const H = 3600_000;
const REFRESH_TOKEN_LIFE_MS = 15_897_600_000;
const NOTHING = { claimed: 0, refreshed: 0, failed: 0, expired: 0, lost: 0 };

/** How often GitHub refreshed each token chain (one chain per code exchange). */
const refreshesPerChain = (emu: Emulator) => Object.values(emu.counters().github.refreshesByFamily);

const account = async (vault: TestVault, s: GithubSetup, id: string) => {
  const res = await vault.call('GET', `/v1/connected-accounts/${id}`, s.adminKey);
  assert.equal(res.status, 200, res.text);
  return res.body;
};

const token = (vault: TestVault, s: GithubSetup, minTtl: number, userId = 'ada') =>
  vault.call('POST', `/v1/auth-configs/${s.configId}/token`, s.adminKey, {
    user_id: userId,
    min_ttl: minTtl,
  });

/**
 * A github.com in front of the emulator's, for one vault: passes everything through, except that
 * token requests can be held until released, or forwarded and their answer then lost (the
 * connection cut after GitHub rotated: what a crash or a network cut between GitHub's answer and
 * the vault's write looks like).
 */
async function tokenGate(t: TestContext) {
  let target = '';
  let mode: 'pass' | 'hold' | 'lose' = 'pass';
  const held: (() => void)[] = [];
  let onArrival: (() => void) | undefined;
  async function forward(req: IncomingMessage, body: Buffer) {
    const headers: Record<string, string> = {};
    for (const h of ['content-type', 'accept', 'user-agent', 'authorization']) {
      const v = req.headers[h];
      if (typeof v === 'string') headers[h] = v;
    }
    const up = await request(`${target}${req.url}`, {
      method: req.method as 'GET' | 'POST',
      headers,
      body: req.method === 'POST' ? body : undefined,
    });
    return { status: up.statusCode, type: up.headers['content-type'], text: await up.body.text() };
  }
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const isToken = req.url?.startsWith('/login/oauth/access_token') ?? false;
      if (isToken && mode === 'hold') {
        await new Promise<void>((resolve) => {
          held.push(resolve);
          onArrival?.();
        });
      }
      const lose = isToken && mode === 'lose';
      const up = await forward(req, Buffer.concat(chunks));
      if (lose) return void res.socket?.destroy();
      res.writeHead(up.status, { 'content-type': String(up.type ?? 'text/plain') });
      res.end(up.text);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => server.close(() => r())));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    setTarget: (url: string) => void (target = url),
    set: (m: typeof mode) => void (mode = m),
    /** resolves once a token request is being held */
    arrived: () =>
      new Promise<void>((resolve) => {
        if (held.length) resolve();
        else onArrival = resolve;
      }),
    release() {
      mode = 'pass';
      for (const r of held.splice(0)) r();
    },
  };
}

/**
 * Two vaults on one database and one clock, as two replicas: `a` talks to GitHub through
 * `gate` (when given), `b` directly. The account is connected (through `a`) before `b` starts.
 */
async function twoReplicas(t: TestContext, gate?: Awaited<ReturnType<typeof tokenGate>>) {
  const clock = manualClock();
  const masterKeys = testMasterKey();
  const fx = await startFlowFixture({
    clock,
    database: await openOwnDatabase(),
    env: { VAULT_MASTER_KEYS: masterKeys, ...(gate ? { GITHUB_URL: gate.url } : {}) },
  });
  gate?.setTarget(fx.emu.url);
  const replicas: TestVault[] = [];
  // The replica first, then the vault that owns the database (and drops it).
  t.after(async () => {
    for (const r of replicas) await r.close();
    await fx.close();
  });
  const s = await githubSetup(fx.vault, fx.emu);
  const id = await githubConnected(fx.vault, fx.emu, s, 'ada');
  const b = await startTestVault({
    shareDatabaseOf: fx.vault,
    clock,
    env: { VAULT_MASTER_KEYS: masterKeys, GITHUB_URL: fx.emu.url, GITHUB_API_URL: fx.emu.url },
  });
  replicas.push(b);
  return { a: fx.vault, b, emu: fx.emu, clock, s, id };
}

test('50 concurrent callers whose min_ttl the stored token misses cause exactly one refresh', async (t) => {
  const fx = await ownFlowFixture(t);
  const s = await githubSetup(fx.vault, fx.emu);
  const id = await githubConnected(fx.vault, fx.emu, s, 'ada');
  const old = await storedTokens(fx.vault, s.tenantId, id);
  // Nearly eight hours later: the stored token has 30 s left, below every caller's 120 s.
  fx.clock.set(new Date(old.row.expiresAt!.getTime() - 30_000));
  const results = await Promise.all(Array.from({ length: 50 }, () => token(fx.vault, s, 120)));
  assert.deepEqual([...new Set(results.map((r) => r.status))], [200], results[0]!.text);
  assert.deepEqual(refreshesPerChain(fx.emu), [1], 'one refresh of this grant at GitHub');
  assert.equal(fx.emu.counters().github.refreshReuse, 0, 'no refresh token spent twice');
  const tokens = new Set(results.map((r) => r.body.access_token));
  assert.equal(tokens.size, 1, 'every caller got the same token');
  const [fresh] = tokens;
  assert.notEqual(fresh, old.accessToken);
  assert.ok(results.every((r) => r.body.expires_in > 8 * 3600 - 60));
  assert.ok(results.some((r) => r.body.refreshed));
  // GitHub's rotation: the previous access token died with the refresh; the new one works.
  assert.equal(await githubWhoAmI(fx.emu, old.accessToken), 401);
  assert.equal(await githubWhoAmI(fx.emu, fresh), s.user.login);
  const now = await storedTokens(fx.vault, s.tenantId, id);
  assert.notEqual(now.refreshToken, old.refreshToken, 'the rotated refresh token is stored');
  assert.equal(now.row.status, 'ACTIVE');
});

test('… and across two vault instances on one database: still exactly one refresh', async (t) => {
  const { a, b, emu, clock, s, id } = await twoReplicas(t);
  const old = await storedTokens(a, s.tenantId, id);
  clock.set(new Date(old.row.expiresAt!.getTime() - 30_000));
  const results = await Promise.all(
    Array.from({ length: 50 }, (_, i) => token(i % 2 ? b : a, s, 120)),
  );
  assert.deepEqual([...new Set(results.map((r) => r.status))], [200], results[0]!.text);
  assert.deepEqual(refreshesPerChain(emu), [1]);
  assert.equal(emu.counters().github.refreshReuse, 0);
  assert.equal(new Set(results.map((r) => r.body.access_token)).size, 1);
  assert.equal((await account(b, s, id)).status, 'ACTIVE');
});

test('the worker refreshes ahead of the 8-hour expiry and the grant’s end moves with the rotation', async (t) => {
  const fx = await ownFlowFixture(t);
  const tick = () => fx.vault.deps.services.worker.tick();
  const s = await githubSetup(fx.vault, fx.emu);
  const id = await githubConnected(fx.vault, fx.emu, s, 'ada');
  assert.deepEqual(await tick(), NOTHING, 'nothing is due right after connecting');
  const before = await account(fx.vault, s, id);
  const old = await storedTokens(fx.vault, s.tenantId, id);
  const expiresAt = new Date(before.expires_at).getTime();
  const dueAt = new Date(before.next_refresh_at).getTime();
  assert.ok(expiresAt - dueAt >= 600_000 && expiresAt - dueAt <= 720_000, 'ahead by 10-12 min');
  // Both clocks move to just past the due time: GitHub's too, so its tokens age alike.
  const moved = dueAt + 1000 - fx.clock.now().getTime();
  fx.clock.set(new Date(dueAt + 1000));
  fx.emu.clock.advance(moved / 1000);
  assert.equal(await githubWhoAmI(fx.emu, old.accessToken), s.user.login, 'still alive');

  assert.deepEqual(await tick(), { ...NOTHING, claimed: 1, refreshed: 1 });
  assert.deepEqual(refreshesPerChain(fx.emu), [1]);
  const after = await account(fx.vault, s, id);
  const now = fx.clock.now().getTime();
  assert.equal(after.status, 'ACTIVE');
  assert.equal(new Date(after.expires_at).getTime(), now + 8 * H);
  assert.equal(after.last_refreshed_at, new Date(now).toISOString());
  // Each refresh token lives six months from its own issue: the grant's end moved on.
  assert.equal(new Date(after.family_expires_at).getTime(), now + REFRESH_TOKEN_LIFE_MS);
  assert.ok(new Date(after.family_expires_at) > new Date(before.family_expires_at));
  const fresh = await storedTokens(fx.vault, s.tenantId, id);
  assert.notEqual(fresh.refreshToken, old.refreshToken);
  assert.equal(await githubWhoAmI(fx.emu, old.accessToken), 401, 'rotated away at once');
  assert.equal(await githubWhoAmI(fx.emu, fresh.accessToken), s.user.login);
  assert.deepEqual(await tick(), NOTHING, 'nothing is due right after a refresh');
});

test('bad_refresh_token expires the account only once the re-read row shows nobody refreshed', async (t) => {
  const gate = await tokenGate(t);
  const { a, b, emu, clock, s, id } = await twoReplicas(t, gate);
  const old = await storedTokens(a, s.tenantId, id);
  clock.set(new Date(old.row.expiresAt!.getTime() - 30_000));

  // Replica a leases the account and sends its refresh; GitHub has not seen it yet.
  gate.set('hold');
  const arrived = gate.arrived();
  const slow = token(a, s, 120);
  await arrived;
  // a's lease (60 s) runs out meanwhile; b refreshes with the same refresh token, first.
  clock.advance(61);
  const won = await token(b, s, 120);
  assert.equal(won.status, 200, won.text);
  assert.equal(won.body.refreshed, true);
  // Now a's request reaches GitHub with the spent token: bad_refresh_token. The row a re-reads
  // holds b's successor, so the grant is alive: a's caller gets b's token, the account stays.
  gate.release();
  const late = await slow;
  assert.equal(late.status, 200, late.text);
  assert.equal(late.body.access_token, won.body.access_token);
  const gh = emu.counters().github;
  assert.deepEqual([gh.refreshReuse, gh.tokenErrors.bad_refresh_token], [1, 1]);
  assert.deepEqual(refreshesPerChain(emu), [1]);
  const alive = await account(a, s, id);
  assert.deepEqual([alive.status, alive.last_error_code], ['ACTIVE', null]);

  // The user revokes the app: the row shows no newer token, so bad_refresh_token ends the grant.
  assert.ok(emu.revokeGithubGrant(s.user.login, s.clientId));
  clock.advance(8 * 3600);
  const dead = await token(b, s, 120);
  assert.deepEqual([dead.status, dead.body.code], [409, 'connected_account_not_active']);
  assert.equal(dead.body.status_reason, 'refresh_token_invalid');
  const expired = await account(a, s, id);
  assert.deepEqual([expired.status, expired.status_reason], ['EXPIRED', 'refresh_token_invalid']);
  const events = await a.call(
    'GET',
    `/v1/events?type=connected_account.expired&connected_account_id=${id}`,
    s.adminKey,
  );
  assert.equal(events.body.data.length, 1, events.text);
  assert.equal(events.body.data[0].data.status_reason, 'refresh_token_invalid');
});

test('an answer lost after GitHub rotated cannot be recovered: the next refresh expires the account', async (t) => {
  const gate = await tokenGate(t);
  const { a, emu, clock, s, id } = await twoReplicas(t, gate);
  const old = await storedTokens(a, s.tenantId, id);
  clock.set(new Date(old.row.expiresAt!.getTime() - 30_000));
  // GitHub rotates, then the connection is cut before the vault hears the answer.
  gate.set('lose');
  const lost = await token(a, s, 120);
  gate.set('pass');
  assert.deepEqual([lost.status, lost.body.code], [503, 'provider_unavailable'], lost.text);
  assert.deepEqual(refreshesPerChain(emu), [1], 'GitHub did rotate');
  const limbo = await account(a, s, id);
  assert.deepEqual([limbo.status, limbo.last_error_code], ['ACTIVE', 'provider_unavailable']);
  // The stored refresh token is the spent one, and GitHub has no leeway for it.
  const next = await token(a, s, 120);
  assert.equal(next.status, 409, next.text);
  const gone = await account(a, s, id);
  assert.deepEqual([gone.status, gone.status_reason], ['EXPIRED', 'refresh_token_invalid']);
  assert.equal(emu.counters().github.refreshReuse, 1);
});

test('a 401 from GitHub on the proxy: one refresh per cool-down, none for a token under a minute old', async (t) => {
  const fx = await ownFlowFixture(t, { env: { PROXY_REJECTION_COOLDOWN_SECONDS: '300' } });
  const s = await githubSetup(fx.vault, fx.emu);
  const id = await githubConnected(fx.vault, fx.emu, s, 'ada');
  const proxied = () => fx.vault.call('GET', `/v1/connected-accounts/${id}/proxy/user`, s.adminKey);
  /** GitHub's clock passes the stored token's eight hours; the vault believes it alive. */
  const tokenDiesAtGithub = () => fx.emu.clock.advance(8 * 3600 + 1);

  fx.clock.advance(120);
  tokenDiesAtGithub();
  const cured = await proxied();
  assert.equal(cured.status, 200, cured.text);
  assert.equal(cured.body.login, s.user.login);
  assert.deepEqual(refreshesPerChain(fx.emu), [1], 'the 401 caused one refresh and a retry');

  // Within the cool-down a 401 goes back as GitHub sent it, and nothing is refreshed.
  fx.clock.advance(120);
  tokenDiesAtGithub();
  const cooling = await proxied();
  assert.equal(cooling.status, 401);
  assert.equal(cooling.body.message, 'Bad credentials');
  assert.deepEqual(refreshesPerChain(fx.emu), [1]);

  // Past the cool-down the next 401 refreshes again.
  fx.clock.advance(300);
  const again = await proxied();
  assert.equal(again.status, 200, again.text);
  assert.deepEqual(refreshesPerChain(fx.emu), [2]);

  // Long past the cool-down, a caller's min_ttl has the token refreshed; GitHub refuses the new
  // one at once. A token issued less than a minute ago was not refused for its age: no refresh.
  const issued = await storedTokens(fx.vault, s.tenantId, id);
  fx.clock.set(new Date(issued.row.expiresAt!.getTime() - 3200_000));
  const renewed = await token(fx.vault, s, 3300);
  assert.equal(renewed.body.refreshed, true, renewed.text);
  assert.deepEqual(refreshesPerChain(fx.emu), [3]);
  tokenDiesAtGithub();
  const young = await proxied();
  assert.equal(young.status, 401);
  assert.deepEqual(refreshesPerChain(fx.emu), [3]);
  assert.equal((await account(fx.vault, s, id)).status, 'ACTIVE');
});
