// fetch() over an injected fetch (the exact request it makes, docs/proxy.md), and verifyWebhook
// against signatures made by the `standardwebhooks` library, an implementation independent of the
// client's.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { Webhook } from 'standardwebhooks';
import {
  VaultError,
  WebhookVerificationError,
  createVaultClient,
  verifyWebhook,
} from '../../clients/typescript/src/index.ts';
import { fakeFetch, refused } from './fake-fetch.ts';

const URL_ = 'http://vault.test:3000';
const KEY = 'cvk_unit_test_key_0123456789abcdef';

describe('fetch() through the proxy', () => {
  test('{connectedAccountId}: the account route, the vault key, nothing else', async () => {
    const answer = new Response('{"accountId":"x"}', {
      status: 200,
      headers: { 'content-type': 'application/json', 'x-ratelimit-remaining': '99' },
    });
    const f = fakeFetch([answer]);
    const v = createVaultClient({ url: URL_, apiKey: KEY, fetch: f.fetch });
    const res = await v.fetch({ connectedAccountId: 'ca_1' }, 'jira/rest/api/3/myself');
    assert.equal(res, answer, 'the Response is handed back as it is');
    assert.equal(f.calls.length, 1);
    const r = f.calls[0]!;
    assert.equal(r.url, `${URL_}/v1/connected-accounts/ca_1/proxy/jira/rest/api/3/myself`);
    assert.equal(r.method, 'GET');
    assert.deepEqual(r.headers, { authorization: `Bearer ${KEY}` });
    assert.equal(r.init.body, undefined);
    assert.equal(r.init.redirect, 'manual');
  });

  test('{authConfigId, userId}: the config route with X-Vault-User-Id; method, headers and body pass through', async () => {
    const f = fakeFetch([new Response(null, { status: 201 })]);
    const v = createVaultClient({ url: `${URL_}/`, apiKey: KEY, fetch: f.fetch });
    const body = JSON.stringify({ fields: { summary: 'Hello' } });
    const res = await v.fetch(
      { authConfigId: 'ac_1', userId: 'ada@example.com' },
      '/jira/rest/api/3/issue',
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-custom': '1',
          authorization: 'Bearer the-callers-own',
        },
        body,
      },
    );
    assert.equal(res.status, 201);
    const r = f.calls[0]!;
    assert.equal(r.url, `${URL_}/v1/auth-configs/ac_1/proxy/jira/rest/api/3/issue`);
    assert.equal(r.method, 'POST');
    assert.deepEqual(r.headers, {
      authorization: `Bearer ${KEY}`,
      'content-type': 'application/json',
      'x-custom': '1',
      'x-vault-user-id': 'ada@example.com',
    });
    assert.equal(r.body, body);
  });

  test('{authConfigId, connectedAccountId} with cloudId; the query string is kept', async () => {
    const f = fakeFetch([new Response('[]')]);
    const v = createVaultClient({ url: URL_, apiKey: KEY, fetch: f.fetch });
    await v.fetch(
      { authConfigId: 'ac_1', connectedAccountId: 'ca_9' },
      'confluence/wiki/api/v2/pages?limit=5',
      { cloudId: 'cloud-2' },
    );
    const r = f.calls[0]!;
    assert.equal(r.url, `${URL_}/v1/auth-configs/ac_1/proxy/confluence/wiki/api/v2/pages?limit=5`);
    assert.deepEqual(r.headers, {
      authorization: `Bearer ${KEY}`,
      'x-vault-cloud-id': 'cloud-2',
      'x-vault-connected-account-id': 'ca_9',
    });
    assert.equal('cloudId' in r.init, false);
  });

  test('{authConfigId} alone: the config route without account headers', async () => {
    const f = fakeFetch([new Response('')]);
    const v = createVaultClient({ url: URL_, apiKey: KEY, fetch: f.fetch });
    await v.fetch({ authConfigId: 'ac_1' }, 'jira/rest/api/3/myself', { method: 'DELETE' });
    assert.equal(f.calls[0]!.url, `${URL_}/v1/auth-configs/ac_1/proxy/jira/rest/api/3/myself`);
    assert.equal(f.calls[0]!.method, 'DELETE');
    assert.deepEqual(f.calls[0]!.headers, { authorization: `Bearer ${KEY}` });
  });

  test('a provider 429 comes back as it is, not retried by the client', async () => {
    const f = fakeFetch([
      new Response('slow down', { status: 429, headers: { 'retry-after': '30' } }),
    ]);
    const v = createVaultClient({ url: URL_, apiKey: KEY, fetch: f.fetch });
    const res = await v.fetch({ connectedAccountId: 'ca_1' }, 'jira/rest/api/3/search');
    assert.equal(res.status, 429);
    assert.equal(res.headers.get('retry-after'), '30');
    assert.equal(await res.text(), 'slow down');
    assert.equal(f.calls.length, 1);
  });

  test('a streamed body is sent as a stream (duplex half)', async () => {
    const f = fakeFetch([new Response('')]);
    const v = createVaultClient({ url: URL_, apiKey: KEY, fetch: f.fetch });
    const body = new Blob(['abc']).stream();
    await v.fetch({ connectedAccountId: 'ca_1' }, 'jira/rest/api/3/attachments', {
      method: 'PUT',
      body,
    });
    const init = f.calls[0]!.init as RequestInit & { duplex?: string };
    assert.equal(init.body, body);
    assert.equal(init.duplex, 'half');
  });

  test('paths that could leave the proxy prefix are refused before any request', async () => {
    const f = fakeFetch([]);
    const v = createVaultClient({ url: URL_, apiKey: KEY, fetch: f.fetch });
    for (const p of [
      '../token',
      'jira/../../token',
      'jira/%2e%2e/%2E%2E/token',
      'jira/./x',
      'https://evil.example/x',
      'jira\\..\\token',
      '',
    ]) {
      await assert.rejects(v.fetch({ connectedAccountId: 'ca_1' }, p), TypeError, p);
    }
    assert.equal(f.calls.length, 0);
  });

  test('an unreachable vault is a retryable VaultError with no secret in it', async () => {
    const f = fakeFetch([refused()]);
    const v = createVaultClient({ url: URL_, apiKey: KEY, fetch: f.fetch });
    const err = (await v
      .fetch({ connectedAccountId: 'ca_1' }, 'jira/rest/api/3/myself')
      .catch((e) => e)) as VaultError;
    assert.ok(err instanceof VaultError);
    assert.equal(err.code, 'network_error');
    assert.equal(err.retryable, true);
    assert.ok(!`${err.message} ${err.stack}`.includes(KEY));
  });
});

