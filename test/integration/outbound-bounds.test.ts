// Every answer the vault reads from a tenant's or a provider's URL is bounded in size and in time,
// through the HTTP API, against a provider on loopback that misbehaves on purpose: an endless body,
// a declared Content-Length far above the cap, a body dripped slower than any idle timeout.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { manualClock } from '../../src/lib/clock.ts';
import { storedCounts } from '../helpers/credentials.ts';
import { uniqueSecret } from '../helpers/fixtures.ts';
import { DRIP_BYTES, eventually, startRoughProvider } from '../helpers/rough-provider.ts';
import { startTestVault, type TestVault } from '../helpers/vault.ts';

const CAP = 1024 * 1024; // PROVIDER_MAX_RESPONSE_BYTES's default
const TIMEOUT_MS = 1500;
/** Growth of the test process's memory a bounded read may cause (the vault runs in it). */
const MEMORY_BOUND = 64 * 1024 * 1024;

let vault: TestVault;
let rough: Awaited<ReturnType<typeof startRoughProvider>>;
const clock = manualClock();
const cleanups: (() => unknown)[] = [];

before(async () => {
  rough = await startRoughProvider({ after: (fn: () => unknown) => void cleanups.push(fn) });
  vault = await startTestVault({
    clock,
    env: {
      // The provider is on loopback; Atlassian's URLs point at it too (discovery).
      ALLOW_PRIVATE_EGRESS: 'true',
      ATLASSIAN_AUTH_URL: rough.url,
      ATLASSIAN_API_URL: rough.url,
      PROVIDER_TIMEOUT_MS: String(TIMEOUT_MS),
    },
  });
});
after(async () => {
  await vault.close();
  for (const c of cleanups) await c();
});

/** A tenant (or `adminKey`'s) with a generic client-credentials config on `token`'s URL. */
async function genericConfig(token: ReturnType<typeof rough.tokenUrl>, key?: string) {
  const adminKey = key ?? (await vault.newTenant()).adminKey;
  const cfg = await vault.call('POST', '/v1/auth-configs', adminKey, {
    name: 'generic service',
    provider: 'oauth2',
    auth_scheme: 'client_credentials',
    client_id: 'svc',
    client_secret: uniqueSecret(),
    scopes: ['read'],
    oauth2: { token_url: token.url },
  });
  assert.equal(cfg.status, 201, cfg.text);
  return { adminKey, configId: cfg.body.id as string };
}

const createAccount = (s: { adminKey: string; configId: string }) =>
  vault.call('POST', '/v1/connected-accounts', s.adminKey, {
    auth_config_id: s.configId,
    user_id: 'svc',
  });

/** The process's resident memory growth while `fn` runs. */
async function growth<T>(fn: () => Promise<T>): Promise<{ value: T; grew: number }> {
  const before = process.memoryUsage().rss;
  const value = await fn();
  return { value, grew: process.memoryUsage().rss - before };
}

