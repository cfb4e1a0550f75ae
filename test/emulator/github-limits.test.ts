import assert from 'node:assert/strict';
import { test } from 'node:test';
import { call } from './helpers.ts';
import {
  GH_CALLBACK,
  GH_CLIENT_ID,
  ghExchange,
  ghCode,
  ghLogin,
  setupGithub,
} from './github-helpers.ts';

test('every answer carries x-ratelimit-*; the quota is per user per hour and enforced', async () => {
  const { emu } = await setupGithub({ githubRateLimit: 3 });
  try {
    const a = (await ghLogin(emu)).access_token;
    const b = (await ghLogin(emu)).access_token; // the same user: the same quota
    const t0 = emu.clock.now();
    const r1 = await call(emu, 'GET', '/user', { auth: a });
    const t1 = emu.clock.now();
    assert.equal(r1.headers.get('x-ratelimit-limit'), '3');
    assert.equal(r1.headers.get('x-ratelimit-remaining'), '2');
    assert.equal(r1.headers.get('x-ratelimit-used'), '1');
    assert.equal(r1.headers.get('x-ratelimit-resource'), 'core');
    const reset = Number(r1.headers.get('x-ratelimit-reset'));
    // An hour after the window's first request, in epoch seconds.
    assert.ok(
      reset >= Math.ceil((t0 + 3_600_000) / 1000) && reset <= Math.ceil((t1 + 3_600_000) / 1000),
    );
    await call(emu, 'GET', '/user/repos', { auth: b });
    const r3 = await call(emu, 'GET', '/repos/octo-ada/engine', { auth: a });
    assert.equal(r3.status, 200);
    assert.equal(r3.headers.get('x-ratelimit-remaining'), '0');

    const limited = await call(emu, 'GET', '/user', { auth: b });
    assert.equal(limited.status, 403);
    assert.match(limited.json.message, /^API rate limit exceeded for user ID 42\./);
    assert.equal(limited.headers.get('x-ratelimit-remaining'), '0');
    assert.equal(limited.headers.get('x-ratelimit-reset'), String(reset));

    // GET /rate_limit tells the same without spending the quota.
    const rl = await call(emu, 'GET', '/rate_limit', { auth: a });
    assert.equal(rl.status, 200);
    assert.deepEqual(rl.json.resources.core, { limit: 3, remaining: 0, used: 3, reset });
    assert.equal(emu.counters().github.rateLimited, 1);

    emu.clock.advance(3600);
    const next = await call(emu, 'GET', '/user', { auth: a });
    assert.equal(next.status, 200);
    assert.equal(next.headers.get('x-ratelimit-remaining'), '2');
  } finally {
    await emu.close();
  }
});

test('faults: 403 and 429 as secondary rate limits with retry-after and the quota headers', async () => {
  const { emu } = await setupGithub();
  try {
    const token = (await ghLogin(emu)).access_token;
    emu.setFaults({
      provider: 'github',
      target: 'api',
      status: 403,
      retryAfterSeconds: 30,
      count: 1,
    });
    const r403 = await call(emu, 'GET', '/user', { auth: token });
    assert.equal(r403.status, 403);
    assert.equal(r403.headers.get('retry-after'), '30');
    assert.match(r403.json.message, /secondary rate limit/);
    assert.match(r403.json.documentation_url, /secondary-rate-limits$/);
    assert.equal(r403.headers.get('x-ratelimit-limit'), '5000');
    assert.equal(r403.headers.get('x-ratelimit-remaining'), '5000', 'a fault spends no quota');

    emu.setFaults({ provider: 'github', target: 'api', status: 429, count: 1 });
    const r429 = await call(emu, 'POST', '/repos/octo-ada/engine/issues', {
      auth: token,
      json: { title: 'x' },
    });
    assert.equal(r429.status, 429);
    assert.equal(r429.headers.get('retry-after'), '1');
    const list = await call(emu, 'GET', '/repos/octo-ada/engine/issues', { auth: token });
    assert.deepEqual(list.json, [], 'the faulted POST created nothing');

    emu.setFaults({ provider: 'github', target: 'api', status: 502, count: 1 });
    const r502 = await call(emu, 'GET', '/user', { auth: token });
    assert.equal(r502.status, 502);
    assert.equal(r502.headers.get('retry-after'), null);
    assert.equal((await call(emu, 'GET', '/user', { auth: token })).status, 200, 'count used up');
    assert.equal(emu.counters().faultsInjected, 3);
  } finally {
    await emu.close();
  }
});

test('faults are scoped by provider and target; 403 is refused where GitHub would not send it', async () => {
  const { emu } = await setupGithub();
  try {
    const token = (await ghLogin(emu)).access_token;
    emu.setFaults({ provider: 'atlassian', target: 'all', status: 503 });
    assert.equal((await call(emu, 'GET', '/user', { auth: token })).status, 200);
    assert.equal((await ghExchange(emu, await ghCode(emu))).status, 200);
    emu.setFaults({ provider: 'github', target: 'api', status: 503 });
    assert.equal((await call(emu, 'GET', '/me', { auth: 'x' })).status, 401, 'Atlassian untouched');
    emu.setFaults({ target: 'token', status: 503, count: 1 });
    const code = await ghCode(emu);
    assert.equal((await ghExchange(emu, code)).status, 503, 'no provider: both token endpoints');
    assert.equal((await ghExchange(emu, code)).status, 200, 'the faulted request spent no code');
    emu.clearFaults();

    for (const bad of [
      { status: 403, target: 'api' },
      { status: 403, provider: 'github', target: 'token' },
      { provider: 'bitbucket' },
    ]) {
      const res = await call(emu, 'PUT', '/_emulator/faults', { json: bad });
      assert.equal(res.status, 400, JSON.stringify(bad));
    }
  } finally {
    await emu.close();
  }
});

test('the request log keeps GitHub API calls, not the consent page or the token endpoint', async () => {
  const { emu } = await setupGithub();
  try {
    const token = (await ghLogin(emu)).access_token;
    await call(emu, 'GET', '/user', {
      auth: token,
      headers: { 'X-GitHub-Api-Version': '2022-11-28' },
    });
    const log = emu.requests();
    assert.deepEqual(
      log.map((r) => `${r.method} ${r.path} ${r.status}`),
      ['GET /user 200'],
    );
    assert.ok(
      log[0]!.rawHeaders.some(([k, v]) => k === 'X-GitHub-Api-Version' && v === '2022-11-28'),
    );
    assert.ok(!JSON.stringify(log).includes(GH_CALLBACK), 'no authorize request logged');
    assert.ok(!JSON.stringify(log).includes(GH_CLIENT_ID));
  } finally {
    await emu.close();
  }
});
