// PROXY_TIMEOUT_MS bounds the whole proxied exchange (issue 20): a provider that never answers, one
// that drips its answer, a caller that drips its upload, a caller that does not read. And what the
// provider's answers may not set on the vault's origin. The provider is a local server standing in
// for Atlassian's API; what it saw, and when its sockets closed, is recorded there.
import assert from 'node:assert/strict';
import {
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { manualClock } from '../../src/lib/clock.ts';
import { atlassianSetup, runFlow, startFlowFixture } from '../helpers/flow.ts';
import { openOwnDatabase } from '../helpers/own-database.ts';
import { startTestVault, testMasterKey, type TestVault } from '../helpers/vault.ts';

const TIMEOUT_MS = 1500;
// A garbage collection while an answer streams: the deadline must not be collectable by then.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const DRIP_MS = 200;

/** What the provider saw of one request, and how it ended. */
interface Seen {
  path: string;
  headers: IncomingHttpHeaders;
  bodyBytes: number;
  /** the request body arrived in full */
  bodyEnded: boolean;
  /** resolves when the exchange ended: whether the answer had been sent in full by then */
  closed: Promise<{ answerFinished: boolean }>;
}

type Handler = (req: IncomingMessage, res: ServerResponse, seen: Seen) => void;

/** The provider's behaviour per last path segment. */
const behaviours: Record<string, Handler> = {
  // Headers at once, then a byte every DRIP_MS: 40 of them (8 s, far past the deadline).
  drip(_req, res) {
    res.writeHead(200, { 'content-type': 'text/plain' });
    let n = 0;
    const timer = setInterval(() => {
      res.write('x');
      if (++n === 40) {
        clearInterval(timer);
        res.end();
      }
    }, DRIP_MS);
    res.on('close', () => clearInterval(timer));
  },
  // Never a header.
  silent() {},
  // Answers once the whole body is in.
  upload(req, res, seen) {
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ bytes: seen.bodyBytes }));
    });
  },
  // 64 MiB as fast as the reader takes it.
  bulk(_req, res) {
    const chunk = Buffer.alloc(64 * 1024, 'y');
    let left = 1024;
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    const pump = () => {
      while (left > 0) {
        left--;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      res.end();
    };
    pump();
  },
  // HTML that would run script on whatever origin shows it, with CORS grants and origin policies.
  page(req, res) {
    const status = Number(new URL(req.url!, 'http://x').searchParams.get('status') ?? 200);
    res.writeHead(status, {
      'content-type': 'text/html',
      'access-control-allow-origin': '*',
      'access-control-allow-credentials': 'true',
      'access-control-allow-headers': 'authorization',
      'access-control-expose-headers': 'x-ratelimit-remaining',
      'strict-transport-security': 'max-age=63072000; includeSubDomains; preload',
      'x-ratelimit-remaining': '99',
      ...(status === 302 ? { location: 'https://elsewhere.example/' } : {}),
    });
    res.end('<script>fetch("/v1/api-keys").then(r => r.text()).then(alert)</script>');
  },
};

let vault: TestVault;
let base: string;
let auth: Record<string, string>;
let prefix: string;
const seenByProvider: Seen[] = [];
let close: () => Promise<void>;

