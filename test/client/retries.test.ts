// Retries against a real vault: a 503 with Retry-After from a refresh the provider refused (the
// min_ttl contract, docs/contracts.md#min_ttl), and a vault process that is stopped and started
// again (connection refused).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { VaultError } from '../../clients/typescript/src/index.ts';
import {
  observedFetch,
  startClientFixture,
  type ClientFixture,
  type ObservedRequest,
} from './setup.ts';

const sleepUntil = (at: number) => new Promise((r) => setTimeout(r, Math.max(0, at - Date.now())));

/** What a token call gave, without the token itself (test output is logged). */
const show = (r: unknown) =>
  r instanceof Error ? String(r) : JSON.stringify({ ...(r as object), access_token: '<redacted>' });

/** node's timers may fire up to a millisecond before their delay as performance.now() counts it */
const TIMER_SLACK_MS = 2;

/**
 * Each answer with a Retry-After was followed by a wait at least that long before the next request
 * (a lower bound only: how much longer the client waited depends on the machine's load). Returns
 * how many waits it checked.
 */
function assertRetryAfterHonoured(requests: ObservedRequest[]): number {
  let checked = 0;
  for (let i = 0; i + 1 < requests.length; i++) {
    const ra = requests[i]!.retryAfterMs;
    if (ra === undefined) continue;
    const waited = requests[i + 1]!.sentAt - requests[i]!.answeredAt;
    assert.ok(
      waited >= ra - TIMER_SLACK_MS,
      `request ${i + 2} was sent ${waited.toFixed(0)} ms after a Retry-After of ${ra} ms`,
    );
    checked++;
  }
  return checked;
}

