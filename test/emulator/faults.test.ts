import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CLIENT_ID, CLIENT_SECRET, api, login, refresh, setup } from './helpers.ts';

test('a 500 fault with count:1 hits one request, then the next succeeds', async () => {
  const { emu } = await setup();
  try {
    const t = await login(emu);
    emu.setFaults({ status: 500, count: 1 });
    const failed = await refresh(emu, t.refresh_token);
    assert.equal(failed.status, 500);
    assert.deepEqual(failed.json, { error: 'server_error' });
    const ok = await refresh(emu, t.refresh_token);
    assert.equal(ok.status, 200, 'the faulted request did not spend the token');
    const c = emu.counters();
    assert.equal(c.faultsInjected, 1);
    assert.equal(c.refreshes, 1);
    assert.equal(c.reuseInsideLeeway, 0);
  } finally {
    await emu.close();
  }
});

test('429 with Retry-After; api faults do not touch the token endpoint', async () => {
  const { emu } = await setup();
  try {
    const t = await login(emu);
    emu.setFaults({ status: 429, retryAfterSeconds: 7 });
    for (let i = 0; i < 2; i++) {
      const r = await refresh(emu, t.refresh_token);
      assert.equal(r.status, 429);
      assert.equal(r.headers.get('retry-after'), '7');
      assert.deepEqual(r.json, { error: 'rate_limited' });
    }
    assert.equal((await api(emu, '/me', t.access_token)).status, 200, "target defaults to 'token'");
    emu.setFaults({ target: 'api', status: 503, retryAfterSeconds: 2 });
    const me = await api(emu, '/me', t.access_token);
    assert.equal(me.status, 503);
    assert.equal(me.headers.get('retry-after'), '2');
    assert.equal((await refresh(emu, t.refresh_token)).status, 200);
    emu.clearFaults();
    assert.equal((await api(emu, '/me', t.access_token)).status, 200);
    assert.equal(emu.counters().faultsInjected, 3);
  } finally {
    await emu.close();
  }
});

test('rate 0 never faults; latencyMs alone delays the answer', async () => {
  const { emu } = await setup();
  try {
    const t = await login(emu);
    emu.setFaults({ status: 500, rate: 0 });
    assert.equal((await api(emu, '/me', t.access_token)).status, 200);
    const r = await refresh(emu, t.refresh_token);
    assert.equal(r.status, 200);
    emu.setFaults({ latencyMs: 150, count: 1 });
    const start = performance.now();
    const slow = await refresh(emu, r.json.refresh_token as string);
    assert.equal(slow.status, 200);
    assert.ok(performance.now() - start >= 140);
  } finally {
    await emu.close();
  }
});

test('holdAfterIssueMs commits new tokens before answering', async () => {
  const { emu } = await setup();
  try {
    const t = await login(emu);
    emu.setFaults({ holdAfterIssueMs: 5_000, count: 1 });
    const ac = new AbortController();
    const held = fetch(`${emu.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        grant_type: 'refresh_token',
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        refresh_token: t.refresh_token,
      }),
      signal: ac.signal,
    });
    await new Promise((r) => setTimeout(r, 150));
    const c = emu.counters();
    assert.equal(c.refreshes, 1, 'state changed while the answer is held');
    assert.equal(c.issuedAfterHold, 1);
    ac.abort(); // the client dies before it got (and stored) the new refresh token
    await assert.rejects(held, { name: 'AbortError' });
    // it retries with the old token inside the leeway and recovers
    const retry = await refresh(emu, t.refresh_token);
    assert.equal(retry.status, 200);
    assert.equal(emu.counters().reuseInsideLeeway, 1);
    assert.equal(emu.counters().issuedAfterHold, 1, 'count:1 consumed');
  } finally {
    await emu.close();
  }
});

test('close() does not wait for a held answer', async () => {
  const { emu } = await setup();
  const t = await login(emu);
  emu.setFaults({ holdAfterIssueMs: 60_000 });
  const held = refresh(emu, t.refresh_token).catch((e: unknown) => e);
  await new Promise((r) => setTimeout(r, 100));
  const start = performance.now();
  await emu.close();
  await held;
  assert.ok(performance.now() - start < 5_000);
});