before(async () => {
  const provider = createServer((req, res) => {
    let finishedAt: boolean | undefined;
    res.on('finish', () => (finishedAt = true));
    const seen: Seen = {
      path: req.url!,
      headers: req.headers,
      bodyBytes: 0,
      bodyEnded: false,
      // A response closes when it has been sent, or when its connection went away before that.
      closed: new Promise((resolve) =>
        res.once('close', () => resolve({ answerFinished: finishedAt === true })),
      ),
    };
    seenByProvider.push(seen);
    req.on('data', (c: Buffer) => (seen.bodyBytes += c.length));
    req.on('end', () => (seen.bodyEnded = true));
    const name = new URL(req.url!, 'http://x').pathname.split('/').at(-1)!;
    (behaviours[name] ?? behaviours.page!)(req, res, seen);
  });
  await new Promise<void>((r) => provider.listen(0, '127.0.0.1', r));
  const providerUrl = `http://127.0.0.1:${(provider.address() as AddressInfo).port}`;
  // An account connected through a vault on the emulator; the calls go through a second vault on
  // the same database whose Atlassian API is the local provider.
  const clock = manualClock();
  const masterKeys = testMasterKey();
  const fx = await startFlowFixture({
    clock,
    env: { VAULT_MASTER_KEYS: masterKeys },
    database: await openOwnDatabase(),
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
  vault = await startTestVault({
    shareDatabaseOf: fx.vault,
    clock,
    env: {
      VAULT_MASTER_KEYS: masterKeys,
      ATLASSIAN_AUTH_URL: fx.emu.url,
      ATLASSIAN_API_URL: providerUrl,
      PROXY_TIMEOUT_MS: String(TIMEOUT_MS),
      PROXY_MAX_BODY_BYTES: String(128 * 1024 * 1024),
    },
  });
  base = await vault.app.listen({ host: '127.0.0.1', port: 0 });
  auth = { authorization: `Bearer ${s.adminKey}` };
  prefix = `/v1/connected-accounts/${run.accountId}/proxy/jira/rest/api/3`;
  close = async () => {
    await vault.close();
    await fx.close();
    provider.closeAllConnections();
    await new Promise((r) => provider.close(r));
  };
});

after(() => close());

/** The provider's record of the latest request to `name`. */
const lastSeen = (name: string) => {
  const s = seenByProvider
    .filter((x) => new URL(x.path, 'http://x').pathname.endsWith(`/${name}`))
    .at(-1);
  assert.ok(s, `the provider saw no request to ${name}`);
  return s;
};

interface Received {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** the answer arrived in full (false: the connection ended early) */
  complete: boolean;
}

/**
 * A call whose upload is `first`, then `drip` (if given) one byte every DRIP_MS until an answer
 * comes; the answer is read at once, or — with `holdReading` — only once that promise resolves.
 */
function call(
  method: string,
  path: string,
  opts: {
    first?: Buffer;
    drip?: boolean;
    holdReading?: () => Promise<unknown>;
    onHeaders?: () => void;
  } = {},
): Promise<Received> {
  const u = new URL(base);
  const upload = opts.first !== undefined || opts.drip;
  return new Promise((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const req = httpRequest(
      {
        host: u.hostname,
        port: u.port,
        method,
        path,
        headers: { ...auth, ...(upload ? { 'transfer-encoding': 'chunked' } : {}) },
      },
      (res) => {
        clearInterval(timer);
        opts.onHeaders?.();
        const parts: Buffer[] = [];
        const done = () =>
          resolve({
            status: res.statusCode!,
            headers: res.headers,
            body: Buffer.concat(parts),
            complete: res.complete,
          });
        const read = () => {
          res.on('data', (c: Buffer) => parts.push(c));
          res.on('error', () => {}); // "aborted": what `complete` reports
          res.on('close', done);
          res.resume();
        };
        if (opts.holdReading) {
          res.pause();
          void opts.holdReading().then(read, reject);
        } else read();
      },
    );
    // Once the vault has answered and closed, writing more fails: that is expected.
    req.on('error', (err) => (timer ? clearInterval(timer) : reject(err)));
    if (!upload) return void req.end();
    if (opts.first) req.write(opts.first);
    if (opts.drip) timer = setInterval(() => req.write('z'), DRIP_MS);
    else req.end();
  });
}

test('a provider that drips its answer: the caller’s answer is cut at the deadline and the provider call aborted', async () => {
  const got = await call('GET', `${prefix}/drip`, {
    onHeaders: () => setTimeout(() => (gc(), gc()), DRIP_MS),
  });
  assert.equal(got.status, 200, 'the headers came back in time');
  assert.equal(got.complete, false, 'the connection ended before the answer did');
  assert.ok(got.body.length < 40, `${got.body.length} of 40 bytes`);
  const { answerFinished } = await lastSeen('drip').closed;
  assert.equal(answerFinished, false, 'the provider’s socket was closed before it had finished');
});

test('a provider that never sends its headers: 504 provider_timeout, its socket closed', async () => {
  const got = await call('GET', `${prefix}/silent`);
  assert.equal(got.status, 504);
  const problem = JSON.parse(got.body.toString());
  assert.equal(problem.code, 'provider_timeout');
  assert.match(problem.detail, /PROXY_TIMEOUT_MS \(1500 ms\)/);
  assert.match(String(got.headers['content-type']), /problem\+json/);
  await lastSeen('silent').closed;
});

test('a caller that drips its upload: 408 by the deadline; a streamed upload’s provider call is aborted', async () => {
  // Small enough to be held for replay: nothing reaches the provider until it has arrived.
  const before = seenByProvider.length;
  const held = await call('POST', `${prefix}/upload?held`, { first: Buffer.from('{'), drip: true });
  assert.equal(held.status, 408);
  assert.equal(JSON.parse(held.body.toString()).code, 'request_timeout');
  assert.equal(held.headers.connection, 'close', 'the rest of the upload is not waited for');
  assert.equal(seenByProvider.length, before, 'the provider saw no request');

  // Larger than the replay buffer: streamed on as it arrives, then cut at the deadline.
  const streamed = await call('POST', `${prefix}/upload`, {
    first: Buffer.alloc(100 * 1024, 'a'),
    drip: true,
  });
  assert.equal(streamed.status, 408);
  assert.equal(JSON.parse(streamed.body.toString()).code, 'request_timeout');
  const seen = lastSeen('upload');
  await seen.closed;
  assert.equal(seen.bodyEnded, false, 'the provider’s request was aborted, not completed');
  assert.ok(seen.bodyBytes >= 64 * 1024, `${seen.bodyBytes} bytes reached the provider`);
});

test('a caller that does not read: the answer is cut at the deadline and the provider call aborted', async () => {
  let providerClosed: Promise<{ answerFinished: boolean }> | undefined;
  const got = await call('GET', `${prefix}/bulk`, {
    // Read nothing until the provider's socket has closed: only the deadline can have closed it.
    holdReading: async () => {
      while (!seenByProvider.at(-1)?.path.endsWith('/bulk'))
        await new Promise((r) => setTimeout(r, 10));
      providerClosed = lastSeen('bulk').closed;
      return providerClosed;
    },
  });
  assert.equal((await providerClosed!).answerFinished, false);
  assert.equal(got.status, 200);
  assert.equal(got.complete, false, 'the caller’s answer ended early');
  assert.ok(got.body.length < 64 * 1024 * 1024);
});

test('provider answers of every status lose Access-Control-* and carry CSP sandbox and nosniff', async () => {
  for (const status of [200, 201, 302, 400, 403, 404, 429, 500, 503]) {
    const got = await call('GET', `${prefix}/page?status=${status}`);
    assert.equal(got.status, status);
    const names = Object.keys(got.headers);
    assert.deepEqual(
      names.filter((n) => n.startsWith('access-control-')),
      [],
      `${status}: ${names.join(', ')}`,
    );
    assert.equal(got.headers['strict-transport-security'], undefined);
    assert.equal(got.headers['content-security-policy'], 'sandbox', String(status));
    assert.equal(got.headers['x-content-type-options'], 'nosniff', String(status));
    assert.equal(got.headers['x-ratelimit-remaining'], '99', 'the provider’s own fields stay');
    assert.match(got.body.toString(), /<script>/, 'the body is the provider’s, as it is');
  }
  // The vault's own refusals on the proxy routes too.
  const refused = await call('GET', `${prefix}/..;/x`);
  assert.equal(refused.status, 400);
  assert.equal(refused.headers['content-security-policy'], 'sandbox');
  assert.equal(refused.headers['x-content-type-options'], 'nosniff');
});
