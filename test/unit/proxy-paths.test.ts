// The proxy's path confinement and the headers it hands back, as pure functions: what a segment
// may be, and why each refused one is refused.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AppError } from '../../src/lib/errors.ts';
import { returnedResponseHeaders } from '../../src/features/proxy/headers.ts';
import { proxySegments, splitProxyUrl, upstreamUrl } from '../../src/features/proxy/paths.ts';

/** The detail of the 400 proxy_path_invalid `raw` is refused with (fails if it is accepted). */
function refusal(raw: string): string {
  try {
    proxySegments(raw);
  } catch (err) {
    assert.ok(err instanceof AppError, `${raw}: ${String(err)}`);
    assert.equal(err.status, 400, raw);
    assert.equal(err.code, 'proxy_path_invalid', raw);
    assert.match(err.detail, /nothing was sent$/, raw);
    return err.detail;
  }
  assert.fail(`${raw} was accepted`);
}

test('plain paths are split as sent, a trailing slash kept', () => {
  assert.deepEqual(proxySegments('jira/rest/api/3/myself'), ['jira', 'rest', 'api', '3', 'myself']);
  assert.deepEqual(proxySegments('jira/rest/api/3/issue/KAN-1/'), [
    'jira',
    'rest',
    'api',
    '3',
    'issue',
    'KAN-1',
    '',
  ]);
  // Encoded characters that are data stay encoded and allowed: a space, a non-ASCII letter, a colon
  // after the first segment, dots that are part of a name.
  assert.deepEqual(proxySegments('wiki/space/My%20Space/caf%C3%A9/a:b/v1.2/..x/.hidden'), [
    'wiki',
    'space',
    'My%20Space',
    'caf%C3%A9',
    'a:b',
    'v1.2',
    '..x',
    '.hidden',
  ]);
});

test('dot segments are refused as sent, percent-decoded, before a ; and after NFKC', () => {
  const dotted = [
    'jira/../x',
    'jira/./x',
    'jira/%2e%2e/x',
    'jira/%2E%2E/x',
    'jira/.%2e/x',
    'jira/%2e/x',
    // servlet containers take the part before ';' as the segment
    'jira/..;/x',
    'jira/..;x/y',
    'jira/.;/x',
    'jira/%2e%2e;x/y',
    'jira/.%3B/x',
    // Unicode look-alikes that NFKC turns into dots
    'jira/%EF%BC%8E%EF%BC%8E/x', // ．． fullwidth full stops
    'jira/%EF%BC%8E/x', // ．
    'jira/.%EF%BC%8E/x', // .．
    'jira/%E2%80%A5/x', // ‥ two dot leader
    'jira/%E2%80%A4/x', // ․ one dot leader
    'jira/%E2%80%A4%E2%80%A4/x', // ․․
    'jira/%EF%B9%92/x', // ﹒ small full stop
    'jira/%EF%B9%92%EF%B9%92;x/y', // ﹒﹒;x
    'jira/%E2%80%A5;/x',
  ];
  for (const raw of dotted) assert.match(refusal(raw), /\. or \.\. segment/, raw);
});

test('a ; anywhere in a segment is refused, and says why', () => {
  for (const raw of ['jira/rest;v=1/x', 'jira/;', 'jira/rest/api/3/myself;jsessionid=1', ';x']) {
    assert.match(refusal(raw), /';' \(path parameters are not passed on\)/, raw);
  }
  // Encoded, or as a fullwidth look-alike, it is refused with the other encoded delimiters.
  assert.match(refusal('jira/a%3Bb'), /encodes a separator/);
  assert.match(refusal('jira/a%EF%BC%9Bb'), /encodes a separator/); // ；
});

test('encoded separators and their fullwidth look-alikes are refused', () => {
  const encoded = [
    'jira/rest%2fapi',
    'jira/rest%2Fapi',
    'jira/rest%5capi',
    'jira/%40evil.example',
    'jira/%252e%252e/x',
    'jira/%00',
    'jira/%0d%0aHost:%20evil',
    'jira/%3F',
    'jira/%23',
    'jira/a%EF%BC%8Fb', // ／ fullwidth solidus
    'jira/a%EF%BC%BCb', // ＼ fullwidth reverse solidus
    'jira/a%EF%BC%A0b', // ＠
    'jira/a%EF%BC%85b', // ％
  ];
  for (const raw of encoded) assert.match(refusal(raw), /encodes a separator/, raw);
});

test('the existing rules: empty, long, //, raw characters, absolute URLs, bad escapes', () => {
  assert.match(refusal(''), /is empty/);
  assert.match(refusal(`jira/${'a'.repeat(4100)}`), /longer than 4096/);
  assert.match(refusal('jira//x'), /empty segment/);
  assert.match(refusal('/jira/x'), /empty segment/);
  assert.match(refusal('jira/a\\b'), /not allowed unencoded/);
  assert.match(refusal('jira/user@evil.example'), /not allowed unencoded/);
  assert.match(refusal('jira/a b'), /not allowed unencoded/);
  assert.match(refusal('jira/café'), /not allowed unencoded/);
  assert.match(refusal('http:/evil.example'), /scheme or host/);
  assert.match(refusal('https:%2F%2Fevil.example'), /scheme or host/);
  assert.match(refusal('jira/%zz'), /not allowed unencoded/);
  assert.match(refusal('jira/%C3'), /not valid percent-encoding/);
});

test('upstreamUrl stays under the base; splitProxyUrl keeps the query as sent', () => {
  const u = upstreamUrl('https://api.example.com/v2', ['repos', 'a', 'b'], 'q=1%202&x');
  assert.equal(u.href, 'https://api.example.com/v2/repos/a/b?q=1%202&x');
  assert.deepEqual(splitProxyUrl('/v1/connected-accounts/ca_1/proxy/jira/x?a=%2F'), {
    path: 'jira/x',
    query: 'a=%2F',
  });
});

test('answers lose Access-Control-*, cookies and origin-wide policies, and gain sandbox and nosniff', () => {
  const h = returnedResponseHeaders({
    'Content-Type': 'text/html',
    'access-control-allow-origin': '*',
    'Access-Control-Allow-Credentials': 'true',
    'access-control-expose-headers': 'x-secret',
    'set-cookie': ['a=1'],
    'strict-transport-security': 'max-age=63072000; includeSubDomains',
    'alt-svc': 'h3=":443"',
    'clear-site-data': '"*"',
    'x-content-type-options': 'whatever',
    'x-ratelimit-remaining': '10',
    etag: '"abc"',
  });
  assert.deepEqual(h, {
    'content-type': 'text/html',
    'x-ratelimit-remaining': '10',
    etag: '"abc"',
    'content-security-policy': 'sandbox',
    'x-content-type-options': 'nosniff',
  });
  // A policy of the provider's own is kept; ours is enforced beside it.
  const withCsp = returnedResponseHeaders({ 'content-security-policy': "default-src 'none'" });
  assert.deepEqual(withCsp['content-security-policy'], ["default-src 'none'", 'sandbox']);
});
