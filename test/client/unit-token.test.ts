// Unit tests of the client's own logic (cache, joining, retries, errors) over an injected fetch.
// What the vault answers is covered against a real vault process in the other test/client files.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  VaultError,
  createVaultClient,
  parseRetryAfter,
} from '../../clients/typescript/src/index.ts';
import { fakeFetch, json, problem, refused, tokenAnswer } from './fake-fetch.ts';

const URL_ = 'http://vault.test:3000';
const KEY = 'cvk_unit_test_key_that_must_never_leak_0123456789';
const T0 = Date.parse('2030-01-01T00:00:00Z');

function clock(start = T0) {
  let t = start;
  return { now: () => t, advance: (s: number) => (t += s * 1000) };
}

describe('token()', () => {
  test('caches per selector and calls the token endpoint the selector names', async () => {
    const c = clock();
    const f = fakeFetch(() => json(200, tokenAnswer(c.now(), 3600)));
    const v = createVaultClient({ url: `${URL_}/`, apiKey: KEY, fetch: f.fetch, now: c.now });
    const a = await v.token({ authConfigId: 'ac_1', userId: 'ada' });
    const b = await v.token({ authConfigId: 'ac_1', userId: 'ada' });
    assert.equal(a, b);
    assert.equal(f.calls.length, 1);
    assert.equal(f.calls[0]!.url, `${URL_}/v1/auth-configs/ac_1/token`);
    assert.equal(f.calls[0]!.method, 'POST');
    assert.equal(f.calls[0]!.headers.authorization, `Bearer ${KEY}`);
    assert.deepEqual(JSON.parse(f.calls[0]!.body!), { user_id: 'ada', min_ttl: 60 });

    await v.token({ connectedAccountId: 'ca_1' });
    await v.token({ authConfigId: 'ac_1', connectedAccountId: 'ca_1' });
    await v.token({ authConfigId: 'ac_1' });
    assert.deepEqual(
      f.calls.slice(1).map((r) => [r.url.slice(URL_.length), JSON.parse(r.body!)]),
      [
        ['/v1/connected-accounts/ca_1/token', { min_ttl: 60 }],
        ['/v1/auth-configs/ac_1/token', { connected_account_id: 'ca_1', min_ttl: 60 }],
        ['/v1/auth-configs/ac_1/token', { min_ttl: 60 }],
      ],
    );
    // each selector has its own entry: asking again costs nothing
    await v.token({ connectedAccountId: 'ca_1' });
    await v.token({ authConfigId: 'ac_1', connectedAccountId: 'ca_1' });
    await v.token({ authConfigId: 'ac_1' });
    assert.equal(f.calls.length, 4);
  });

  test('reuses an answer only while it lives at least the caller’s minTtl', async () => {
    const c = clock();
    const f = fakeFetch(() => json(200, tokenAnswer(c.now(), 3600)));
    const v = createVaultClient({ url: URL_, apiKey: KEY, fetch: f.fetch, now: c.now });
    const sel = { connectedAccountId: 'ca_1' };
    await v.token(sel);
    c.advance(3540); // 60 s left: still good for the default minTtl
    await v.token(sel);
    assert.equal(f.calls.length, 1);
    c.advance(1); // 59 s left
    await v.token(sel);
    assert.equal(f.calls.length, 2);
    c.advance(400); // the new token has 3200 s left
    await v.token(sel, { minTtl: 3200 });
    assert.equal(f.calls.length, 2);
    await v.token(sel, { minTtl: 3201 });
    assert.equal(f.calls.length, 3);
    assert.equal(JSON.parse(f.calls[2]!.body!).min_ttl, 3201);
  });

  test('never caches past expires_at, nor past expires_in from when it arrived', async () => {
    const c = clock();
    const answers = [
      // expires_at says 100 s although expires_in says an hour
      tokenAnswer(c.now(), 100, { expires_in: 3600 }),
      // expires_in says 100 s (clocks apart) although expires_at says an hour
      tokenAnswer(c.now(), 3600, { expires_in: 100 }),
    ];
    const f = fakeFetch((_r, n) => json(200, answers[n % 2]));
    const v = createVaultClient({ url: URL_, apiKey: KEY, fetch: f.fetch, now: c.now });
    await v.token({ connectedAccountId: 'ca_a' });
    await v.token({ connectedAccountId: 'ca_b' });
    c.advance(40);
    await v.token({ connectedAccountId: 'ca_a' });
    await v.token({ connectedAccountId: 'ca_b' });
    assert.equal(f.calls.length, 2);
    c.advance(1);
    await v.token({ connectedAccountId: 'ca_a' });
    await v.token({ connectedAccountId: 'ca_b' });
    assert.equal(f.calls.length, 4);
  });

  test('expires_at null: a Basic credential is reused for a while, a Bearer one not at all', async () => {
    const c = clock();
    const f = fakeFetch((r) =>
      json(
        200,
        tokenAnswer(c.now(), 0, {
          expires_at: null,
          expires_in: null,
          token_type: r.url.includes('ca_basic') ? 'Basic' : 'Bearer',
        }),
      ),
    );
    const v = createVaultClient({
      url: URL_,
      apiKey: KEY,
      fetch: f.fetch,
      now: c.now,
      nonExpiringCacheMs: 60_000,
    });
    const basic = { connectedAccountId: 'ca_basic' };
    const bearer = { connectedAccountId: 'ca_bearer' };
    await v.token(basic);
    await v.token(bearer);
    await v.token(basic, { minTtl: 3300 });
    await v.token(bearer);
    assert.deepEqual(
      f.calls.map((r) => r.url.split('/')[5]),
      ['ca_basic', 'ca_bearer', 'ca_bearer'],
    );
    c.advance(60);
    await v.token(basic);
    assert.equal(f.calls.length, 4);
    assert.equal(await v.authorization(basic), `Basic ${(await v.token(basic)).access_token}`);
  });

  test('50 concurrent callers of one selector share one request', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const f = fakeFetch(async () => {
      await gate;
      return json(200, tokenAnswer(Date.now(), 3600));
    });
    const v = createVaultClient({ url: URL_, apiKey: KEY, fetch: f.fetch });
    const all = Promise.all(
      Array.from({ length: 50 }, () => v.token({ authConfigId: 'ac_1', userId: 'u' })),
    );
    await new Promise((r) => setImmediate(r));
    release();
    const results = await all;
    assert.equal(f.calls.length, 1);
    assert.ok(results.every((r) => r === results[0]));
  });

  test('a caller needing more life than the request in flight asks for itself', async () => {
    const f = fakeFetch(() => json(200, tokenAnswer(Date.now(), 3600)));
    const v = createVaultClient({ url: URL_, apiKey: KEY, fetch: f.fetch });
    const sel = { connectedAccountId: 'ca_1' };
    await Promise.all([v.token(sel), v.token(sel, { minTtl: 30 }), v.token(sel, { minTtl: 600 })]);
    assert.deepEqual(
      f.calls.map((r) => JSON.parse(r.body!).min_ttl),
      [60, 600],
    );
  });

  test('invalidate() forgets one selector, or all; an answer in flight is then not cached', async () => {
    let release!: () => void;
    let gate: Promise<void> = Promise.resolve();
    const f = fakeFetch(async () => {
      await gate;
      return json(200, tokenAnswer(Date.now(), 3600));
    });
    const v = createVaultClient({ url: URL_, apiKey: KEY, fetch: f.fetch });
    const a = { connectedAccountId: 'ca_a' };
    const b = { connectedAccountId: 'ca_b' };
    await v.token(a);
    await v.token(b);
    v.invalidate(a);
    await v.token(a);
    await v.token(b);
    assert.equal(f.calls.length, 3);
    v.invalidate();
    gate = new Promise<void>((r) => (release = r));
    const flying = v.token(a);
    await new Promise((r) => setImmediate(r));
    v.invalidate(a);
    release();
    await flying;
    await v.token(a);
    assert.equal(f.calls.length, 5);
  });

  test('the cache is bounded: least recently used selectors go first', async () => {
    const f = fakeFetch(() => json(200, tokenAnswer(Date.now(), 3600)));
    const v = createVaultClient({ url: URL_, apiKey: KEY, fetch: f.fetch, cacheSize: 2 });
    const s = (id: string) => ({ connectedAccountId: id });
    await v.token(s('ca_1'));
    await v.token(s('ca_2'));
    await v.token(s('ca_1')); // ca_1 is now the newest
    await v.token(s('ca_3')); // evicts ca_2
    assert.equal(f.calls.length, 3);
    await v.token(s('ca_1'));
    assert.equal(f.calls.length, 3);
    await v.token(s('ca_2'));
    assert.equal(f.calls.length, 4);
  });

  test('refuses selectors and minTtl values the vault could not mean', async () => {
    const f = fakeFetch([]);
    const v = createVaultClient({ url: URL_, apiKey: KEY, fetch: f.fetch });
    for (const bad of [{}, { userId: 'u' }, { authConfigId: '' }, { connectedAccountId: 5 }]) {
      await assert.rejects(v.token(bad as never), TypeError);
    }
    await assert.rejects(
      v.token({ authConfigId: 'ac_1', userId: 'u', connectedAccountId: 'ca_1' } as never),
      TypeError,
    );
    for (const minTtl of [-1, 3301, 1.5, Number.NaN]) {
      await assert.rejects(v.token({ connectedAccountId: 'ca_1' }, { minTtl }), RangeError);
    }
    assert.equal(f.calls.length, 0);
  });
});