describe('verifyWebhook', () => {
  const secret = `whsec_${randomBytes(24).toString('base64')}`;
  const body = JSON.stringify({
    type: 'connected_account.active',
    timestamp: new Date().toISOString(),
    data: { id: 'ev_1', connected_account_id: 'ca_1' },
  });
  const signed = (payload = body, at = new Date(), key = secret) => {
    const id = `ev_${randomBytes(4).toString('hex')}`;
    return {
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': new Webhook(key).sign(id, at, payload),
    };
  };

  test('accepts a signed delivery (record, Headers, bytes) and returns the payload', () => {
    const h = signed();
    assert.deepEqual(verifyWebhook(h, body, secret), JSON.parse(body));
    assert.equal(
      verifyWebhook(new Headers(h), Buffer.from(body), secret).type,
      'connected_account.active',
    );
    const upper = Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toUpperCase(), v]));
    assert.equal(verifyWebhook(upper, new TextEncoder().encode(body), secret).data.id, 'ev_1');
  });

  test('accepts when one of several signatures matches (secret rotation)', () => {
    const h = signed();
    const other = `v1,${randomBytes(32).toString('base64')}`;
    h['webhook-signature'] = `${other} ${h['webhook-signature']}`;
    assert.ok(verifyWebhook(h, body, secret));
  });

  const reason = (fn: () => unknown) => {
    try {
      fn();
    } catch (e) {
      assert.ok(e instanceof WebhookVerificationError, String(e));
      return e.reason;
    }
    assert.fail('verifyWebhook accepted it');
  };

  test('rejects a tampered body, a wrong secret, a stale or future timestamp', () => {
    const h = signed();
    assert.equal(
      reason(() => verifyWebhook(h, body.replace('ca_1', 'ca_2'), secret)),
      'invalid_signature',
    );
    const wrong = `whsec_${randomBytes(24).toString('base64')}`;
    assert.equal(
      reason(() => verifyWebhook(h, body, wrong)),
      'invalid_signature',
    );
    const old = signed(body, new Date(Date.now() - 301_000));
    assert.equal(
      reason(() => verifyWebhook(old, body, secret)),
      'timestamp_out_of_tolerance',
    );
    assert.ok(verifyWebhook(old, body, secret, { toleranceSeconds: 600 }));
    const future = signed(body, new Date(Date.now() + 301_000));
    assert.equal(
      reason(() => verifyWebhook(future, body, secret)),
      'timestamp_out_of_tolerance',
    );
    const now = () => Date.now() + 10 * 60_000;
    assert.equal(
      reason(() => verifyWebhook(h, body, secret, { now })),
      'timestamp_out_of_tolerance',
    );
  });

  test('rejects missing headers, a v2-only signature, bad timestamps and bad secrets', () => {
    const h = signed();
    const { 'webhook-signature': _s, ...noSig } = h;
    assert.equal(
      reason(() => verifyWebhook(noSig, body, secret)),
      'missing_headers',
    );
    const v2 = { ...h, 'webhook-signature': h['webhook-signature'].replace(/^v1,/, 'v2,') };
    assert.equal(
      reason(() => verifyWebhook(v2, body, secret)),
      'invalid_signature',
    );
    assert.equal(
      reason(() => verifyWebhook({ ...h, 'webhook-timestamp': '12abc' }, body, secret)),
      'invalid_timestamp',
    );
    assert.equal(
      reason(() => verifyWebhook(h, body, 'whsec_')),
      'invalid_secret',
    );
    assert.equal(
      reason(() => verifyWebhook(h, body, 'whsec_not base64!')),
      'invalid_secret',
    );
  });

  test('a signed body that is not JSON is refused as such', () => {
    const h = signed('not json');
    assert.equal(
      reason(() => verifyWebhook(h, 'not json', secret)),
      'invalid_payload',
    );
  });
});
