import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { REQUEST_LOG_SIZE } from '../../src/emulator/core.ts';
import { call, login, setup } from './helpers.ts';

/** A GET over node:http, so that nothing is added or decoded behind our back. */
function get(
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; bytes: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode!, headers: res.headers, bytes: Buffer.concat(chunks) }),
      );
    });
    req.on('error', reject);
  });
}

/** Writes the request line and header lines exactly as given (duplicates, case) over a socket. */
function rawRequest(base: string, head: string[], body: string): Promise<string> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => {
      socket.end(
        `${head.join('\r\n')}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    });
    let answer = '';
    socket.on('data', (c: Buffer) => (answer += c.toString('utf8')));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });
}

async function withIssues() {
  const s = await setup();
  const token = (await login(s.emu)).access_token;
  const cloudId = s.user.sites[0]!.id;
  for (let i = 0; i < 20; i++)
    s.emu.addJiraIssue(cloudId, { projectKey: 'DEMO', summary: `issue number ${i}` });
  return {
    ...s,
    token,
    search: `${s.emu.url}/ex/jira/${cloudId}/rest/api/3/search/jql?fields=*all`,
  };
}

test('JSON answers above 1 KB are gzipped when the client accepts gzip', async () => {
  const { emu, token, search } = await withIssues();
  try {
    const auth = { authorization: `Bearer ${token}` };
    const gz = await get(search, { ...auth, 'accept-encoding': 'br, gzip;q=0.8' });
    assert.equal(gz.status, 200);
    assert.equal(gz.headers['content-encoding'], 'gzip');
    assert.match(gz.headers.vary ?? '', /accept-encoding/i);
    const json = JSON.parse(gunzipSync(gz.bytes).toString('utf8')) as { issues: unknown[] };
    assert.equal(json.issues.length, 20);
    assert.ok(gunzipSync(gz.bytes).length > 1024);

    for (const ae of [undefined, 'identity', 'gzip;q=0', 'deflate']) {
      const plain = await get(search, ae ? { ...auth, 'accept-encoding': ae } : auth);
      assert.equal(plain.headers['content-encoding'], undefined, String(ae));
      assert.equal(
        (JSON.parse(plain.bytes.toString('utf8')) as { issues: unknown[] }).issues.length,
        20,
      );
    }
    // small answers stay as they are
    const small = await get(`${emu.url}/me`, { ...auth, 'accept-encoding': 'gzip' });
    assert.equal(small.status, 200);
    assert.equal(small.headers['content-encoding'], undefined);
    assert.ok(small.bytes.length <= 1024);
  } finally {
    await emu.close();
  }
});

test('the request log keeps API requests as received: raw headers, path, query, body hash, status', async () => {
  const { emu, token, user } = await withIssues();
  try {
    emu.clearRequests();
    const cloudId = user.sites[0]!.id;
    const body = JSON.stringify({ jql: 'project = DEMO', maxResults: 1 });
    const res = await rawRequest(
      emu.url,
      [
        `POST /ex/jira/${cloudId}/rest/api/3/search/jql?x=%2F&y=1 HTTP/1.1`,
        `Host: ${new URL(emu.url).host}`,
        `Authorization: Bearer ${token}`,
        'Content-Type: application/json',
        'X-Custom: one',
        'x-custom: two',
      ],
      body,
    );
    assert.match(res, /^HTTP\/1\.1 200 /);
    // neither the token endpoint nor the admin API is logged
    await call(emu, 'POST', '/oauth/token', { json: { grant_type: 'refresh_token' } });
    await call(emu, 'GET', '/_emulator/counters');
    const [entry, ...rest] = emu.requests();
    assert.equal(rest.length, 0);
    assert.ok(entry);
    assert.equal(entry.method, 'POST');
    assert.equal(entry.path, `/ex/jira/${cloudId}/rest/api/3/search/jql`);
    assert.equal(entry.query, 'x=%2F&y=1');
    assert.equal(entry.status, 200);
    assert.equal(entry.bodySize, Buffer.byteLength(body));
    assert.equal(entry.bodySha256, createHash('sha256').update(body).digest('hex'));
    assert.equal(entry.headers.authorization, `Bearer ${token}`);
    const names = entry.rawHeaders.map(([k]) => k);
    assert.deepEqual(
      names.filter((n) => n.toLowerCase() === 'x-custom'),
      ['X-Custom', 'x-custom'],
      'duplicates and case kept',
    );
    assert.deepEqual(
      entry.rawHeaders.find(([k]) => k === 'x-custom'),
      ['x-custom', 'two'],
    );
    assert.ok(names.includes('Host'));
    assert.ok(entry.at > 0);

    const me = await get(`${emu.url}/me`, { authorization: `Bearer ${token}` });
    assert.equal(me.status, 200);
    const last = emu.requests(1)[0]!;
    assert.equal(last.path, '/me');
    assert.equal(last.query, '');
    assert.equal(last.bodySize, 0);
    assert.equal(last.bodySha256, createHash('sha256').digest('hex'));

    const http2 = await call(emu, 'GET', '/_emulator/requests?limit=1');
    assert.equal(http2.status, 200);
    assert.deepEqual(http2.json.requests, emu.requests(1));
    assert.equal((await call(emu, 'GET', '/_emulator/requests?limit=x')).status, 400);
    // copies: a caller cannot change the log
    emu.requests(1)[0]!.path = 'changed';
    assert.equal(emu.requests(1)[0]!.path, '/me');
  } finally {
    await emu.close();
  }
});

test('the request log is a bounded ring; DELETE clears it', async () => {
  const { emu } = await setup();
  try {
    for (let i = 0; i < REQUEST_LOG_SIZE + 5; i++) await call(emu, 'GET', `/me?i=${i}`);
    const all = emu.requests(10_000);
    assert.equal(all.length, REQUEST_LOG_SIZE);
    assert.equal(all[0]!.query, 'i=5');
    assert.equal(all.at(-1)!.query, `i=${REQUEST_LOG_SIZE + 4}`);
    assert.equal(all.at(-1)!.status, 401, 'unauthenticated requests are logged too');
    assert.deepEqual(
      emu.requests(2).map((r) => r.query),
      [`i=${REQUEST_LOG_SIZE + 3}`, `i=${REQUEST_LOG_SIZE + 4}`],
    );
    assert.deepEqual(emu.requests(0), []);
    const cleared = await call(emu, 'DELETE', '/_emulator/requests');
    assert.deepEqual(cleared.json, { requests: [] });
    assert.deepEqual(emu.requests(), []);
  } finally {
    await emu.close();
  }
});