describe('errors and retries', () => {
  test('a 409 carries code, status, account status and reason, and is not retried', async () => {
    const c = clock();
    const f = fakeFetch([
      json(200, tokenAnswer(c.now(), 600)),
      json(
        409,
        problem(409, 'connected_account_not_active', {
          connected_account_status: 'EXPIRED',
          status_reason: 'refresh_token_invalid',
        }),
        { 'x-request-id': 'ignored-when-the-body-has-one' },
      ),
      json(200, tokenAnswer(c.now(), 3600)),
    ]);
    const v = createVaultClient({ url: URL_, apiKey: KEY, fetch: f.fetch, now: c.now });
    const sel = { connectedAccountId: 'ca_1' };
    await v.token(sel);
    const err = await v.token(sel, { minTtl: 3300 }).catch((e: unknown) => e);
    assert.ok(err instanceof VaultError);
    assert.equal(err.status, 409);
    assert.equal(err.code, 'connected_account_not_active');
    assert.equal(err.retryable, false);
    assert.equal(err.accountStatus, 'EXPIRED');
    assert.equal(err.statusReason, 'refresh_token_invalid');
    assert.equal(err.requestId, 'req-connected_account_not_active');
    assert.equal(err.detail, 'detail of connected_account_not_active');
    assert.equal(err.attempts, 1);
    // the account is not usable: its cached token was forgotten
    await v.token(sel);
    assert.equal(f.calls.length, 3);
  });

  test('a non-problem error answer still has a code, and the request id from the header', async () => {
    const f = fakeFetch([
      new Response('<html>bad gateway</html>', {
        status: 400,
        headers: { 'content-type': 'text/html', 'x-request-id': 'req-h' },
      }),
    ]);
    const v = createVaultClient({ url: URL_, apiKey: KEY, fetch: f.fetch });
    const err = (await v.token({ connectedAccountId: 'ca_1' }).catch((e) => e)) as VaultError;
    assert.equal(err.code, 'http_400');
    assert.equal(err.requestId, 'req-h');
    assert.equal(err.retryable, false);
  });

  test('503 with Retry-After: waits at least that long, then succeeds', async () => {
    const f = fakeFetch([
      json(503, problem(503, 'provider_unavailable'), { 'retry-after': '1' }),
      json(200, tokenAnswer(Date.now(), 3600)),
    ]);
    const v = createVaultClient({ url: URL_, apiKey: KEY, fetch: f.fetch, maxRetryWaitMs: 3000 });
    const t0 = performance.now();
    await v.token({ connectedAccountId: 'ca_1' });
    const waited = performance.now() - t0;
    assert.equal(f.calls.length, 2);
    assert.ok(waited >= 1000, `waited ${waited} ms`);
    assert.ok(waited < 2500, `waited ${waited} ms`);
  });

  test('429 with an HTTP-date Retry-After is honoured too', async () => {
    const f = fakeFetch(() =>
      f.calls.length === 1
        ? json(429, problem(429, 'rate_limited'), {
            'retry-after': new Date(Date.now() + 1500).toUTCString(),
          })
        : json(200, tokenAnswer(Date.now(), 3600)),
    );
    const v = createVaultClient({ url: URL_, apiKey: KEY, fetch: f.fetch });
    const t0 = performance.now();
    await v.token({ connectedAccountId: 'ca_1' });
    // an HTTP date has whole seconds: at least the rest of the current second
    assert.ok(performance.now() - t0 >= 400);
    assert.equal(f.calls.length, 2);
  });

  test('a Retry-After beyond the bound fails at once instead of sleeping past it', async () => {
    const f = fakeFetch(() =>
      json(503, problem(503, 'service_unavailable'), { 'retry-after': '10' }),
    );
    const v = createVaultClient({ url: URL_, apiKey: KEY, fetch: f.fetch, maxRetryWaitMs: 2000 });
    const err = (await v.token({ connectedAccountId: 'ca_1' }).catch((e) => e)) as VaultError;
    // One request and no retry: a wait past the bound is not slept at all (no upper-bound timing).
    assert.ok(err instanceof VaultError);
    assert.equal(err.status, 503);
    assert.equal(err.retryable, true);
    assert.equal(err.retryAfterMs, 10_000);
    assert.equal(f.calls.length, 1);
  });

  test('refused connections are retried with backoff within the bound, then thrown', async () => {
    const f = fakeFetch(() => refused());
    const v = createVaultClient({ url: URL_, apiKey: KEY, fetch: f.fetch, maxRetryWaitMs: 600 });
    const err = (await v.token({ connectedAccountId: 'ca_1' }).catch((e) => e)) as VaultError;
    assert.ok(err instanceof VaultError);
    assert.equal(err.code, 'network_error');
    assert.equal(err.status, 0);
    assert.equal(err.retryable, true);
    assert.ok(f.calls.length >= 3, `${f.calls.length} attempts`);
    assert.equal(err.attempts, f.calls.length);
    // Within the bound by the client's own rules: no more retries than 600 ms of 50 ms backoffs.
    assert.ok(f.calls.length <= 600 / 50 + 1, `${f.calls.length} attempts`);
  });

  test('neither the API key nor a token appears in an error', async () => {
    const token = tokenAnswer(Date.now(), 600);
    const f = fakeFetch([
      json(200, token),
      json(409, problem(409, 'connected_account_not_active')),
      refused(),
    ]);
    const v = createVaultClient({ url: URL_, apiKey: KEY, fetch: f.fetch, maxRetryWaitMs: 0 });
    await v.token({ connectedAccountId: 'ca_1' });
    const errs = [
      await v.token({ connectedAccountId: 'ca_1' }, { minTtl: 3300 }).catch((e) => e),
      await v.token({ connectedAccountId: 'ca_2' }).catch((e) => e),
    ];
    for (const e of errs) {
      const text = `${String(e)} ${e.stack} ${JSON.stringify(e)} ${String(e.cause)}`;
      assert.ok(!text.includes(KEY), text);
      assert.ok(!text.includes(token.access_token as string), text);
    }
  });

  test('parseRetryAfter: delay-seconds and HTTP dates, nothing else', () => {
    const now = Date.parse('2030-01-01T00:00:00Z');
    assert.equal(parseRetryAfter('3', now), 3000);
    assert.equal(parseRetryAfter(' 0 ', now), 0);
    assert.equal(parseRetryAfter('Tue, 01 Jan 2030 00:00:05 GMT', now), 5000);
    assert.equal(parseRetryAfter('Mon, 31 Dec 2029 23:00:00 GMT', now), 0);
    for (const bad of [null, undefined, '', '-1', '1.5', 'soon']) {
      assert.equal(parseRetryAfter(bad, now), undefined, String(bad));
    }
  });
});

