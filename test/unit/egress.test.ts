import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import {
  EgressDeniedError,
  checkEgress,
  createEgressAgent,
  egressDeniedDetail,
  findEgressDenied,
  isPrivateAddress,
} from '../../src/lib/egress.ts';

test('isPrivateAddress: loopback, private, link-local, reserved and their IPv6 wrappings', () => {
  const priv = [
    '127.0.0.1',
    '127.255.0.9',
    '::1',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '169.254.0.1',
    '100.64.0.1',
    '100.100.100.200',
    '0.0.0.0',
    '0.1.2.3',
    '::',
    '::ffff:127.0.0.1',
    '::ffff:10.0.0.1',
    '::ffff:169.254.169.254',
    '::ffff:7f00:1',
    '::127.0.0.1', // deprecated IPv4-compatible
    '64:ff9b::a00:1', // NAT64 of 10.0.0.1
    '64:ff9b:1::1', // NAT64 local use
    '2002:7f00:1::1', // 6to4 of 127.0.0.1
    '2002:a9fe:a9fe::1', // 6to4 of 169.254.169.254
    '2001:0:4136:e378:8000:63bf:80ff:fffe', // Teredo, client 127.0.0.1
    'fc00::1',
    'fd00:ec2::254',
    'fe80::1',
    'fe80::1%eth0',
    'fec0::1',
    'ff02::1',
    '2001:db8::1',
    '224.0.0.1',
    '239.255.255.250',
    '255.255.255.255',
    '240.0.0.1',
    '192.0.2.1',
    '198.18.0.1',
    'not-an-ip',
    '',
  ];
  for (const a of priv) assert.equal(isPrivateAddress(a), true, a);
  const pub = [
    '8.8.8.8',
    '1.1.1.1',
    '93.184.216.34',
    '172.32.0.1',
    '100.128.0.1',
    '2606:4700:4700::1111',
    '2a00:1450:4001:80b::200e',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808', // NAT64 of 8.8.8.8
    '2002:808:808::1', // 6to4 of 8.8.8.8
  ];
  for (const a of pub) assert.equal(isPrivateAddress(a), false, a);
});

const stubLookup = (answers: Record<string, string[]>) => {
  const calls: string[] = [];
  const lookup = async (host: string, _opts: { all: true }) => {
    calls.push(host);
    return (answers[host] ?? []).map((address) => ({
      address,
      family: address.includes(':') ? 6 : 4,
    }));
  };
  return { lookup, calls };
};

// The address found is kept for logs but never shown: the message is the same for every refusal
// of a host (except URLs refused whatever they resolve to).
const deniedFor = (address: string | null) => (e: unknown) =>
  e instanceof EgressDeniedError &&
  e.code === 'egress_denied' &&
  e.address === address &&
  (address === null || e.message === egressDeniedDetail(e.target));

test('checkEgress: public hosts pass and return their addresses', async () => {
  const { lookup } = stubLookup({
    'idp.example.com': ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946'],
  });
  assert.deepEqual(
    await checkEgress('https://idp.example.com/oauth/token', { allowPrivate: false }, lookup),
    ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946'],
  );
  assert.deepEqual(await checkEgress('http://8.8.8.8/x', { allowPrivate: false }, lookup), [
    '8.8.8.8',
  ]);
});

test('checkEgress: a host resolving to a private address is refused, naming the host, not the address', async () => {
  const { lookup } = stubLookup({
    'meta.example.com': ['169.254.169.254'],
    'internal.example.com': ['10.0.0.5'],
    'v6.example.com': ['fd00:ec2::254'],
  });
  const policy = { allowPrivate: false };
  await assert.rejects(
    checkEgress('http://meta.example.com/latest/meta-data', policy, lookup),
    deniedFor('169.254.169.254'),
  );
  await assert.rejects(
    checkEgress('https://internal.example.com/token', policy, lookup),
    deniedFor('10.0.0.5'),
  );
  await assert.rejects(
    checkEgress('https://v6.example.com/', policy, lookup),
    deniedFor('fd00:ec2::254'),
  );
});

test('checkEgress: a mixed answer (one public, one private) is refused', async () => {
  const { lookup } = stubLookup({ 'evil.example.com': ['93.184.216.34', '127.0.0.1'] });
  await assert.rejects(
    checkEgress('https://evil.example.com/hook', { allowPrivate: false }, lookup),
    deniedFor('127.0.0.1'),
  );
});

test('checkEgress: literal private IPs are refused without a lookup', async () => {
  const { lookup, calls } = stubLookup({});
  const policy = { allowPrivate: false };
  for (const [url, address] of [
    ['http://127.0.0.1:8080/x', '127.0.0.1'],
    ['http://[::1]/x', '::1'],
    ['http://[::ffff:127.0.0.1]/x', '::ffff:7f00:1'],
    ['http://0x7f.1/x', '127.0.0.1'], // URL normalises IPv4 shorthands
    ['http://2130706433/x', '127.0.0.1'],
    ['https://169.254.169.254/latest', '169.254.169.254'],
    ['https://[fe80::1]/', 'fe80::1'],
    ['http://0.0.0.0:3000/', '0.0.0.0'],
  ] as const) {
    await assert.rejects(checkEgress(url, policy, lookup), deniedFor(address), url);
  }
  assert.deepEqual(calls, []);
});

