import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { manualClock } from '../../src/lib/clock.ts';
import { atlassianSetup, runFlow, startFlowFixture } from '../helpers/flow.ts';
import { openOwnDatabase } from '../helpers/own-database.ts';

/**
 * The min_ttl contract (docs/contracts.md#min_ttl), at both edges, through the HTTP API against the
 * emulator. Every test owns its clock, emulator and vault, and asserts on its own account.
 */
async function account(tokenTtlSeconds: number) {
  const clock = manualClock();
  const fx = await startFlowFixture({ clock, database: await openOwnDatabase() });
  const s = await atlassianSetup(fx.vault, fx.emu);
  fx.emu.addApp({
    clientId: s.clientId,
    clientSecret: s.clientSecret,
    name: 'app',
    callbackUrl: s.callbackUrl,
    scopes: ['read:jira-work', 'read:jira-user'],
    accessTokenTtlSeconds: tokenTtlSeconds,
  });
  const run = await runFlow(
    fx.vault,
    fx.emu,
    s.adminKey,
    { auth_config_id: s.configId, user_id: 'u' },
    { decision: 'approve', accountId: s.user.accountId },
  );
  const token = (minTtl: number) =>
    fx.vault.call('POST', `/v1/connected-accounts/${run.accountId}/token`, s.adminKey, {
      min_ttl: minTtl,
    });
  const refreshes = () => fx.emu.counters().refreshes;
  return { fx, clock, token, refreshes, accountId: run.accountId, adminKey: s.adminKey };
}

describe('min_ttl', () => {
  test('3,600 s tokens honour min_ttl 3,300: refreshed once the stored token falls short', async () => {
    const a = await account(3600);
    try {
      const fresh = await a.token(3300);
      assert.equal(fresh.status, 200, fresh.text);
      assert.equal(fresh.body.refreshed, false);
      assert.equal(a.refreshes(), 0);
      a.clock.advance(301); // 3,299 s left
      const res = await a.token(3300);
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.refreshed, true);
      assert.ok(res.body.expires_in >= 3300, `expires_in ${res.body.expires_in}`);
      assert.notEqual(res.body.access_token, fresh.body.access_token);
      assert.equal(a.refreshes(), 1);
    } finally {
      await a.fx.close();
    }
  });

  test('a 120 s token six seconds old, asked for min_ttl 115, is refreshed first', async () => {
    const a = await account(120);
    try {
      a.clock.advance(6);
      const res = await a.token(115);
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.refreshed, true);
      assert.ok(res.body.expires_in >= 115, `expires_in ${res.body.expires_in}`);
      assert.equal(a.refreshes(), 1);
    } finally {
      await a.fx.close();
    }
  });

  test('whenever min_ttl ≤ L, the token returned lives at least min_ttl seconds', async () => {
    const a = await account(600);
    try {
      const steps: [advance: number, minTtl: number][] = [
        [0, 600],
        [1, 1],
        [100, 60],
        [199, 300],
        [1, 300],
        [150, 599],
        [0, 600],
        [300, 450],
        [299, 1],
        [2, 598],
      ];
      for (const [advance, minTtl] of steps) {
        a.clock.advance(advance);
        const res = await a.token(minTtl);
        assert.equal(res.status, 200, res.text);
        assert.ok(
          res.body.expires_in >= minTtl,
          `after +${advance}s, min_ttl ${minTtl}: expires_in ${res.body.expires_in}`,
        );
      }
    } finally {
      await a.fx.close();
    }
  });

  test('min_ttl above L: at most one refresh per half-lifetime for 50 callers in a row', async () => {
    const a = await account(60);
    try {
      for (let i = 0; i < 50; i++) assert.equal((await a.token(300)).status, 200);
      assert.equal(a.refreshes(), 0, 'a fresh 60 s token is returned as it is');
      a.clock.advance(31); // past half its life
      const answers = [];
      for (let i = 0; i < 50; i++) answers.push(await a.token(300));
      assert.equal(a.refreshes(), 1);
      assert.ok(answers.every((r) => r.status === 200));
      assert.equal(answers.filter((r) => r.body.refreshed).length, 1);
      assert.ok(
        answers.every((r) => r.body.expires_in <= 60),
        'expires_in tells the truth',
      );
    } finally {
      await a.fx.close();
    }
  });

  test('50 concurrent callers that need a refresh share one, and each gets min_ttl', async () => {
    const a = await account(3600);
    try {
      a.clock.advance(400);
      const answers = await Promise.all(Array.from({ length: 50 }, () => a.token(3300)));
      assert.equal(a.refreshes(), 1);
      assert.ok(answers.every((r) => r.status === 200 && r.body.expires_in >= 3300));
      assert.equal(new Set(answers.map((r) => r.body.access_token)).size, 1);
    } finally {
      await a.fx.close();
    }
  });

  test('a refresh that min_ttl needed and that failed is a retryable 503, never a shorter token', async () => {
    const a = await account(3600);
    try {
      a.clock.advance(600); // 3,000 s left: fine for min_ttl 60, short for 3,300
      a.fx.emu.setFaults({ target: 'token', status: 503, count: 100, retryAfterSeconds: 7 });
      const res = await a.token(3300);
      assert.equal(res.status, 503, res.text);
      assert.equal(res.body.code, 'provider_unavailable');
      assert.ok(Number(res.headers['retry-after']) >= 1);
      assert.equal(res.body.access_token, undefined);
      // The status changes only through the refresh rules: a transient failure is not one.
      const acct = await a.fx.vault.call(
        'GET',
        `/v1/connected-accounts/${a.accountId}`,
        a.adminKey,
      );
      assert.equal(acct.body.status, 'ACTIVE');
      assert.equal(acct.body.last_error_code, 'provider_unavailable');
      const modest = await a.token(60);
      assert.equal(modest.status, 200, 'a need the stored token meets is served meanwhile');
      assert.ok(modest.body.expires_in >= 60);
    } finally {
      await a.fx.close();
    }
  });

  test('min_ttl above L and a failing refresh: the live stored token is returned as it is', async () => {
    const a = await account(60);
    try {
      a.clock.advance(40);
      a.fx.emu.setFaults({ target: 'token', status: 503, count: 100 });
      const res = await a.token(300);
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.refreshed, false);
      assert.equal(res.body.expires_in, 20);
    } finally {
      await a.fx.close();
    }
  });
});