describe('bounded reads', () => {
  test('an endless token answer: the creation is a 502 naming host and limit, nothing is stored, memory stays small', async () => {
    const token = rough.tokenUrl('endless');
    const s = await genericConfig(token);
    const stored = await storedCounts(vault);
    const { value: res, grew } = await growth(() => createAccount(s));
    assert.equal(res.status, 502, res.text);
    assert.equal(res.body.code, 'provider_response_too_large');
    assert.equal(
      res.body.detail,
      `the answer from ${rough.host} exceeded ${CAP} bytes (PROVIDER_MAX_RESPONSE_BYTES)`,
    );
    assert.deepEqual(await storedCounts(vault), stored, 'nothing was stored');
    assert.ok(grew < MEMORY_BOUND, `the process grew by ${grew} bytes`);
    // The vault hung up on the endless answer (the server hears of it a moment later).
    await eventually(() => token.answers()[0]!.closedEarly);
  });

  test('a declared Content-Length above the cap is refused without reading the body', async () => {
    const token = rough.tokenUrl('declared');
    const s = await genericConfig(token);
    const stored = await storedCounts(vault);
    const res = await createAccount(s);
    // Had the vault waited for the body (a byte per 100 ms), the deadline would have ended it:
    // a timeout, not this.
    assert.equal(res.status, 502, res.text);
    assert.equal(res.body.code, 'provider_response_too_large');
    assert.match(res.body.detail, new RegExp(`exceeded ${CAP} bytes`));
    assert.deepEqual(await storedCounts(vault), stored);
    await eventually(() => token.answers()[0]!.closedEarly);
  });

  test('a token answer dripped a byte every 200 ms is cut at the overall deadline', async () => {
    const token = rough.tokenUrl('drip');
    const s = await genericConfig(token);
    const stored = await storedCounts(vault);
    const res = await createAccount(s);
    assert.equal(res.status, 502, res.text);
    assert.equal(res.body.code, 'provider_unavailable');
    assert.equal(
      res.body.detail,
      `the provider did not answer: ${rough.host} did not answer within ${TIMEOUT_MS} ms`,
    );
    assert.deepEqual(await storedCounts(vault), stored);
    // The socket was closed under the dripping server before it had sent everything.
    const [answer] = token.answers();
    await eventually(() => answer!.closedEarly);
    assert.ok(answer!.written < DRIP_BYTES, `${answer!.written} of ${DRIP_BYTES} bytes went out`);
  });

  test('a refresh by the worker that meets an endless answer backs off; the account stays ACTIVE', async () => {
    const token = rough.tokenUrl('token');
    const s = await genericConfig(token);
    const created = await createAccount(s);
    assert.equal(created.status, 201, created.text);
    const id = created.body.id as string;
    token.set('endless');
    const due = (await vault.call('GET', `/v1/connected-accounts/${id}`, s.adminKey)).body;
    clock.set(new Date(new Date(due.next_refresh_at).getTime() + 1000));
    const { value: tick, grew } = await growth(() => vault.deps.services.worker.tick());
    assert.deepEqual(tick, { claimed: 1, refreshed: 0, failed: 1, expired: 0, lost: 0 });
    assert.ok(grew < MEMORY_BOUND, `the process grew by ${grew} bytes`);
    const a = (await vault.call('GET', `/v1/connected-accounts/${id}`, s.adminKey)).body;
    assert.deepEqual(
      [a.status, a.refresh_failures, a.last_error_code],
      ['ACTIVE', 1, 'provider_response_too_large'],
    );
    assert.ok(new Date(a.next_refresh_at) > clock.now(), 'backed off');
    await eventually(() => token.answers().at(-1)!.closedEarly);
  });

  test('an endless discovery answer (accessible-resources): a 502 naming it, nothing stored', async () => {
    const { adminKey } = await vault.newTenant();
    const cfg = await vault.call('POST', '/v1/auth-configs', adminKey, {
      name: 'service account',
      provider: 'atlassian',
      auth_scheme: 'client_credentials',
      client_id: 'sa',
      client_secret: uniqueSecret(),
      scopes: ['read:jira-work'],
    });
    assert.equal(cfg.status, 201, cfg.text);
    const stored = await storedCounts(vault);
    rough.setAtlassian('resources', 'endless');
    try {
      const { value: res, grew } = await growth(() =>
        vault.call('POST', '/v1/connected-accounts', adminKey, {
          auth_config_id: cfg.body.id,
          user_id: 'sa',
        }),
      );
      assert.equal(res.status, 502, res.text);
      assert.equal(res.body.code, 'provider_response_too_large');
      assert.equal(
        res.body.detail,
        `site discovery failed: the answer from ${rough.host} exceeded ${CAP} bytes (PROVIDER_MAX_RESPONSE_BYTES)`,
      );
      assert.ok(grew < MEMORY_BOUND, `the process grew by ${grew} bytes`);
    } finally {
      rough.setAtlassian('resources', 'resources');
    }
    assert.deepEqual(await storedCounts(vault), stored);
    // The same config works once discovery answers sanely: only the answer was refused.
    const ok = await vault.call('POST', '/v1/connected-accounts', adminKey, {
      auth_config_id: cfg.body.id,
      user_id: 'sa',
    });
    assert.equal(ok.status, 201, ok.text);
  });

  test('a webhook receiver’s answer is drained within the same cap and deadline', async () => {
    const { adminKey } = await vault.newTenant();
    const receivers = { endless: rough.tokenUrl('endless'), drip: rough.tokenUrl('drip') };
    for (const r of Object.values(receivers)) {
      const ep = await vault.call('POST', '/v1/webhook-endpoints', adminKey, { url: r.url });
      assert.equal(ep.status, 201, ep.text);
    }
    // An event to deliver: an account created (connected_account.active).
    const created = await createAccount(await genericConfig(rough.tokenUrl('token'), adminKey));
    assert.equal(created.status, 201, created.text);
    const { grew } = await growth(() => vault.deps.services.webhooks.tick());
    assert.ok(grew < MEMORY_BOUND, `the process grew by ${grew} bytes`);
    const events = await vault.call(
      'GET',
      `/v1/events?connected_account_id=${created.body.id}`,
      adminKey,
    );
    const deliveries = events.body.data[0].deliveries as {
      status: string;
      attempts: number;
      last_status: number | null;
      last_error: string | null;
    }[];
    assert.deepEqual(deliveries.map((d) => [d.status, d.attempts, d.last_error]).sort(), [
      ['pending', 1, 'deadline_exceeded'],
      ['pending', 1, 'response_too_large'],
    ]);
    for (const r of Object.values(receivers)) {
      await eventually(() => r.answers()[0]?.closedEarly === true);
    }
    assert.ok(receivers.drip.answers()[0]!.written < DRIP_BYTES);
  });
});
