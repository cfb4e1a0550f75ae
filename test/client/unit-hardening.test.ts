// verifyWebhook's strictness (base64 exactly as encoders write it, every signature of the header
// considered, a minimum secret size) against signatures made by the `standardwebhooks` library, and
// which admin writes the client retries, over an injected fetch.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { Webhook } from 'standardwebhooks';
import {
  MIN_WEBHOOK_SECRET_BYTES,
  VaultError,
  WebhookVerificationError,
  createVaultClient,
  verifyWebhook,
} from '../../clients/typescript/src/index.ts';
import { fakeFetch, json, problem, refused } from './fake-fetch.ts';

const secret = `whsec_${randomBytes(32).toString('base64')}`;
const body = JSON.stringify({
  type: 'connected_account.expired',
  timestamp: new Date().toISOString(),
  data: { id: 'ev_1', connected_account_id: 'ca_1' },
});

/** A delivery signed by the reference library; `sig` is the base64 part of its v1 signature. */
function delivery(key = secret) {
  const id = `ev_${randomBytes(4).toString('hex')}`;
  const at = new Date();
  const header = new Webhook(key).sign(id, at, body);
  const headers = {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': header,
  };
  return { headers, sig: header.slice(3) };
}

const reason = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof WebhookVerificationError, String(e));
    return e.reason;
  }
  assert.fail('verifyWebhook accepted it');
};

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

