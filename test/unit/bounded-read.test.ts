import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, type TestContext } from 'node:test';
import { Agent } from 'undici';
import {
  AnswerDeadlineError,
  AnswerTooLargeError,
  boundedRequest,
} from '../../src/lib/bounded-read.ts';

/**
 * A loopback server whose handler the test writes; it records, per request, how many body bytes
 * it managed to write and whether its socket was closed under it before it had finished.
 */
async function peer(
  t: TestContext,
  handler: (res: ServerResponse, seen: Seen, req: IncomingMessage) => void,
) {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const s: Seen = { written: 0, closedEarly: false, finished: false };
    seen.push(s);
    res.on('close', () => {
      if (!s.finished) s.closedEarly = true;
    });
    handler(res, s, req);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const dispatcher = new Agent({ keepAliveTimeout: 1 });
  t.after(async () => {
    await dispatcher.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`;
  return { url, seen, dispatcher };
}

interface Seen {
  written: number;
  closedEarly: boolean;
  finished: boolean;
}

const CHUNK = Buffer.alloc(16 * 1024, 'x');

/** Writes chunks as fast as the client reads them, forever (or until the socket closes). */
function endless(res: ServerResponse, s: Seen) {
  const pump = () => {
    while (!res.destroyed) {
      s.written += CHUNK.length;
      if (!res.write(CHUNK)) return void res.once('drain', pump);
    }
  };
  pump();
}

test('a small answer is read whole, with its status and headers', async (t) => {
  const p = await peer(t, (res, s) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"access_token":"a"}');
    s.finished = true;
  });
  const got = await boundedRequest({
    url: p.url,
    method: 'POST',
    body: 'grant_type=client_credentials',
    dispatcher: p.dispatcher,
    timeoutMs: 5_000,
    maxBytes: 1024,
  });
  assert.equal(got.status, 200);
  assert.equal(got.headers['content-type'], 'application/json');
  assert.equal(got.body.toString(), '{"access_token":"a"}');
});

test('an endless body is cut at the cap: the error names host and limit, the peer is cut off', async (t) => {
  const p = await peer(t, (res, s) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    endless(res, s);
  });
  const cap = 64 * 1024;
  const err = await boundedRequest({
    url: p.url,
    method: 'GET',
    dispatcher: p.dispatcher,
    timeoutMs: 30_000,
    maxBytes: cap,
  }).then(
    () => assert.fail('an endless answer was accepted'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof AnswerTooLargeError, String(err));
  assert.equal(err.message, `the answer from ${new URL(p.url).host} exceeded ${cap} bytes`);
  await waitFor(() => p.seen[0]!.closedEarly);
  // What the peer got out before its socket closed: the cap plus what socket buffers hold, not more.
  assert.ok(p.seen[0]!.written < cap + 8 * 1024 * 1024, `${p.seen[0]!.written} bytes written`);
});

test('a declared Content-Length above the cap is refused before the body is read', async (t) => {
  const declared = 50 * 1024 * 1024;
  const p = await peer(t, (res, s) => {
    res.writeHead(200, { 'content-length': String(declared) });
    // Headers only, then the body, slowly: nothing of it should be waited for.
    res.flushHeaders();
    const timer = setInterval(() => {
      if (res.destroyed) return clearInterval(timer);
      s.written += 1;
      res.write('x');
    }, 100);
  });
  const err = await boundedRequest({
    url: p.url,
    method: 'GET',
    dispatcher: p.dispatcher,
    timeoutMs: 30_000,
    maxBytes: 1024,
  }).then(
    () => assert.fail('accepted'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof AnswerTooLargeError, String(err));
  await waitFor(() => p.seen[0]!.closedEarly);
  assert.ok(p.seen[0]!.written < declared);
});

test('a peer dripping a byte every 200 ms is cut at the overall deadline', async (t) => {
  const planned = 100; // 20 s of dripping
  const p = await peer(t, (res, s) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.flushHeaders();
    const timer = setInterval(() => {
      if (res.destroyed) return clearInterval(timer);
      res.write(' ');
      if (++s.written === planned) {
        clearInterval(timer);
        s.finished = true;
        res.end();
      }
    }, 200);
  });
  const err = await boundedRequest({
    url: p.url,
    method: 'GET',
    dispatcher: p.dispatcher,
    timeoutMs: 1_000,
    maxBytes: 1024 * 1024,
  }).then(
    () => assert.fail('a dripping answer was waited out'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof AnswerDeadlineError, String(err));
  assert.equal(err.message, `${new URL(p.url).host} did not answer within 1000 ms`);
  await waitFor(() => p.seen[0]!.closedEarly);
  assert.ok(p.seen[0]!.written < planned, 'the socket closed before the peer finished');
});

test('a peer that never sends headers is cut at the deadline too', async (t) => {
  const p = await peer(t, () => {});
  await assert.rejects(
    boundedRequest({
      url: p.url,
      method: 'GET',
      dispatcher: p.dispatcher,
      timeoutMs: 300,
      maxBytes: 1024,
    }),
    AnswerDeadlineError,
  );
});

test('the caller’s abort ends the call with the caller’s reason, not a deadline', async (t) => {
  const p = await peer(t, (res) => {
    res.writeHead(200);
    res.flushHeaders();
  });
  const abort = new AbortController();
  const call = boundedRequest({
    url: p.url,
    method: 'GET',
    dispatcher: p.dispatcher,
    timeoutMs: 30_000,
    maxBytes: 1024,
    signal: abort.signal,
  });
  const reason = new Error('caller went away');
  setTimeout(() => abort.abort(reason), 50);
  await assert.rejects(call, (e) => e === reason || (e as Error).cause === reason);
});

async function waitFor(ok: () => boolean, ms = 5_000) {
  const until = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > until) assert.fail('the condition did not come true');
    await new Promise((r) => setTimeout(r, 10));
  }
}