test('checkEgress: non-http(s) schemes, junk and empty answers are refused', async () => {
  const { lookup, calls } = stubLookup({});
  const policy = { allowPrivate: true };
  for (const url of [
    'file:///etc/passwd',
    'ftp://example.com/x',
    'gopher://example.com/',
    'data:text/plain,hi',
    'javascript:alert(1)',
    'not a url',
  ]) {
    await assert.rejects(checkEgress(url, policy, lookup), deniedFor(null), url);
  }
  assert.deepEqual(calls, []);
  await assert.rejects(
    checkEgress('https://nowhere.example.com/', policy, lookup),
    deniedFor(null),
  );
});

test('checkEgress: allowPrivate lets loopback and private answers through', async () => {
  const { lookup } = stubLookup({ 'emulator.local': ['127.0.0.1', '::1'] });
  const policy = { allowPrivate: true };
  assert.deepEqual(await checkEgress('http://127.0.0.1:8080/x', policy, lookup), ['127.0.0.1']);
  assert.deepEqual(await checkEgress('http://emulator.local:4000/token', policy, lookup), [
    '127.0.0.1',
    '::1',
  ]);
});

test('checkEgress: a name that does not resolve is refused with the same message as a private one', async () => {
  const { lookup } = stubLookup({ 'internal.example.com': ['10.0.0.5'] });
  const policy = { allowPrivate: false };
  const messageOf = async (url: string, l = lookup) => {
    const e = await checkEgress(url, policy, l).then(
      () => assert.fail(`${url} was allowed`),
      (err: unknown) => err,
    );
    assert.ok(e instanceof EgressDeniedError, String(e));
    return e.message;
  };
  const notFound = Object.assign(new Error('getaddrinfo ENOTFOUND x'), { code: 'ENOTFOUND' });
  const nowhere = await messageOf('https://nowhere.example.com/token', async () => {
    throw notFound;
  });
  const internal = await messageOf('https://internal.example.com/token');
  assert.equal(
    nowhere,
    'nowhere.example.com does not resolve to a public address this vault may call (an operator can allow private addresses, for development and tests only, with ALLOW_PRIVATE_EGRESS=true)',
  );
  assert.equal(internal.replace('internal.example.com', 'nowhere.example.com'), nowhere);
  assert.ok(!internal.includes('10.0.0.5'), 'the address found is not shown');
});

test('checkEgress: with allowPrivate a lookup failure is passed through', async () => {
  const boom = Object.assign(new Error('getaddrinfo EAI_AGAIN x'), { code: 'EAI_AGAIN' });
  await assert.rejects(
    checkEgress('https://x.example.com/', { allowPrivate: true }, async () => {
      throw boom;
    }),
    (e) => e === boom,
  );
});

/** true when err, or something in its cause chain / AggregateError list, is an EgressDeniedError. */
function hasEgressDenied(err: unknown, depth = 0): boolean {
  if (depth > 5 || !(err instanceof Error)) return false;
  if (err instanceof EgressDeniedError) return true;
  if (err instanceof AggregateError && err.errors.some((e) => hasEgressDenied(e, depth + 1))) {
    return true;
  }
  return hasEgressDenied(err.cause, depth + 1);
}

test('createEgressAgent refuses to connect to a loopback server, and connects when allowed', async (t) => {
  let hits = 0;
  const server = createServer((req, res) => {
    hits++;
    req.resume();
    res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.address() as AddressInfo;

  const denied = createEgressAgent({ allowPrivate: false });
  const allowed = createEgressAgent(
    { allowPrivate: true },
    { connections: 2, keepAliveTimeout: 1 },
  );
  t.after(() => Promise.all([denied.close(), allowed.close()]));

  // A literal IP (net.connect skips the lookup for these) and a name resolved by the agent itself
  // (localhost comes from the hosts file; no network needed).
  for (const url of [`http://127.0.0.1:${port}/token`, `http://localhost:${port}/token`]) {
    await assert.rejects(
      request(url, {
        method: 'POST',
        dispatcher: denied,
        body: 'client_secret=s3cr3t',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      }),
      (err) => hasEgressDenied(err),
      url,
    );
  }
  assert.equal(hits, 0, 'nothing reached the server');

  const res = await request(`http://127.0.0.1:${port}/token`, { dispatcher: allowed });
  assert.equal(res.statusCode, 200);
  assert.equal(await res.body.text(), 'ok');
  assert.equal(hits, 1);
});

test('createEgressAgent: a name that does not resolve is refused like a private one, before any socket', async (t) => {
  const denied = createEgressAgent({ allowPrivate: false });
  t.after(() => denied.close());
  const messages: string[] = [];
  for (const host of ['nonexistent.invalid', 'localhost']) {
    const err = await request(`http://${host}:9/token`, { dispatcher: denied }).then(
      () => assert.fail(`${host} was called`),
      (e: unknown) => e,
    );
    const found = findEgressDenied(err);
    assert.ok(found, `${host}: ${String(err)}`);
    messages.push(found.message.replace(host, '<host>'));
  }
  assert.equal(messages[0], messages[1]);
  assert.equal(messages[0], egressDeniedDetail('<host>'));
});