describe('verifyWebhook: strict base64', () => {
  test('a signature spelled any way but the encoder’s is refused, though a lenient decoder reads the same bytes', () => {
    // One whose base64 has + or / (so its base64url spelling differs).
    let d = delivery();
    while (!/[+/]/.test(d.sig)) d = delivery();
    assert.ok(verifyWebhook(d.headers, body, secret));
    const real = Buffer.from(d.sig, 'base64');
    const last = d.sig.length - 2; // 32 bytes: 43 characters and one '=' (2 spare bits in the last)
    const spare = ALPHABET[ALPHABET.indexOf(d.sig[last]!) ^ 1]!;
    const variants = {
      unpadded: d.sig.replace(/=+$/, ''),
      base64url: d.sig.replace(/\+/g, '-').replace(/\//g, '_'),
      'a stray character': `${d.sig.slice(0, 10)}!${d.sig.slice(10)}`,
      'inner whitespace': `${d.sig.slice(0, 20)}\t${d.sig.slice(20)}`,
      'spare bits set': `${d.sig.slice(0, last)}${spare}=`,
      'extra padding': `${d.sig}==`,
    };
    for (const [what, v] of Object.entries(variants)) {
      assert.deepEqual(
        Buffer.from(v, 'base64'),
        real,
        `${what}: Node's decoder reads it as the real one`,
      );
      const h = { ...d.headers, 'webhook-signature': `v1,${v}` };
      assert.equal(
        reason(() => verifyWebhook(h, body, secret)),
        'invalid_signature',
        what,
      );
    }
  });

  test('a secret that is not padded standard base64 is refused as invalid_secret', () => {
    const d = delivery();
    const b64 = secret.slice('whsec_'.length);
    for (const bad of [
      `whsec_${b64.replace(/=+$/, '')}`,
      `whsec_${b64.replace(/\+/g, '-').replace(/\//g, '_')}${/[+/]/.test(b64) ? '' : '!'}`,
      `whsec_ ${b64}`,
      `whsec_${b64}\n`,
      'whsec_',
      '',
    ]) {
      assert.equal(
        reason(() => verifyWebhook(d.headers, body, bad)),
        'invalid_secret',
        JSON.stringify(bad),
      );
    }
    // The prefix is optional: the base64 alone is the same secret.
    assert.ok(verifyWebhook(d.headers, body, b64));
  });

  test(`a secret under ${MIN_WEBHOOK_SECRET_BYTES} bytes is refused with a message that says so`, () => {
    assert.equal(MIN_WEBHOOK_SECRET_BYTES, 24);
    const short = `whsec_${randomBytes(23).toString('base64')}`;
    const d = delivery(short);
    try {
      verifyWebhook(d.headers, body, short);
      assert.fail('accepted a 23-byte secret');
    } catch (e) {
      assert.ok(e instanceof WebhookVerificationError);
      assert.equal(e.reason, 'invalid_secret');
      assert.match(e.message, /at least 24 bytes \(this one holds 23\)/);
      assert.ok(!e.message.includes(short.slice(6)), 'the secret is not in the message');
    }
    const enough = `whsec_${randomBytes(24).toString('base64')}`;
    assert.ok(verifyWebhook(delivery(enough).headers, body, enough));
  });
});

describe('verifyWebhook: every signature in the header counts', () => {
  test('any valid v1 entry passes, wherever it stands and whatever the others are', () => {
    const d = delivery();
    const good = `v1,${d.sig}`;
    const wrong = `v1,${randomBytes(32).toString('base64')}`;
    const forms = [
      `${wrong} ${good}`,
      `${good} ${wrong}`,
      `v1,not-base64! ${good}`,
      `v1a,${randomBytes(64).toString('base64')} ${good}`,
      `${wrong}  ${good}`,
      `${wrong}, ${good}`, // the same header sent twice, joined
    ];
    for (const sigs of forms)
      assert.ok(verifyWebhook({ ...d.headers, 'webhook-signature': sigs }, body, secret), sigs);
    // A header sent twice, as Node's IncomingHttpHeaders array or as fetch's Headers.
    assert.ok(verifyWebhook({ ...d.headers, 'webhook-signature': [wrong, good] }, body, secret));
    const h = new Headers(d.headers);
    h.set('webhook-signature', wrong);
    h.append('webhook-signature', good);
    assert.ok(verifyWebhook(h, body, secret));
  });

  test('no valid v1 entry: refused, a right signature under another version included', () => {
    const d = delivery();
    const wrong = `v1,${randomBytes(32).toString('base64')}`;
    for (const sigs of [wrong, `v2,${d.sig} ${wrong}`, `${d.sig}`, `v1${d.sig}`, `V1,${d.sig}`])
      assert.equal(
        reason(() => verifyWebhook({ ...d.headers, 'webhook-signature': sigs }, body, secret)),
        'invalid_signature',
        sigs,
      );
  });
});

describe('which admin writes are retried', () => {
  const URL_ = 'http://vault.test:3000';
  const KEY = 'cvk_unit_test_key_0123456789abcdef';
  const busy = () => json(503, problem(503, 'service_unavailable'), { 'retry-after': '0' });
  const limited = () => json(429, problem(429, 'rate_limited'), { 'retry-after': '0' });
  const cfg = { id: 'ac_1', name: 'Jira' };
  const client = (answers: Parameters<typeof fakeFetch>[0]) => {
    const f = fakeFetch(answers);
    return {
      f,
      v: createVaultClient({ url: URL_, apiKey: KEY, fetch: f.fetch, maxRetryWaitMs: 2_000 }),
    };
  };

  test('a client-secret rotation is never retried: not after a 503, a 429 nor a refused connection', async () => {
    for (const failure of [busy, limited, refused]) {
      const { f, v } = client([failure(), json(200, cfg)]);
      const err = await v.authConfigs
        .update('ac_1', { client_secret: 'new-secret-0123456789' })
        .catch((e: unknown) => e);
      assert.ok(err instanceof VaultError, String(err));
      assert.equal(err.retryable, true, 'still marked retryable: the caller may choose to');
      assert.equal(f.calls.length, 1, `${err.code}: sent once`);
      assert.equal(f.calls[0]!.method, 'PATCH');
    }
  });

  test('an update without a secret sets the same fields again, so it is retried like a read', async () => {
    const { f, v } = client([busy(), json(200, cfg)]);
    assert.deepEqual(await v.authConfigs.update('ac_1', { name: 'Jira' }), cfg);
    assert.equal(f.calls.length, 2);
    const acct = client([busy(), json(200, { id: 'ca_1' })]);
    await acct.v.connectedAccounts.update('ca_1', { selected_cloud_id: 'c1' });
    assert.equal(acct.f.calls.length, 2);
  });

  test('a create is retried after a 429 (the vault answered before acting), not after a 503', async () => {
    const body = { auth_config_id: 'ac_1', user_id: 'ada' };
    const created = { id: 'ca_1', redirect_url: 'http://vault.test/v1/connect/x' };
    const a = client([limited(), json(201, created)]);
    assert.deepEqual(await a.v.connectedAccounts.create(body), created);
    assert.equal(a.f.calls.length, 2);
    const b = client([busy(), json(201, created)]);
    assert.equal(
      ((await b.v.connectedAccounts.create(body).catch((e) => e)) as VaultError).status,
      503,
    );
    assert.equal(b.f.calls.length, 1);
  });
});