describe('admin helpers', () => {
  test('list() iterates every page following next_cursor, with the filters', async () => {
    const acct = (id: string) => ({ id, status: 'ACTIVE' });
    const f = fakeFetch([
      json(200, { data: [acct('ca_1'), acct('ca_2')], next_cursor: 'c1' }),
      json(200, { data: [acct('ca_3')], next_cursor: 'c2' }),
      json(200, { data: [], next_cursor: null }),
    ]);
    const v = createVaultClient({ url: URL_, apiKey: KEY, fetch: f.fetch });
    const ids: string[] = [];
    for await (const a of v.connectedAccounts.list({ status: 'ACTIVE', limit: 2 })) ids.push(a.id);
    assert.deepEqual(ids, ['ca_1', 'ca_2', 'ca_3']);
    assert.deepEqual(
      f.calls.map((r) => r.url.slice(URL_.length)),
      [
        '/v1/connected-accounts?status=ACTIVE&limit=2',
        '/v1/connected-accounts?status=ACTIVE&limit=2&cursor=c1',
        '/v1/connected-accounts?status=ACTIVE&limit=2&cursor=c2',
      ],
    );
  });

  test('a create is retried only when the vault surely did not act on it', async () => {
    const created = { id: 'ca_1', redirect_url: 'http://vault.test/v1/connect/x' };
    const f = fakeFetch([refused(), json(201, created)]);
    const v = createVaultClient({ url: URL_, apiKey: KEY, fetch: f.fetch });
    const body = { auth_config_id: 'ac_1', user_id: 'ada' };
    assert.deepEqual(await v.connectedAccounts.create(body), created);
    assert.equal(f.calls.length, 2);

    const g = fakeFetch([json(503, problem(503, 'service_unavailable'), { 'retry-after': '0' })]);
    const w = createVaultClient({ url: URL_, apiKey: KEY, fetch: g.fetch });
    const err = (await w.connectedAccounts.create(body).catch((e) => e)) as VaultError;
    assert.equal(err.status, 503);
    assert.equal(err.retryable, true);
    assert.equal(g.calls.length, 1);
  });

  test('delete answers undefined on 204 and ids are path-encoded', async () => {
    const f = fakeFetch([new Response(null, { status: 204 })]);
    const v = createVaultClient({ url: URL_, apiKey: KEY, fetch: f.fetch });
    assert.equal(await v.webhookEndpoints.delete('we_1/../x'), undefined);
    assert.equal(f.calls[0]!.url, `${URL_}/v1/webhook-endpoints/we_1%2F..%2Fx`);
    assert.equal(f.calls[0]!.method, 'DELETE');
  });
});