/** Resolves once `check` holds; polls an in-process value (no I/O), failing after `ms`. */
async function until(check: () => boolean, ms = 30_000) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('client retries against a real vault', () => {
  let fx: ClientFixture;
  before(async () => {
    // No refresh worker ticks here: they would consume the injected provider faults.
    fx = await startClientFixture({ env: { REFRESH_CRON: '0 0 1 1 *' } });
  });
  after(async () => {
    fx?.emu.clearFaults();
    await fx?.close();
  });

  /** An account whose (2 s) token has expired: a token request must refresh it first. */
  async function accountWithExpiredToken() {
    const acct = await fx.connectAccount({ accessTokenTtlSeconds: 2 });
    const a = await fx.admin.connectedAccounts.get(acct.accountId);
    await sleepUntil(Date.parse(a.expires_at!) + 200);
    return acct;
  }

  /**
   * An account whose 600 s token has just dropped below 599 s of life: a min_ttl of 599 is within
   * the token's lifetime, so the vault must refresh before answering (docs/contracts.md#min_ttl).
   */
  async function accountNeedingRefresh() {
    const acct = await fx.connectAccount({ accessTokenTtlSeconds: 600 });
    const a = await fx.admin.connectedAccounts.get(acct.accountId);
    await sleepUntil(Date.parse(a.expires_at!) - 599_000 + 300);
    return acct;
  }

  /** The token request succeeds once the provider recovers, after the vault's 503s. */
  async function recovers(accountId: string, minTtl: number, life: number) {
    fx.emu.setFaults({ target: 'token', status: 503, retryAfterSeconds: 1, count: 1 });
    const obs = observedFetch();
    const v = fx.client({ fetch: obs.fetch, maxRetryWaitMs: 15_000 });
    const res = await v.token({ connectedAccountId: accountId }, { minTtl }).catch((e) => e);
    fx.emu.clearFaults();
    assert.equal(
      obs.outcomes[0],
      503,
      `the vault answered ${obs.outcomes.join(', ')}: ${show(res)}`,
    );
    assert.equal(obs.outcomes.at(-1), 200, show(res));
    assert.ok(obs.requests[0]!.retryAfterMs !== undefined, 'the 503 carried Retry-After');
    assert.ok(assertRetryAfterHonoured(obs.requests) >= 1, 'Retry-After was honoured');
    assert.equal(res.refreshed, true);
    assert.ok(res.expires_in! >= life, `expires_in ${res.expires_in}`);
  }

  /** The provider stays down: a retryable 503 VaultError once the bound is spent, not later. */
  async function givesUp(accountId: string, minTtl: number) {
    fx.emu.setFaults({ target: 'token', status: 503, retryAfterSeconds: 1 });
    const obs = observedFetch();
    // Long enough for one Retry-After of a first failed refresh (the vault's backoff: a few seconds),
    // short of the growing ones after it.
    const bound = 8_000;
    const v = fx.client({ fetch: obs.fetch, maxRetryWaitMs: bound });
    const err = await v.token({ connectedAccountId: accountId }, { minTtl }).catch((e) => e);
    fx.emu.clearFaults();
    assert.ok(err instanceof VaultError, `the vault answered ${obs.outcomes}: ${show(err)}`);
    assert.equal(err.status, 503);
    assert.equal(err.retryable, true);
    assert.ok(err.retryAfterMs !== undefined, 'the 503 carried Retry-After');
    assert.ok(err.attempts >= 2, `${err.attempts} attempts`);
    assert.ok(
      obs.outcomes.every((o) => o === 503),
      obs.outcomes.join(', '),
    );
    // The error counts every request the client made, and each wait honoured the Retry-After.
    assert.equal(err.attempts, obs.requests.length);
    assert.equal(assertRetryAfterHonoured(obs.requests), obs.requests.length - 1);
    // It gave up within the bound: waits of at least the shortest Retry-After each, together no
    // longer than the bound, leave room for this many retries at most (a slow machine allows
    // fewer, never more).
    const shortest = Math.min(...obs.requests.map((r) => r.retryAfterMs ?? Infinity));
    assert.ok(
      err.attempts - 1 <= Math.floor(bound / shortest),
      `${err.attempts} attempts within ${bound} ms of Retry-After ${shortest} ms`,
    );
  }

  test('expired token, provider down: 503 + Retry-After, then success once it recovers within the bound', async () => {
    const acct = await accountWithExpiredToken();
    // the new token lives 2 s: less than min_ttl 60, which no token of this app can meet
    await recovers(acct.accountId, 60, 1);
  });

  test('expired token, provider staying down: a retryable 503 VaultError after the bound', async () => {
    const acct = await accountWithExpiredToken();
    await givesUp(acct.accountId, 60);
  });

  test('min_ttl contract: a refresh min_ttl needs fails → 503 + Retry-After, then success', async () => {
    const acct = await accountNeedingRefresh();
    await recovers(acct.accountId, 599, 599);
  });

  test('min_ttl contract: a refresh min_ttl needs keeps failing → retryable 503 after the bound', async () => {
    const acct = await accountNeedingRefresh();
    await givesUp(acct.accountId, 599);
  });

  test('a vault stopped and started again on the same port and DATA_DIR', async () => {
    const acct = await fx.connectAccount();
    const sel = { connectedAccountId: acct.accountId };
    await fx.stopVault();

    // Down for longer than the bound: a retryable network error, after several tries, then it
    // gives up. Without Retry-After the client backs off at least 50 ms per retry
    // (clients/typescript/src/http.ts backoffMs), so a 1 s bound leaves room for 20 retries at most.
    const bound = 1_000;
    const refused = observedFetch();
    const short = fx.client({ fetch: refused.fetch, maxRetryWaitMs: bound });
    const err = await short.token(sel).catch((e: unknown) => e);
    assert.ok(err instanceof VaultError, String(err));
    assert.equal(err.code, 'network_error');
    assert.equal(err.status, 0);
    assert.equal(err.retryable, true);
    assert.ok(err.attempts >= 3, `${err.attempts} attempts`);
    assert.equal(err.attempts, refused.requests.length);
    assert.ok(
      refused.outcomes.every((o) => o === 'ECONNREFUSED'),
      refused.outcomes.join(', '),
    );
    assert.ok(err.attempts - 1 <= bound / 50, `${err.attempts} attempts within ${bound} ms`);

    // Back within the bound: the same call succeeds without the caller doing anything.
    const obs = observedFetch();
    const patient = fx.client({ fetch: obs.fetch, maxRetryWaitMs: 90_000 });
    const pending = patient.token(sel);
    await until(() => obs.outcomes.includes('ECONNREFUSED'));
    await fx.startVault();
    const res = await pending;
    assert.equal(res.connected_account_id, acct.accountId);
    assert.equal(obs.outcomes[0], 'ECONNREFUSED');
    assert.equal(obs.outcomes.at(-1), 200);
  });
});
